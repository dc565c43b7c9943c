"""A GraphQL request's body is read once (by the response cache) and parsed once: the personal
answers read its variables and the view its whole request from the same parse, with the
view's own refusals for what does not parse."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from fixtures.graphql import gql_data
from fixtures.journey import sign_in
from hospital_bff import request_body
from hospital_bff.graphql_http import BoundedGraphQL
from hospital_bff.request_body import RequestBody

DAY = "2026-11-28"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each parse of a request body, by who made it."""
    made: list[str] = []
    loads, decode = json.loads, BoundedGraphQL.decode_json

    def counted_loads(text: Any, **kw: Any) -> Any:
        made.append("shared")
        return loads(text, **kw)

    def counted_decode(self: BoundedGraphQL, data: str | bytes) -> object:
        made.append("view")
        return decode(self, data)

    monkeypatch.setattr(request_body, "json", type("J", (), {"loads": counted_loads}))
    monkeypatch.setattr(BoundedGraphQL, "decode_json", counted_decode)
    return made


def test_a_body_is_parsed_once_however_often_asked(parses: list[str]) -> None:
    body = RequestBody(b'{"query": "{ a }", "variables": {"departmentId": "dep-yk"}}')
    assert body.variables() == {"departmentId": "dep-yk"}
    assert body.json()["query"] == "{ a }"
    assert parses == ["shared"]


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b'{"query": "\xff"}', UnicodeDecodeError),  # refused as the view refuses it
        (b'"\xed\xa0\x80"', UnicodeDecodeError),  # a surrogate's bytes are no UTF-8
        (b"[" * 10_000, RecursionError),
        (b'{"query": ', ValueError),
    ],
)
def test_what_does_not_parse_raises_each_time_and_has_no_variables(
    parses: list[str], raw: bytes, error: type[Exception]
) -> None:
    body = RequestBody(raw)
    assert body.variables() == {}
    with pytest.raises(error):
        body.json()
    assert len(parses) <= 1


async def test_a_signed_in_request_parses_its_body_once(
    client: httpx.AsyncClient, parses: list[str]
) -> None:
    token = await sign_in(client, "o-parse-once")
    variables = {"departmentId": "dep-yk", "from": DAY, "to": DAY}
    parses.clear()
    # The personal answers read departmentId; the view takes the same parse.
    data = await gql_data(client, "DepartmentSchedules", variables, token=token)
    assert data["schedules"] is not None
    assert parses == ["shared"]
    parses.clear()
    await gql_data(client, "Departments")  # anonymous: only the view asks, once
    assert parses == ["shared"]
