"""Apollo Client's own persisted-query link (`tests/http_audit/apq.mjs`, Apollo Client 4) against
a real `hospital-bff serve`: on POST and on GET (`useGETForHashedQueries`), with today's Accept
and with the legacy `*/*`, the first hash-only request is PERSISTED_QUERY_NOT_FOUND, the link
sends the query with its hash, and a fresh client then gets the answer from the hash alone."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.node import installed_copy
from fixtures.servers import base_env, free_port, running

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[1] / "http_audit"
RUN_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def clients_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return installed_copy(PROJECT, tmp_path_factory.mktemp("apollo"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    cwd = tmp_path_factory.mktemp("serve")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running(
        ["serve", "--port", str(port)],
        env=base_env(BFF_LOG_LEVEL="WARNING"),
        cwd=cwd,
        ready_url=f"{url}/healthz",
        log=cwd / "serve.log",
    ):
        yield f"{url}/graphql"


def _link(clients_dir: Path, server: str, *args: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["node", "apq.mjs", server, *args],
        cwd=clients_dir,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    runs: list[dict[str, Any]] = json.loads(done.stdout)["runs"]
    return runs


@pytest.mark.parametrize(
    ("method", "accept", "media_type", "not_found_status"),
    [
        ("POST", None, "application/graphql-response+json", 400),
        ("GET", None, "application/graphql-response+json", 400),
        ("POST", "*/*", "application/json", 200),
        ("GET", "*/*", "application/json", 200),
    ],
)
def test_apollos_link_registers_then_sends_hashes_only(
    clients_dir: Path,
    server: str,
    method: str,
    accept: str | None,
    media_type: str,
    not_found_status: int,
) -> None:
    first, second = _link(clients_dir, server, method, *([accept] if accept else []))

    assert first["error"] is None and first["data"]["departments"], first
    unknown, registering = first["requests"]
    assert unknown["method"] == method and unknown["hashOnly"]
    assert (unknown["status"], unknown["codes"]) == (
        not_found_status,
        ["PERSISTED_QUERY_NOT_FOUND"],
    )
    assert unknown["contentType"].startswith(media_type)
    assert registering["method"] == "POST" and not registering["hashOnly"]
    assert (registering["status"], registering["codes"]) == (200, [])

    assert second["error"] is None and second["data"] == first["data"]
    [by_hash] = second["requests"]
    assert by_hash["method"] == method and by_hash["hashOnly"]
    assert (by_hash["status"], by_hash["codes"]) == (200, [])
