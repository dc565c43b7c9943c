"""GraphiQL in a real browser with no network: `hospital-bff serve` as the README starts it,
headless Chromium that may reach only loopback. It renders, runs a query, signs in through the
simulated WeChat's page, and receives a subscription event. Screenshots go to tmp/artefacts/."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from fixtures.browser import ARTEFACTS, offline_browser, require_chromium
from fixtures.servers import base_env, free_port, running
from hospital_bff.clock import Clock
from hospital_bff.simulators.his.seed import build_seed

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow

RESPONSE = ".graphiql-response .CodeMirror"
QUERY = ".graphiql-query-editor .CodeMirror"
# The Variables and Headers editors share the tool pane; the page opens on Headers.
HEADERS = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    cwd = tmp_path_factory.mktemp("graphiql")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running(
        ["serve", "--port", str(port)],
        env=base_env(),
        cwd=cwd,
        ready_url=f"{url}/healthz",
        log=cwd / "serve.log",
    ):
        yield url


@pytest.fixture
def artefacts(request: pytest.FixtureRequest) -> Path:
    folder = ARTEFACTS / "graphiql" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def editor_text(page: Page, selector: str) -> str:
    text: str = page.evaluate(
        "s => document.querySelector(s)?.CodeMirror.getValue() ?? ''", selector
    )
    return text


def wait_for_text(page: Page, selector: str, expected: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "([s, t]) => (document.querySelector(s)?.CodeMirror.getValue() ?? '').includes(t)",
        arg=[selector, expected],
        timeout=timeout,
    )


def run_operation(page: Page, document: str, name: str) -> None:
    """Put `document` in the query editor and run it, once GraphiQL has read its name."""
    page.evaluate("([s, d]) => document.querySelector(s).CodeMirror.setValue(d)", [QUERY, document])
    # The tab takes the operation's name when GraphiQL has parsed the new text.
    page.wait_for_function(
        "n => document.querySelector('.graphiql-tab-active')?.textContent.includes(n)", arg=name
    )
    page.locator(".graphiql-execute-button").click()


def test_graphiql_offline_queries_signs_in_and_subscribes(server: str, artefacts: Path) -> None:
    zhang = build_seed(Clock().today(), Clock().tz).patients["pat-0001"]
    with offline_browser() as (context, offline):
        page = context.new_page()
        offline.watch(page)
        page_errors: list[str] = []
        page.on("pageerror", lambda exc: page_errors.append(str(exc)))

        # 1. It renders from the package's own files, and a query answers.
        page.goto(f"{server}/graphql")
        page.locator(QUERY).wait_for()
        page.locator(".graphiql-execute-button").click()
        wait_for_text(page, RESPONSE, "内科")
        page.screenshot(path=artefacts / "1-query.png")
        # Signed out, the editor is ready for a token, and the page sends no empty one.
        assert json.loads(editor_text(page, HEADERS)) == {"Authorization": "Bearer "}
        run_operation(page, "query Who { me { id } }", "Who")
        wait_for_text(page, RESPONSE, '"me"')  # null, or an error at path ["me"]
        assert "Authorization must be" not in editor_text(page, RESPONSE)

        # 2. Two clicks: "Sign in (demo)", then who you are on the simulated WeChat's page.
        page.get_by_role("button", name="Sign in (demo)").click()
        page.wait_for_url("**/sim/wechat/connect/oauth2/authorize?**")
        page.screenshot(path=artefacts / "2-wechat-consent.png")
        page.locator(f"button[value='o-demo-{zhang.id}']").click()
        page.wait_for_url(f"{server}/graphql")  # the code is gone from the address
        wait_for_text(page, HEADERS, '"Authorization": "Bearer ')
        page.screenshot(path=artefacts / "3-signed-in.png")
        token = json.loads(editor_text(page, HEADERS))["Authorization"].removeprefix("Bearer ")

        # The token in the headers editor is the one GraphiQL sends.
        run_operation(
            page,
            "mutation Verify { verifyIdentity(input: {"
            f'name: "{zhang.name}", idNumber: "{zhang.id_number}", phone: "{zhang.phone}"'
            "}) { __typename } }",
            "Verify",
        )
        wait_for_text(page, RESPONSE, "VerifyIdentitySuccess")

        # 3. A subscription over the WebSocket, signed in by the same headers.
        with page.expect_websocket() as opened:
            run_operation(page, "subscription Mine { notices { kind title body } }", "Mine")
        assert opened.value.url == server.replace("http://", "ws://") + "/graphql"
        delivered = _report_until_notified(page, server, zhang.id)
        page.screenshot(path=artefacts / "4-subscription-event.png")

    assert delivered["kind"] == "REPORT_READY"
    assert zhang.name in delivered["body"]
    assert offline.refused == [], offline.refused
    assert page_errors == []
    # The page signed in as the demo patient the click named.
    me = httpx.post(
        f"{server}/graphql",
        json={"query": "{ me { patients { name } } }"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert [p["name"] for p in me["data"]["me"]["patients"]] == [zhang.name]


def _report_until_notified(page: Page, server: str, patient_id: str) -> dict[str, str]:
    """Make reports ready until one reaches the page. The page cannot tell when the server
    listens, so the first report can come before it; each try waits for the page."""
    from playwright.sync_api import TimeoutError as PageTimeout

    deadline = time.monotonic() + 90
    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        title = f"血常规 (browser test {attempt})"
        httpx.post(
            f"{server}/sim/his/reports",
            json={"patientId": patient_id, "kind": "LAB", "title": title, "items": []},
        ).raise_for_status()
        try:
            wait_for_text(page, RESPONSE, "REPORT_READY", timeout=5_000)
        except PageTimeout:
            continue
        notice: dict[str, str] = json.loads(editor_text(page, RESPONSE))["data"]["notices"]
        return notice
    raise AssertionError("no notice reached GraphiQL's subscription")
