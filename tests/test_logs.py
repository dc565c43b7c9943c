"""Logs an operator can use: JSON lines that say which request, operation, user and order;
ERROR lines on a stream of their own; a client's mistake one line, never a traceback."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog

from fixtures.journey import patient_of, verified_user
from hospital_bff.config import Settings
from hospital_bff.logs import configure_logging
from hospital_bff.resolvers.log_context import order_context
from hospital_bff.runtime import Runtime


class Streams:
    def __init__(self) -> None:
        self.out = io.StringIO()
        self.err = io.StringIO()

    def lines(self, stream: io.StringIO) -> list[dict[str, Any]]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.fixture
def streams(tmp_path: Path) -> Iterator[Streams]:
    found = Streams()
    configure_logging("INFO", json=True, out=found.out, err=found.err)
    yield found
    configure_logging("INFO")


def test_lines_are_json_with_context_and_errors_have_their_own_stream(
    streams: Streams, tmp_path: Path
) -> None:
    error_file = tmp_path / "errors.log"
    configure_logging(
        "INFO", json=True, out=streams.out, err=streams.err, error_log_path=error_file
    )
    log = structlog.get_logger("test")
    with structlog.contextvars.bound_contextvars(request_id="req-1"), order_context("ord_1"):
        log.info("normal_thing", n=1)
        logging.getLogger("some.library").warning("library says %s", "hi")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("bad_thing")
    out = streams.lines(streams.out)
    assert [line["event"] for line in out] == ["normal_thing", "library says hi"]
    assert all(line["request_id"] == "req-1" and line["order"] == "ord_1" for line in out)
    (error,) = streams.lines(streams.err)
    assert error["event"] == "bad_thing" and error["level"] == "error"
    assert "RuntimeError: boom" in error["exception"]
    on_disk = [json.loads(line) for line in error_file.read_text().splitlines()]
    assert [line["event"] for line in on_disk] == ["bad_thing"]


async def test_a_request_line_names_operation_and_a_stable_pseudonym(
    client: httpx.AsyncClient, runtime: Runtime, streams: Streams
) -> None:
    token, person = await verified_user(client)
    patient_id = await patient_of(client, token)
    # Calls to the embedded simulators show only at DEBUG; this test reads those lines.
    logging.getLogger("httpx").filters.clear()
    for _ in range(2):  # unpaid bills are read from the HIS: its client logs each call
        response = await client.post(
            "/graphql",
            json={
                "query": "query Mine($p: ID!) { unpaidBills(patientId: $p) { id } }",
                "variables": {"p": patient_id},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert "errors" not in response.json(), response.text
    lines = [line for line in streams.lines(streams.out) if line.get("operation") == "Mine"]
    assert len(lines) >= 2, streams.out.getvalue()
    assert all(line.get("request_id") for line in lines)
    pseudonyms = {line.get("user") for line in lines}
    user_id = await _user_id(runtime, person["idNumber"])
    assert user_id is not None
    # Stable (the same for both requests), keyed, and neither the id nor the ID number's hash.
    assert pseudonyms == {runtime.pii.pseudonym(user_id)}
    assert user_id not in pseudonyms
    assert runtime.pii.lookup_hash(person["idNumber"])[:16] not in pseudonyms
    text = streams.out.getvalue() + streams.err.getvalue()
    for secret in (person["idNumber"], person["name"], user_id):
        assert secret not in text


async def _user_id(runtime: Runtime, id_number: str) -> str | None:
    from sqlmodel import select

    from hospital_bff.store.models import HospitalUser

    async with runtime.sessions() as session:
        user = (
            await session.exec(
                select(HospitalUser).where(
                    HospitalUser.id_number_hash == runtime.pii.lookup_hash(id_number)
                )
            )
        ).first()
    return user.id if user else None


async def test_a_client_error_is_one_line_without_a_traceback(
    client: httpx.AsyncClient, streams: Streams
) -> None:
    cases = [
        ("query Broken { nonsense }", "GRAPHQL_VALIDATION_FAILED"),
        ("query Mine { me { id } }", "UNAUTHENTICATED"),
        ('query Stats { statistics(from: "2026-11-27", to: "2026-11-27") { to } }', None),
    ]
    for query, _ in cases:
        response = await client.post(
            "/graphql", json={"query": query}, headers={"Authorization": "Bearer nonsense"}
        )
        assert response.status_code == 200
        assert response.json()["errors"], response.text
    out = streams.lines(streams.out)
    client_errors = [line for line in out if line["event"] == "graphql.client_error"]
    assert len(client_errors) == len(cases), out
    assert {line["operation"] for line in client_errors} == {"Broken", "Mine", "Stats"}
    assert "GRAPHQL_VALIDATION_FAILED" in {line["code"] for line in client_errors}
    assert "UNAUTHENTICATED" in {line["code"] for line in client_errors}
    everything = streams.out.getvalue() + streams.err.getvalue()
    assert "Traceback" not in everything
    assert "strawberry.execution" not in everything
    assert streams.err.getvalue() == ""


def test_the_worker_process_configures_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    from hospital_bff.jobs import worker

    calls: list[tuple[str, dict[str, Any]]] = []

    def record(level: str, **kw: Any) -> None:
        calls.append((level, kw))

    monkeypatch.setattr("hospital_bff.logs.configure_logging", record)
    settings = Settings(
        broker_url="redis://127.0.0.1:6379/15",
        log_json=True,
        log_level="WARNING",
        error_log_path="/tmp/bff-errors.log",
    )
    monkeypatch.setattr(worker.broker_mod, "build_broker", lambda url: _NoBroker())
    monkeypatch.setattr(worker.broker_mod, "install", lambda broker: None)
    worker.build_worker_broker(settings)
    assert calls == [("WARNING", {"json": True, "error_log_path": "/tmp/bff-errors.log"})]


class _NoBroker:
    def add_middleware(self, middleware: object, **where: object) -> None:
        pass


def test_an_outage_is_one_warning_line_and_a_bug_one_plain_traceback(streams: Streams) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    from hospital_bff.logs import log_failure

    log = structlog.get_logger("test")
    log_failure(log, "sweep_failed", RedisConnectionError("Connection refused"), name="expire")
    try:
        raise RuntimeError("a bug")
    except RuntimeError as exc:
        log_failure(log, "sweep_failed", exc, name="expire")
    (outage,) = streams.lines(streams.out)
    assert outage["level"] == "warning" and "ConnectionError" in outage["error"]
    assert "exception" not in outage
    (bug,) = streams.lines(streams.err)
    assert bug["level"] == "error" and bug["name"] == "expire"
    assert bug["exception"].startswith("Traceback (most recent call last)")


def test_console_tracebacks_are_plain_not_rich_with_locals() -> None:
    out, err = io.StringIO(), io.StringIO()
    configure_logging("INFO", out=out, err=err)
    try:
        secret_local = "a local's value"  # noqa: F841 - rich would print it
        raise RuntimeError("boom")
    except RuntimeError:
        structlog.get_logger("test").exception("bad_thing")
    finally:
        configure_logging("INFO")
    text = err.getvalue()
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom" in text
    assert "a local's value" not in text and "╭" not in text


def test_every_command_configures_logging_and_answers_alone_on_stdout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from hospital_bff.cli import app

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "hospital_bff.logs.configure_logging_from",
        lambda settings, **kw: calls.append({"json": settings.log_json, **kw}),
    )
    monkeypatch.setenv("BFF_LOG_JSON", "true")
    result = CliRunner().invoke(app, ["export-schema"])
    assert result.exit_code == 0, result.output
    # Its stdout is the schema a script reads: log lines go to stderr.
    assert calls == [{"json": True, "quiet_stdout": True}]


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_a_line_per_simulator_call_shows_only_at_debug(level: str) -> None:
    found = Streams()
    configure_logging(level, json=True, out=found.out, err=found.err)
    try:
        request = 'HTTP Request: %s %s "%s %d %s"'
        httpx_log = logging.getLogger("httpx")
        httpx_log.info(
            request, "POST", httpx.URL("http://h/sim/his/slot-locks"), "HTTP/1.1", 200, "OK"
        )
        httpx_log.info(
            request, "POST", httpx.URL("https://his.example/slot-locks"), "HTTP/1.1", 200, "OK"
        )
        access = logging.getLogger("uvicorn.access")
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/sim/bank/ledger", "1.1", 200)
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "POST", "/graphql", "1.1", 200)
    finally:
        configure_logging("INFO")
    events = [line["event"] for line in found.lines(found.out)]
    assert any("/graphql" in e for e in events) and any("his.example" in e for e in events)
    shown = sum("/sim/" in e for e in events)
    assert shown == (2 if level == "DEBUG" else 0)


def test_uvicorn_formats_no_access_line_the_level_would_drop() -> None:
    # uvicorn's protocol formats a request's access line whenever the logger has a handler.
    access = logging.getLogger("uvicorn.access")
    configure_logging("WARNING", out=io.StringIO(), err=io.StringIO())
    try:
        assert not access.hasHandlers()
    finally:
        configure_logging("INFO")
    assert access.hasHandlers()
