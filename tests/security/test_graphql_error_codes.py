"""GraphQL's own refusals of a document carry a stable code, like every other refusal.

Found against a production deployment: a document over BFF_MAX_QUERY_TOKENS, a syntax error,
an unknown field and introspection (switched off) were refused with a message and no
`extensions.code`, so a client could tell them apart only by parsing English text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import make_settings
from hospital_bff.config import Settings


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    # As production has them: no introspection, no "Did you mean".
    return make_settings(backend, tmp_path, introspection=False, field_suggestions=False)


async def errors_of(client: httpx.AsyncClient, query: str) -> list[dict[str, Any]]:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("data") is None
    errors: list[dict[str, Any]] = body["errors"]
    return errors


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ departments { id }", "GRAPHQL_PARSE_FAILED"),
        ("{" + " __typename" * 5000 + " }", "GRAPHQL_PARSE_FAILED"),
        ("{ departmens { id } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ departments(foo: 1) { id } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ __schema { types { name } } }", "GRAPHQL_VALIDATION_FAILED"),
        ('{ __type(name: "Query") { name } }', "GRAPHQL_VALIDATION_FAILED"),
        ("query { ...A } fragment A on Query { ...A }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_a_refused_document_carries_a_stable_code(
    client: httpx.AsyncClient, query: str, code: str
) -> None:
    errors = await errors_of(client, query)

    assert errors
    assert {e["extensions"]["code"] for e in errors} == {code}, errors


async def test_the_codes_of_our_own_limits_are_kept(client: httpx.AsyncClient) -> None:
    errors = await errors_of(client, "{" + " ".join(f"a{i}: __typename" for i in range(40)) + "}")

    assert [e["extensions"]["code"] for e in errors] == ["QUERY_TOO_COMPLEX"]
