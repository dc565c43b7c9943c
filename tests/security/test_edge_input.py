"""Each class of hostile input is refused at the edge with INVALID_INPUT and changes nothing."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from fixtures.accounts import ZHANG_WEI, staff_token, verified_as
from fixtures.graphql import contract_document
from hospital_bff.clock import SHANGHAI
from hospital_bff.resolvers.edge_input import TextRule, date_problem, id_problem, text_problem
from hospital_bff.runtime import Runtime

NAIVE_CURSOR = base64.urlsafe_b64encode(b"2026-11-27T09:00:00|ord_1").decode()
YEAR_ONE_CURSOR = base64.urlsafe_b64encode(b"0001-01-01T00:00:00+08:00|ord_1").decode()
NUL_ID_CURSOR = base64.urlsafe_b64encode(b"2026-11-27T09:00:00+08:00|ord\x00").decode()


@pytest.mark.parametrize(
    ("value", "rule", "refused"),
    [
        ("ord_1a2b", TextRule(), False),
        ("a\x00b", TextRule(), True),
        ("a\x1bb", TextRule(), True),
        ("two\nlines", TextRule(), True),
        ("two\nlines\tand\r\ntab", TextRule(free_text=True), False),
        ("a\x00b", TextRule(free_text=True), True),
        ("\ud800", TextRule(free_text=True), True),
        ("x" * 256, TextRule(), False),
        ("x" * 257, TextRule(), True),
        ("患者" * 100, TextRule(max_length=200), False),
        (NAIVE_CURSOR, TextRule(cursor=True), True),
        (YEAR_ONE_CURSOR, TextRule(cursor=True), True),
        (NUL_ID_CURSOR, TextRule(cursor=True), True),
    ],
)
def test_text_rules(value: str, rule: TextRule, refused: bool) -> None:
    assert (text_problem(value, rule) is not None) is refused


@pytest.mark.parametrize(
    ("value", "refused"),
    [("pat-0001", False), ("ord_0f3a", False), ("a b", True), ("x" * 97, True), ("", True)],
)
def test_id_rule(value: str, refused: bool) -> None:
    assert (id_problem(value) is not None) is refused


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        (date(2026, 11, 27), False),
        (date(1, 1, 1), True),
        (date(9999, 12, 31), True),
        (datetime(2026, 12, 1, tzinfo=SHANGHAI), False),
        (datetime(2026, 12, 1), True),
        (datetime(9999, 12, 31, tzinfo=SHANGHAI), True),
    ],
)
def test_date_rules(value: date, refused: bool) -> None:
    assert (date_problem(value) is not None) is refused


async def _row_counts(runtime: Runtime) -> dict[str, int]:
    counts = {}
    async with runtime.engine.connect() as conn:
        for name, table in SQLModel.metadata.tables.items():
            counts[name] = (
                await conn.execute(select(func.count()).select_from(table))
            ).scalar_one()
    return counts


async def _send(
    client: httpx.AsyncClient, document: str, name: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
    # Serialised by hand so a lone surrogate travels as the JSON escape a client would send.
    body = json.dumps(
        {"query": contract_document(document), "operationName": name, "variables": variables}
    )
    response = await client.post(
        "/graphql",
        content=body.encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


BIND = {"name": "李雷", "idNumber": ZHANG_WEI["idNumber"], "phone": "13800138001"}

MUTATIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("nul", "mobile", "BindPatient", {"input": {**BIND, "name": "李\x00雷", "relation": "CHILD"}}),
    (
        "surrogate",
        "mobile",
        "BindPatient",
        {"input": {**BIND, "name": "\ud800", "relation": "CHILD"}},
    ),
    ("huge id", "mobile", "UnbindPatient", {"patientId": "p" * 10_000}),
    (
        "huge id in input",
        "mobile",
        "BookAppointment",
        {"input": {"patientId": "pat-0001", "slotId": "s" * 10_000, "idempotencyKey": "k-1"}},
    ),
    ("control char", "mobile", "PayOrder", {"orderId": "ord_1", "idempotencyKey": "k\x1b[2J"}),
    ("nul in free text", "mobile", "CancelAppointment", {"orderId": "ord_1", "reason": "a\x00"}),
    ("long free text", "mobile", "CancelAppointment", {"orderId": "ord_1", "reason": "r" * 501}),
    ("year one", "staff", "RunReconciliation", {"date": "0001-01-01"}),
    ("year 9999", "staff", "RunReconciliation", {"date": "9999-12-31"}),
    (
        "naive time",
        "staff",
        "RestrictUser",
        {"userId": "usr_1", "until": "2026-12-01T00:00:00", "reason": "no-shows"},
    ),
    (
        "far time",
        "staff",
        "RestrictUser",
        {"userId": "usr_1", "until": "9999-12-31T23:59:59+08:00", "reason": "no-shows"},
    ),
]


@pytest.mark.parametrize(
    ("case", "document", "name", "variables"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
async def test_hostile_mutation_input_answers_invalid_input_and_changes_nothing(
    client: httpx.AsyncClient,
    runtime: Runtime,
    case: str,
    document: str,
    name: str,
    variables: dict[str, Any],
) -> None:
    patient = await verified_as(client, ZHANG_WEI, "o-edge")
    token = await staff_token(runtime) if document == "staff" else patient
    before = await _row_counts(runtime)
    payload = await _send(client, document, name, variables, token)
    assert "errors" not in payload, payload
    (result,) = payload["data"].values()
    assert result["__typename"] == "InvalidInputError", (case, result)
    assert result["code"] == "INVALID_INPUT"
    assert await _row_counts(runtime) == before


QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("nul", "Order", {"id": "ord\x00"}),
    ("surrogate", "Order", {"id": "\udc00"}),
    ("huge id", "Prescriptions", {"patientId": "p" * 10_000}),
    ("naive cursor", "Orders", {"first": 5, "after": NAIVE_CURSOR}),
    ("year-one cursor", "Notices", {"first": 5, "after": YEAR_ONE_CURSOR}),
    ("garbage cursor", "Reports", {"patientId": "pat-0001", "after": "%%%"}),
    (
        "year one",
        "ExpertDetail",
        {"expertId": "exp-nk-1", "from": "0001-01-01", "to": "0001-01-02"},
    ),
    (
        "year 9999",
        "ExpertDetail",
        {"expertId": "exp-nk-1", "from": "9999-12-30", "to": "9999-12-31"},
    ),
    (
        "year 9999 schedules",
        "DepartmentSchedules",
        {"departmentId": "dep-nk", "from": "9999-12-31", "to": "9999-12-31"},
    ),
]


@pytest.mark.parametrize(("case", "name", "variables"), QUERIES, ids=[q[0] for q in QUERIES])
async def test_hostile_query_input_answers_invalid_input(
    client: httpx.AsyncClient, runtime: Runtime, case: str, name: str, variables: dict[str, Any]
) -> None:
    token = await verified_as(client, ZHANG_WEI, "o-edge")
    before = await _row_counts(runtime)
    payload = await _send(client, "mobile", name, variables, token)
    codes = [e["extensions"]["code"] for e in payload["errors"]]
    assert codes == ["INVALID_INPUT"], (case, payload)
    assert payload["data"] is None
    assert await _row_counts(runtime) == before


async def test_a_variable_that_is_not_its_type_is_bad_user_input(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """A Date variable of "x" does not coerce: Apollo's BAD_USER_INPUT, before anything runs."""
    token = await verified_as(client, ZHANG_WEI, "o-edge")
    before = await _row_counts(runtime)
    variables = {"departmentId": "dep-nk", "from": "x", "to": "y"}
    payload = await _send(client, "mobile", "DepartmentSchedules", variables, token)
    assert [e["extensions"]["code"] for e in payload["errors"]] == ["BAD_USER_INPUT"]
    assert payload["data"] is None
    assert await _row_counts(runtime) == before


async def test_a_literal_in_the_document_is_checked_like_a_variable(
    client: httpx.AsyncClient,
) -> None:
    token = await verified_as(client, ZHANG_WEI, "o-edge")
    response = await client.post(
        "/graphql",
        json={"query": '{ order(id: "ord\\u0000") { id } }'},
        headers={"authorization": f"Bearer {token}"},
    )
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["INVALID_INPUT"]


async def test_a_refused_mutation_field_does_not_stop_the_valid_one_beside_it(
    client: httpx.AsyncClient,
) -> None:
    token = await verified_as(client, ZHANG_WEI, "o-edge")
    response = await client.post(
        "/graphql",
        json={
            "query": 'mutation { bad: unbindPatient(patientId: "a\\u0000") { __typename } '
            "read: markNoticesRead(ids: []) { __typename } }"
        },
        headers={"authorization": f"Bearer {token}"},
    )
    data = response.json()["data"]
    assert data["bad"]["__typename"] == "InvalidInputError"
    assert data["read"]["__typename"] == "MarkNoticesReadSuccess"
