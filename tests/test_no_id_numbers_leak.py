"""Invariant 5: no national ID number in clear in a log line, a response, or the database.

A whole journey runs (verify, with mistakes on the way; bind a family member; book; pay)
while every log record and every GraphQL response is kept; then the logs, the responses
and every column of every table are searched for ID numbers.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import structlog
from sqlalchemy import select
from sqlmodel import SQLModel
from starlette.applications import Starlette

from fixtures.accounts import bind, confirmed_order, me, verify
from fixtures.journey import new_id_number, register_person, sign_in
from hospital_bff.logs import configure_logging
from hospital_bff.national_id import InvalidNationalId, mask_id_number, parse_national_id
from hospital_bff.pii import ID_NUMBER_PATTERN, scrub_national_ids
from hospital_bff.runtime import Runtime
from hospital_bff.simulators.his.id_numbers import resident_id

# The ID number of the seeded demo patient 张伟 has the same shape as the test ones.
FAR_FUTURE = date(2100, 1, 1)


def id_numbers_in(text: str) -> list[str]:
    """Valid resident ID numbers in `text`.

    Only numbers that pass the full check count: a random hex identifier (token_hex, HMAC
    digests) has 18-digit runs now and then, and those are not anyone's ID number.
    """
    found = []
    for match in ID_NUMBER_PATTERN.finditer(text):
        try:
            parse_national_id(match.group(0), FAR_FUTURE)
        except InvalidNationalId:
            continue
        found.append(match.group(0))
    return found


def assert_clean(where: str, text: str, known: list[str]) -> None:
    assert id_numbers_in(text) == [], f"an ID number in clear in {where}"
    for number in known:
        for form in (number, number.lower(), number[:17]):
            assert form not in text, f"{mask_id_number(number)} in clear in {where}"


class _Keep(logging.Handler):
    """Every record, formatted as the production handler would (tracebacks included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def kept_logs() -> Iterator[_Keep]:
    handler = _Keep()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # the production level (settings.log_level)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
async def recording_client(app: Starlette) -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    bodies: list[str] = []

    async def keep(response: httpx.Response) -> None:
        if response.request.url.path.startswith("/graphql"):
            await response.aread()
            bodies.append(response.text)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://127.0.0.1:8000",
        timeout=30,
        event_hooks={"response": [keep]},
    ) as client:
        yield client, bodies


async def database_text(runtime: Runtime) -> dict[str, str]:
    """Every value of every column of every table, as text, by table."""
    out: dict[str, str] = {}
    async with runtime.engine.connect() as conn:
        for name, table in SQLModel.metadata.tables.items():
            rows = (await conn.execute(select(table))).mappings().all()
            out[name] = json.dumps([dict(r) for r in rows], default=str, ensure_ascii=False)
    return out


async def test_a_whole_journey_leaves_no_id_number_in_logs_responses_or_database(
    recording_client: tuple[httpx.AsyncClient, list[str]],
    runtime: Runtime,
    app: Starlette,
    kept_logs: _Keep,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client, responses = recording_client
    parent = await register_person(client, name="李雷", phone="13912345678")
    child = await register_person(
        client, name="李小雷", birth=date(2019, 2, 3), phone="13912345670"
    )
    stranger = new_id_number(birth=date(1970, 1, 1))
    bad_check = parent["idNumber"][:17] + ("0" if parent["idNumber"][-1] != "0" else "1")
    known = [parent["idNumber"], child["idNumber"], stranger, bad_check]

    token = await sign_in(client, "o-lilei")
    # Mistakes first: they are where a number is most tempted to land in a log line.
    assert (await verify(client, token, parent, phone="13600000000"))["code"] == (
        "IDENTITY_MISMATCH"
    )
    assert (await verify(client, token, parent, idNumber=bad_check))["code"] == (
        "INVALID_ID_NUMBER"
    )
    # A malformed request: GraphQL's own coercion errors quote the variables they reject.
    for broken in (
        {"name": "李雷", "idNumber": parent["idNumber"]},
        {"name": "李雷", "idNumber": parent["idNumber"], "phone": 13912345678},
    ):
        response = await client.post(
            "/graphql",
            json={
                "query": "mutation V($input: VerifyIdentityInput!) "
                "{ verifyIdentity(input: $input) { __typename } }",
                "variables": {"input": broken},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.json().get("errors"), response.text
    # The same mistake written inline: validation quotes the literal back to the client.
    literal = f'{{name: "李雷", idNumber: "{parent["idNumber"]}"}}'
    response = await client.post(
        "/graphql",
        json={"query": f"mutation {{ verifyIdentity(input: {literal}) {{ __typename }} }}"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.json().get("errors"), response.text
    assert (await verify(client, token, parent))["__typename"] == "VerifyIdentitySuccess"
    assert (await bind(client, token, child, "CHILD"))["__typename"] == "BindPatientSuccess"
    nobody = {"name": "陌生人", "idNumber": stranger, "phone": "13700000001"}
    assert (await bind(client, token, nobody, "OTHER"))["code"] == "IDENTITY_MISMATCH"
    assert (await bind(client, token, child, "CHILD"))["code"] == "ALREADY_BOUND"

    confirmed = await confirmed_order(client, token, child["id"], day="2026-11-28", key="k1")
    assert confirmed["status"] == "CONFIRMED"
    patients = (await me(client, token))["patients"]
    assert {p["maskedIdNumber"] for p in patients} == {
        mask_id_number(parent["idNumber"]),
        mask_id_number(child["idNumber"]),
    }
    await app.state.simulators["his"].state.his.drain()

    assert len(responses) >= 10
    for n, body in enumerate(responses):
        assert_clean(f"GraphQL response {n}: {body[:200]}", body, known)
    for table, text in (await database_text(runtime)).items():
        assert_clean(f"table {table}", text, known)
    captured = capsys.readouterr()
    records = "\n".join(kept_logs.lines)
    # The capture works: our own structlog lines, and the library's error lines, are there,
    # the latter quoting the rejected input with the number masked, not left out.
    assert "booked" in captured.out + captured.err
    # A client's error is one line of ours (strawberry's own, with its traceback, is off).
    assert "graphql.client_error" in records
    assert "strawberry.execution" not in records
    assert mask_id_number(parent["idNumber"]) in records
    assert_clean("stdout", captured.out, known)
    assert_clean("stderr", captured.err, known)
    assert_clean("log records", records, known)


# --- the log pipeline itself ---------------------------------------------------------------

NUMBER = resident_id("110105", date(1990, 5, 17), 7, "MALE")
OTHER = resident_id("310104", date(1968, 11, 2), 8, "FEMALE")


def test_scrub_national_ids_masks_strings_nested_anywhere() -> None:
    event: dict[str, Any] = {
        "event": f"lookup {NUMBER}",
        "patient": {"idNumber": NUMBER, "family": [{"id": OTHER}, (OTHER, 3)]},
        "numbers": [NUMBER.lower(), f"a{NUMBER}b"],
        "count": 18,
        "trade_no": "4200001234567890123456",  # longer than an ID: not one
    }
    scrubbed = scrub_national_ids(None, "info", event)
    text = json.dumps(scrubbed, ensure_ascii=False)
    assert id_numbers_in(text) == []
    assert NUMBER not in text
    assert OTHER not in text
    assert scrubbed["event"] == f"lookup {mask_id_number(NUMBER)}"
    assert scrubbed["patient"]["idNumber"] == NUMBER[:4] + "*" * 10 + NUMBER[-4:]
    assert scrubbed["patient"]["family"][0]["id"] == mask_id_number(OTHER)
    assert scrubbed["patient"]["family"][1] == (mask_id_number(OTHER), 3)
    assert scrubbed["numbers"][0] == mask_id_number(NUMBER.lower())
    assert scrubbed["count"] == 18
    assert scrubbed["trade_no"] == "4200001234567890123456"


@pytest.fixture
def configured_logging() -> Iterator[io.StringIO]:
    """The app's logging set-up, writing to a buffer we can read."""
    out = io.StringIO()
    level = logging.getLogger().level
    configure_logging("INFO", out=out, err=out)
    try:
        yield out
    finally:
        configure_logging(logging.getLevelName(level) if level else "WARNING")


@pytest.mark.parametrize("json_logs", [False, True], ids=["console", "json"])
def test_a_logged_exception_carrying_an_id_number_is_scrubbed(
    configured_logging: io.StringIO, json_logs: bool
) -> None:
    configure_logging("INFO", json=json_logs, out=configured_logging, err=configured_logging)
    log = structlog.get_logger("test")
    try:
        raise ValueError(f"HIS refused patient {NUMBER}")
    except ValueError:
        log.exception("his_failed", id_number=NUMBER)
    text = configured_logging.getvalue()
    assert "HIS refused patient" in text, text
    assert NUMBER not in text, text
    assert id_numbers_in(text) == [], text


def test_a_library_logging_through_the_standard_library_is_scrubbed(
    configured_logging: io.StringIO,
) -> None:
    logging.getLogger("some.library").warning("looked up %s", NUMBER)
    try:
        raise RuntimeError(f"bad row {OTHER}")
    except RuntimeError:
        logging.getLogger("some.library").exception("failed for %s", {"idNumber": NUMBER})
    text = configured_logging.getvalue()
    assert "looked up" in text, text
    assert "bad row" in text, text
    assert NUMBER not in text, text
    assert OTHER not in text, text
    assert id_numbers_in(text) == [], text


def test_uvicorns_access_log_still_formats_and_is_masked() -> None:
    """uvicorn's access formatter unpacks the record's arguments: the scrubber must keep them."""
    import io
    import logging

    import uvicorn.logging

    from hospital_bff.logs import install_record_scrubber

    install_record_scrubber()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        uvicorn.logging.AccessFormatter('%(client_addr)s "%(request_line)s" %(status_code)s')
    )
    logger = logging.getLogger("test.uvicorn.access")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        logger.info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", "/x?id=110101198503120113", "1.1", 200
        )
    finally:
        logger.removeHandler(handler)
    line = out.getvalue()
    assert '"GET /x?id=1101**********0113 HTTP/1.1" 200' in line, line
