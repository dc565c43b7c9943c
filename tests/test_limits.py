"""A huge or deep query is refused with a clear error, before it costs anything."""

from __future__ import annotations

import httpx


async def test_a_too_deep_query_is_refused(client: httpx.AsyncClient) -> None:
    nested = "id"
    for _ in range(8):
        nested = f"experts {{ department {{ {nested} }} }}"
    deep = f"query {{ departments {{ {nested} }} }}"
    body = (await client.post("/graphql", json={"query": deep})).json()
    assert "errors" in body and "depth" in body["errors"][0]["message"].lower()


async def test_a_huge_query_is_refused(client: httpx.AsyncClient) -> None:
    huge = "query { " + " ".join(f"a{i}: departments {{ id }}" for i in range(800)) + " }"
    body = (await client.post("/graphql", json={"query": huge})).json()
    assert "errors" in body
    assert "data" not in body or body["data"] is None


async def test_internal_errors_are_masked(client: httpx.AsyncClient) -> None:
    body = (
        await client.post(
            "/graphql", json={"query": '{ reports(patientId: "x") { edges { node { id } } } }'}
        )
    ).json()
    # no token: a coded error, not a stack trace
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Traceback" not in str(body)


async def test_a_variable_of_the_wrong_type_is_explained_not_masked(
    client: httpx.AsyncClient,
) -> None:
    body = (
        await client.post(
            "/graphql",
            json={
                "query": "query($f: Int) { notices(first: $f) { unreadCount } }",
                "variables": {"f": "abc"},
            },
        )
    ).json()
    assert "Int cannot represent" in body["errors"][0]["message"]


def test_apps_with_the_same_limits_share_one_schema() -> None:
    """Building the schema costs about 0.1 s of CPU: every app made with the same limits (each
    test's, each process's) uses one, and other limits get a schema of their own."""
    from hospital_bff.schema import build_schema

    assert build_schema(max_depth=7) is build_schema(max_depth=7)
    assert build_schema(introspection=False) is not build_schema()
