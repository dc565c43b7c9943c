"""The GraphiQL page: the package's own files only, a strict CSP, the demo sign-in in demo only."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import BASE_URL, make_settings
from hospital_bff.app import create_app
from hospital_bff.cache import reset_fake_redis
from hospital_bff.graphiql.page import (
    OWN_SCRIPTS,
    OWN_STYLES,
    VENDOR_SCRIPTS,
    VENDOR_STYLES,
    demo_sign_in,
)

HTML = {"Accept": "text/html"}


@asynccontextmanager
async def _client(tmp_path: Path, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    # The page touches no table: SQLite and the in-process Redis stand-in are enough.
    reset_fake_redis()
    app = create_app(make_settings("sqlite", tmp_path, **overrides))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client,
    ):
        yield client


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(tmp_path) as client:
        yield client


def _config(page: str) -> dict[str, Any]:
    match = re.search(
        r'<script id="bff-graphiql-config" type="application/json">(.*?)</script>', page
    )
    assert match, page
    config: dict[str, Any] = json.loads(match.group(1))
    return config


async def test_the_page_loads_only_files_of_this_server(demo: httpx.AsyncClient) -> None:
    response = await demo.get("/graphql", headers=HTML)

    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert sources, response.text
    assert all(s.startswith("/graphiql/") or s.startswith("data:") for s in sources), sources
    assert "unpkg" not in response.text and "//" not in "".join(sources)
    for source in sources:
        if source.startswith("/graphiql/"):
            served = await demo.get(source)
            assert served.status_code == 200, source
            assert len(served.content) > 100, source


async def test_the_page_loads_every_vendored_file_in_order(demo: httpx.AsyncClient) -> None:
    page = (await demo.get("/graphql", headers=HTML)).text

    scripts = re.findall(r'<script src="/graphiql/([^"]+)"', page)
    styles = re.findall(r'<link rel="stylesheet" href="/graphiql/([^"]+)"', page)
    assert scripts == [*VENDOR_SCRIPTS, *OWN_SCRIPTS]
    assert scripts.index("vendor/react-18.3.1.production.min.js") < scripts.index(
        "vendor/graphiql-4.1.2.min.js"
    )
    assert styles == [*VENDOR_STYLES, *OWN_STYLES]


async def test_the_page_runs_no_inline_script_under_its_policy(demo: httpx.AsyncClient) -> None:
    response = await demo.get("/graphql", headers=HTML)

    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy
    assert "script-src 'self' 'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    # Every script is a file, but for the JSON data block, which a browser does not run.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
    assert inline == [' id="bff-graphiql-config" type="application/json"']
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_demo_mode_offers_the_simulated_wechat_sign_in(demo: httpx.AsyncClient) -> None:
    config = _config((await demo.get("/graphql", headers=HTML)).text)

    assert config == {
        "endpoint": "/graphql",
        "demoSignIn": {
            "authorizeUrl": "/sim/wechat/connect/oauth2/authorize",
            "appId": "wx-hospital-demo",
        },
    }


async def test_separate_simulators_are_signed_in_with_at_their_address(tmp_path: Path) -> None:
    async with _client(
        tmp_path, embedded_simulators=False, wechat_base_url="http://127.0.0.1:8100/wechat/"
    ) as client:
        config = _config((await client.get("/graphql", headers=HTML)).text)

    assert config["demoSignIn"]["authorizeUrl"] == (
        "http://127.0.0.1:8100/wechat/connect/oauth2/authorize"
    )


async def test_the_browser_is_sent_to_the_simulators_browser_address(tmp_path: Path) -> None:
    """In compose the BFF calls `sim:8100`, a name only the containers resolve; the browser
    needs the port the host publishes."""
    async with _client(
        tmp_path,
        embedded_simulators=False,
        wechat_base_url="http://sim:8100/wechat",
        wechat_web_url="http://localhost:8100/wechat",
    ) as client:
        config = _config((await client.get("/graphql", headers=HTML)).text)

    assert config["demoSignIn"]["authorizeUrl"] == (
        "http://localhost:8100/wechat/connect/oauth2/authorize"
    )


def test_production_with_graphiql_opted_in_has_no_demo_sign_in(tmp_path: Path) -> None:
    settings = make_settings("sqlite", tmp_path, env="production", graphiql=True)

    assert settings.graphiql is True
    assert demo_sign_in(settings) is None


async def test_the_config_cannot_close_its_script_block(tmp_path: Path) -> None:
    async with _client(tmp_path, wechat_app_id="</script><script>alert(1)</script>") as c:
        page = (await c.get("/graphql", headers=HTML)).text

    assert "<script>alert(1)" not in page
    assert _config(page)["demoSignIn"]["appId"] == "</script><script>alert(1)</script>"


async def test_without_graphiql_neither_page_nor_files(tmp_path: Path) -> None:
    async with _client(tmp_path, graphiql=False) as client:
        page = await client.get("/graphql", headers=HTML)
        script = await client.get("/graphiql/bff-graphiql.js")

    assert "graphiql" not in page.text.lower()
    assert script.status_code == 404
