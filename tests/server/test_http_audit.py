"""The graphql-http package's server audit (the GraphQL-over-HTTP spec's conformance suite)
against a real `hospital-bff serve`: every MUST passes, and the SHOULDs that fail are exactly
the ones the README names, so the README stays true."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.node import installed_copy
from fixtures.servers import base_env, free_port, running

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
AUDIT_PROJECT = ROOT / "tests" / "http_audit"
README = ROOT / "README.md"
# The README's list of the audit's failing SHOULDs sits between these two comments.
LIST_START = "<!-- http-audit-failing-shoulds -->"
LIST_END = "<!-- /http-audit-failing-shoulds -->"
AUDIT_TIMEOUT_SECONDS = 300


@pytest.fixture(scope="module")
def audit_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return installed_copy(AUDIT_PROJECT, tmp_path_factory.mktemp("http_audit"))


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve") / "serve.log"


@pytest.fixture(scope="module")
def server(server_log: Path) -> Iterator[str]:
    cwd = server_log.parent
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running(
        ["serve", "--port", str(port)],
        env=base_env(BFF_LOG_LEVEL="INFO"),
        cwd=cwd,
        ready_url=f"{url}/healthz",
        log=server_log,
    ):
        yield f"{url}/graphql"


@pytest.fixture(scope="module")
def results(audit_dir: Path, server: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["node", "audit.mjs", server],
        cwd=audit_dir,
        capture_output=True,
        text=True,
        timeout=AUDIT_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: list[dict[str, Any]] = json.loads(done.stdout)
    assert len(report) > 50, "the suite ran whole"
    return report


def _failing(results: list[dict[str, Any]], status: str) -> list[str]:
    return sorted(
        f"{r['id']} {r['name']}: {r.get('reason')}" for r in results if r["status"] == status
    )


def readme_failing_shoulds() -> list[str]:
    text = README.read_text(encoding="utf-8")
    assert LIST_START in text and LIST_END in text, f"README.md has no {LIST_START} list"
    listed = text.split(LIST_START, 1)[1].split(LIST_END, 1)[0]
    return sorted(re.findall(r"^- `([0-9A-Z]{4})`", listed, flags=re.M))


def test_every_must_of_the_spec_passes(results: list[dict[str, Any]]) -> None:
    assert _failing(results, "error") == []


def test_the_failing_shoulds_are_the_ones_the_readme_names(results: list[dict[str, Any]]) -> None:
    failing = sorted(r["id"] for r in results if r["status"] == "warn")
    assert failing == readme_failing_shoulds(), _failing(results, "warn")


def test_the_audits_mistakes_are_logged_as_one_line_each(
    results: list[dict[str, Any]], server_log: Path
) -> None:
    """Dozens of malformed requests: each a line with its code, never a traceback."""
    text = server_log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text
    assert "graphql.request_refused" in text and "graphql.client_error" in text
