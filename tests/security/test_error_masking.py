"""A bug's details stay in the log: many concurrent failing requests each answer INTERNAL with
their own request id, and the log line with the traceback carries the same id."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from fixtures.accounts import ZHANG_WEI
from fixtures.graphql import contract_document
from hospital_bff.request_id import sane_request_id
from hospital_bff.resolvers.loaders import DataLoaders

SECRET_SQL = "INSERT INTO secret_ledger (owner, amount) VALUES ($1, $2)"
SECRET_PARAM = "PARAM-7f3a"


@pytest.fixture
def broken_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogue load fails the way a driver does: SQL text, parameters and an ID number."""

    async def fail(_self: DataLoaders) -> Any:
        raise IntegrityError(
            SECRET_SQL, (SECRET_PARAM, ZHANG_WEI["idNumber"]), Exception("duplicate key")
        )

    monkeypatch.setattr(DataLoaders, "catalogue", fail)


async def _departments(client: httpx.AsyncClient, request_id: str | None) -> httpx.Response:
    headers = {"X-Request-ID": request_id} if request_id is not None else {}
    return await client.post(
        "/graphql",
        json={"query": contract_document(), "operationName": "Departments"},
        headers=headers,
    )


@pytest.mark.usefixtures("broken_catalogue")
async def test_concurrent_internal_errors_never_leak_and_each_carries_its_request_id(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [f"req-{n:02d}" for n in range(12)]
    responses = await asyncio.gather(*(_departments(client, i) for i in ids))

    for request_id, response in zip(ids, responses, strict=True):
        assert response.status_code == 200
        assert response.headers["x-request-id"] == request_id
        text = response.text
        for secret in (SECRET_PARAM, "secret_ledger", "INSERT", "Traceback", "IntegrityError"):
            assert secret not in text, text
        assert ZHANG_WEI["idNumber"] not in text
        errors = response.json()["errors"]
        assert [e["extensions"] for e in errors] == [{"code": "INTERNAL", "requestId": request_id}]
        assert errors[0]["message"] == "内部错误，请稍后再试"

    captured = capsys.readouterr()
    # ERROR lines go to stderr (the exceptional stream), and only there.
    assert "graphql.internal_error" not in captured.out
    log = captured.err
    lines = log.splitlines()
    for request_id in ids:
        # The event line names the id; the traceback printed with it names the cause.
        at = next(
            n
            for n, line in enumerate(lines)
            if "graphql.internal_error" in line and f"request_id={request_id}" in line
        )
        following = "\n".join(lines[at : at + 60])
        assert "IntegrityError" in following
    assert ZHANG_WEI["idNumber"] not in log


@pytest.mark.usefixtures("broken_catalogue")
async def test_an_insane_request_id_is_replaced_by_a_generated_one(
    client: httpx.AsyncClient,
) -> None:
    for bad in ["x" * 65, "a b", "id\r\nX-Injected: 1", "", "id;drop"]:
        response = await _departments(client, bad)
        issued = response.headers["x-request-id"]
        assert issued != bad
        assert sane_request_id(issued) == issued
        assert response.json()["errors"][0]["extensions"]["requestId"] == issued


async def test_every_answer_carries_a_request_id(client: httpx.AsyncClient) -> None:
    generated = [(await client.get("/healthz")).headers["x-request-id"] for _ in range(3)]
    assert len(set(generated)) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", g) for g in generated)
    kept = await client.get("/healthz", headers={"X-Request-ID": "lb-1.2_3"})
    assert kept.headers["x-request-id"] == "lb-1.2_3"
