"""Every contract operation, fed hostile variables, never answers INTERNAL or a 5xx.

Hypothesis draws the variables from the operations' declared types (so each input object is
built field by field) mixed with what an attacker sends instead: NUL and other control
characters, lone surrogates, huge strings, wrong JSON types, extreme numbers and dates.
Bounded and derandomised: the same few hundred requests on every run, a few seconds each
backend. The examples are drawn first and sent afterwards (hypothesis cannot drive the async
app fixture itself), so a failure names the exact operation and variables to replay.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    OperationDefinitionNode,
    OperationType,
    parse,
    type_from_ast,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.accounts import ZHANG_WEI, staff_token, verified_as
from fixtures.graphql import contract_document
from hospital_bff.runtime import Runtime
from hospital_bff.schema import schema

# Per operation: well-typed hostile values reach the resolvers; wrong types test coercion.
TYPED_EXAMPLES = 8
WRONG_TYPE_EXAMPLES = 2

HOSTILE_TEXT = st.sampled_from(
    [
        "a\x00b",
        "\x00",
        "\ud800",
        "x\udfffy",
        "x" * 10_000,
        "\x1b[31m",
        "line\nbreak",
        "",
        " ",
        "'; DROP TABLE orders; --",
        "%s%s%n",
        "🙂" * 300,
        "../../etc/passwd",
    ]
)
REAL_IDS = st.sampled_from(["pat-0001", "pat-0004", "dep-nk", "exp-nk-1", "rpt-0001-1", "usr_0"])
WRONG_TYPES = st.sampled_from([None, 0, -1, 2**31, 2**63, 1e308, True, [], {}, ["a"], {"a": 1}])
HOSTILE_DATES = st.sampled_from(
    ["0001-01-01", "9999-12-31", "2026-02-30", "2026-11-27", "2026-12-10", "20261127", "x"]
)
HOSTILE_DATETIMES = st.sampled_from(
    [
        "0001-01-01T00:00:00+08:00",
        "9999-12-31T23:59:59+08:00",
        "2026-12-01T00:00:00",
        "2026-12-01T00:00:00+08:00",
        "2026-12-01T00:00:00+99:00",
        "not a time",
    ]
)
HOSTILE_INTS = st.sampled_from([-1, 0, 1, 5, 100, 101, 2**31 - 1, 2**31, -(2**31), 10**20])
HOSTILE_CURSORS = st.sampled_from(
    [
        "MjAyNi0xMS0yN1QwOTowMDowMHxvcmRfMQ==",  # naive timestamp|ord_1
        "MDAwMS0wMS0wMVQwMDowMDowMCswODowMHx4",  # 0001-01-01T00:00:00+08:00|x
        "MjAyNi0xMS0yN1QwOTowMDowMCswODowMHwA",  # ...|NUL
        "!!!not base64",
        "\ud800",
    ]
)


def _for_type(type_: GraphQLInputType, name: str, wrong: bool) -> st.SearchStrategy[Any]:
    """Values for `type_`; with `wrong`, any value may instead be of a wrong JSON type."""
    typed = _typed(type_, name, wrong)
    return st.one_of(typed, WRONG_TYPES) if wrong else typed


def _typed(type_: GraphQLInputType, name: str, wrong: bool) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLNonNull):
        return _typed(type_.of_type, name, wrong)
    if isinstance(type_, GraphQLList):
        return st.lists(_for_type(type_.of_type, name, wrong), max_size=3)
    if isinstance(type_, GraphQLInputObjectType):
        fields = {k: _for_type(f.type, k, wrong) for k, f in type_.fields.items()}
        return st.fixed_dictionaries(fields)
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from([*type_.values, "NOPE", "\x00"])
    assert isinstance(type_, GraphQLScalarType)
    by_scalar: dict[str, st.SearchStrategy[Any]] = {
        "ID": st.one_of(REAL_IDS, HOSTILE_TEXT),
        "String": HOSTILE_CURSORS if name == "after" else HOSTILE_TEXT,
        "Int": HOSTILE_INTS,
        "Date": HOSTILE_DATES,
        "DateTime": HOSTILE_DATETIMES,
    }
    return by_scalar.get(type_.name, HOSTILE_TEXT)


def _operations() -> list[tuple[str, str, OperationDefinitionNode]]:
    found = []
    for document in ("mobile", "staff"):
        for definition in parse(contract_document(document)).definitions:
            if (
                isinstance(definition, OperationDefinitionNode)
                and definition.name is not None
                # Subscriptions are refused over HTTP; their arguments pass the same check.
                and definition.operation is not OperationType.SUBSCRIPTION
            ):
                found.append((document, definition.name.value, definition))
    return found


def _draw_variables(operation: OperationDefinitionNode, *, wrong: bool) -> list[dict[str, Any]]:
    graphql_schema = schema._schema
    strategies = {}
    for var in operation.variable_definitions or ():
        var_type = type_from_ast(graphql_schema, var.type)
        assert isinstance(var_type, GraphQLNonNull | GraphQLList | GraphQLScalarType)
        strategies[var.variable.name.value] = _for_type(var_type, var.variable.name.value, wrong)
    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=WRONG_TYPE_EXAMPLES if wrong else TYPED_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries(strategies))
    def collect(variables: dict[str, Any]) -> None:
        drawn.append(variables)

    collect()
    return drawn


CASES = [
    (document, name, variables)
    for document, name, operation in _operations()
    for wrong in (False, True)
    for variables in _draw_variables(operation, wrong=wrong)
]


async def _send(
    client: httpx.AsyncClient, document: str, name: str, variables: Any, token: str | None
) -> tuple[int, str]:
    # Serialised by hand: lone surrogates must reach the server as JSON escapes, as a
    # hostile client would send them.
    body = json.dumps(
        {"query": contract_document(document), "operationName": name, "variables": variables}
    )
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    response = await client.post("/graphql", content=body.encode(), headers=headers)
    return response.status_code, response.text


def _internal_errors(text: str) -> list[Any]:
    payload = json.loads(text)
    return [
        e
        for e in payload.get("errors") or []
        if (e.get("extensions") or {}).get("code") == "INTERNAL" or "internal error" in e["message"]
    ]


async def test_no_contract_operation_answers_internal_to_hostile_variables(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    assert len(CASES) >= 100
    patient_token = await verified_as(client, ZHANG_WEI, "o-fuzz")
    tokens = {"signed out": None, "patient": patient_token, "staff": await staff_token(runtime)}
    failures = []
    for document, name, variables in CASES:
        for who, token in tokens.items():
            if document == "staff" and who == "patient":
                continue
            status, text = await _send(client, document, name, variables, token)
            try:
                internal = _internal_errors(text)
            except ValueError:
                internal = ["not JSON"]
            if status >= 500 or internal:
                failures.append((name, who, variables, status, text[:300]))
    assert not failures, "\n".join(repr(f)[:600] for f in failures[:10])


@pytest.mark.parametrize("name", ["Orders", "Reports", "Notices"])
async def test_every_connection_refuses_forged_cursors(
    client: httpx.AsyncClient, name: str
) -> None:
    token = await verified_as(client, ZHANG_WEI, "o-cursor")
    variables: dict[str, Any] = {"first": 5}
    if name == "Reports":
        variables["patientId"] = ZHANG_WEI["id"]
    for cursor in [
        "MjAyNi0xMS0yN1QwOTowMDowMHxvcmRfMQ==",
        "MDAwMS0wMS0wMVQwMDowMDowMCswODowMHx4",
        "!!!",
    ]:
        status, text = await _send(client, "mobile", name, {**variables, "after": cursor}, token)
        assert status == 200, text
        codes = [e["extensions"]["code"] for e in json.loads(text)["errors"]]
        assert codes == ["INVALID_INPUT"], text
