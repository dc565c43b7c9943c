"""Persisted queries cannot be poisoned: a hash answers only the query it is the sha256 of.

An attacker who could register a query under another query's hash would change what every
app's hash-only request runs (Apollo's link sends the hash alone once it is known).
"""

from __future__ import annotations

import json

import httpx

from hospital_bff.persisted_queries import sha256_hex

DEPARTMENTS = "query Departments { departments { id name } }"
OTHER = "query Departments { departments { id children { id } } }"


def persisted(query: str) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}


async def test_a_registered_hash_cannot_be_overwritten(client: httpx.AsyncClient) -> None:
    first = await client.post(
        "/graphql", json={"query": DEPARTMENTS, "extensions": persisted(DEPARTMENTS)}
    )
    expected = first.json()
    assert expected["data"]["departments"]

    forged = await client.post(
        "/graphql", json={"query": OTHER, "extensions": persisted(DEPARTMENTS)}
    )
    assert forged.status_code == 400
    assert forged.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"

    by_hash = await client.post("/graphql", json={"extensions": persisted(DEPARTMENTS)})
    assert by_hash.json() == expected


async def test_hash_only_get_is_an_operation_not_graphiql(client: httpx.AsyncClient) -> None:
    # A browser-like Accept without `query` would otherwise get GraphiQL's HTML back.
    response = await client.get(
        "/graphql",
        params={"extensions": json.dumps(persisted(DEPARTMENTS))},
        headers={"accept": "text/html,*/*"},
    )
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
