"""`hospital-bff staff token` under production never signs with the public demo staff key.

Found against a production deployment: run where BFF_STAFF_JWT_KEYS was not exported, the
command printed a token signed with the demo key (public, in this repository) and recorded a
session for it. The server refused the token, but a token anyone can forge must never be made.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hospital_bff.cli import app


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("BFF_ENV", "production")
    monkeypatch.setenv("BFF_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.delenv("BFF_STAFF_JWT_KEYS", raising=False)
    runner = CliRunner()
    added = runner.invoke(app, ["staff", "add", "wang.li"])
    assert added.exit_code == 0, added.output
    return runner


def test_no_staff_key_no_token(run: CliRunner) -> None:
    result = run.invoke(app, ["staff", "token", "wang.li"])

    assert result.exit_code == 1
    assert "BFF_STAFF_JWT_KEYS is not set" in result.output
    assert "eyJ" not in result.output  # no JWT printed
    sessions = run.invoke(app, ["staff", "sessions", "wang.li"])
    assert sessions.exit_code == 0
    assert sessions.output.strip() == "", "no session was recorded"


def test_the_demo_staff_key_no_token(run: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "BFF_STAFF_JWT_KEYS", json.dumps({"s1": "demo-staff-jwt-signing-key-change-me-0001"})
    )

    result = run.invoke(app, ["staff", "token", "wang.li"])

    assert result.exit_code == 1
    assert "BFF_STAFF_JWT_KEYS is the public demo value" in result.output


def test_a_real_staff_key_gets_a_token(run: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BFF_STAFF_JWT_KEYS", json.dumps({"s1": secrets.token_urlsafe(32)}))

    result = run.invoke(app, ["staff", "token", "wang.li"])

    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+", token), result.output
