"""`hospital-bff staff ...` against a real (SQLite) database, as an operator runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hospital_bff.cli import app


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("BFF_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("BFF_EMBEDDED_SIMULATORS", "false")  # a hospital, not the demo
    return CliRunner()


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_hospital_adds_members_before_they_get_tokens(run: CliRunner) -> None:
    refused = run.invoke(app, ["staff", "token", "wang.li"])
    assert refused.exit_code == 1
    assert "no staff member" in refused.stderr
    assert run.invoke(app, ["staff-token", "wang.li"]).exit_code == 1  # the alias, too

    _ok(run, "staff", "add", "wang.li", "--display-name", "王丽")
    assert run.invoke(app, ["staff", "add", "wang.li"]).exit_code == 1  # no duplicate
    token = _ok(run, "staff", "token", "wang.li", "--ttl-hours", "2").strip()
    assert token.count(".") == 2
    assert "wang.li\t王丽\tactive" in _ok(run, "staff", "list")


def test_disable_revokes_and_revoke_names_a_session(run: CliRunner) -> None:
    _ok(run, "staff", "add", "wang.li")
    _ok(run, "staff", "token", "wang.li")
    _ok(run, "staff", "token", "wang.li")
    [first, second] = _ok(run, "staff", "sessions", "wang.li").splitlines()
    session_id = first.split("\t")[0]
    assert "1 session(s) revoked" in _ok(run, "staff", "revoke", session_id)
    assert _ok(run, "staff", "sessions", "wang.li").splitlines()[0].endswith("revoked")
    assert "1 session(s) revoked" in _ok(run, "staff", "disable", "wang.li")
    assert "disabled" in _ok(run, "staff", "list")
    assert run.invoke(app, ["staff", "token", "wang.li"]).exit_code == 1
    _ok(run, "staff", "enable", "wang.li")
    assert all(
        line.endswith("revoked") for line in _ok(run, "staff", "sessions", "wang.li").splitlines()
    )
    assert second.split("\t")[0] != session_id
    assert run.invoke(app, ["staff", "revoke", "no-such-session"]).exit_code == 1
    assert run.invoke(app, ["staff", "revoke"]).exit_code != 0  # neither an id nor --all


def test_ttl_hours_is_bounded(run: CliRunner) -> None:
    _ok(run, "staff", "add", "wang.li")
    assert run.invoke(app, ["staff", "token", "wang.li", "--ttl-hours", "0"]).exit_code == 1
    assert run.invoke(app, ["staff", "token", "wang.li", "--ttl-hours", "1000"]).exit_code == 1
