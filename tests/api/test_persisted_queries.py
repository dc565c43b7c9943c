"""Apollo's persisted queries, as Apollo Client's persisted-query link speaks them.

The link sends the hash alone; on PERSISTED_QUERY_NOT_FOUND it sends the hash with the query,
and from then on the hash alone answers. With `useGETForHashedQueries` the same runs over GET,
the `extensions` a JSON query parameter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import make_settings
from fixtures.ws import connect
from hospital_bff.config import Settings
from hospital_bff.persisted_queries import (
    KEY_PREFIX,
    build_manifest,
    load_manifest,
    manifest_json,
    sha256_hex,
)
from hospital_bff.runtime import Runtime

DEPARTMENTS = "query Departments { departments { id name } }"
MARK_READ = "mutation MarkNoticesRead($ids: [ID!]!) { markNoticesRead(ids: $ids) { __typename } }"


@pytest.fixture
def settings(
    backend: str, tmp_path: Path, contract_dir: Path, request: pytest.FixtureRequest
) -> Settings:
    mode = getattr(request, "param", "apq")
    if mode != "only":
        return make_settings(backend, tmp_path, persisted_queries=mode)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(manifest_json(build_manifest(contract_dir)), encoding="utf-8")
    return make_settings(
        backend, tmp_path, persisted_queries="only", persisted_query_manifest=manifest
    )


def extensions(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}


async def send(
    client: httpx.AsyncClient, method: str, query: str, *, with_query: bool, **extra: Any
) -> httpx.Response:
    payload: dict[str, Any] = {"extensions": extensions(query), **extra}
    if with_query:
        payload["query"] = query
    if method == "POST":
        return await client.post("/graphql", json=payload)
    params = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
    # As the link sends it; */* would ask a browser's GraphiQL for a request without `query`.
    return await client.get("/graphql", params=params, headers={"accept": "*/*"})


def code_of(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_apollo_link_sequence(client: httpx.AsyncClient, method: str) -> None:
    first = await send(client, method, DEPARTMENTS, with_query=False)
    assert first.status_code == 200
    assert first.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }

    registered = await send(client, method, DEPARTMENTS, with_query=True)
    assert registered.status_code == 200, registered.text
    departments = registered.json()["data"]["departments"]
    assert departments

    again = await send(client, method, DEPARTMENTS, with_query=False)
    assert again.status_code == 200, again.text
    assert again.json() == {"data": {"departments": departments}}


async def test_registered_over_post_answers_over_get(client: httpx.AsyncClient) -> None:
    assert (await send(client, "POST", DEPARTMENTS, with_query=True)).status_code == 200
    response = await send(client, "GET", DEPARTMENTS, with_query=False)
    assert response.status_code == 200
    assert response.json()["data"]["departments"]


async def test_registered_query_has_a_ttl(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings
) -> None:
    await send(client, "POST", DEPARTMENTS, with_query=True)
    ttl = await runtime.redis.ttl(KEY_PREFIX + sha256_hex(DEPARTMENTS))
    assert 0 < ttl <= settings.persisted_query_ttl_seconds


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_hash_mismatch_is_refused_and_not_registered(
    client: httpx.AsyncClient, method: str
) -> None:
    forged = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(DEPARTMENTS)}}
    other = "query Other { departments { id } }"
    payload = {"query": other, "extensions": forged}
    if method == "POST":
        response = await client.post("/graphql", json=payload)
    else:
        params = {"query": other, "extensions": json.dumps(forged)}
        response = await client.get("/graphql", params=params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert error["message"] == "查询与其哈希不符", "Chinese unless Accept-Language says otherwise"
    hash_only = await send(client, "POST", DEPARTMENTS, with_query=False)
    assert code_of(hash_only) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "persisted",
    [
        {"version": 2, "sha256Hash": "0" * 64},
        {"version": 1, "sha256Hash": "not-a-hash"},
        {"version": 1},
        "yes",
    ],
)
async def test_malformed_persisted_query_is_a_bad_request(
    client: httpx.AsyncClient, persisted: Any
) -> None:
    response = await client.post("/graphql", json={"extensions": {"persistedQuery": persisted}})
    assert response.status_code == 400
    assert code_of(response) == "BAD_REQUEST"


async def test_a_query_over_a_gets_length_is_neither_run_nor_registered(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings
) -> None:
    """Registered queries live a week in the shared Redis: a body's 256 KB of comment each
    let anyone fill it. No larger than a GET may send is registered."""
    padded = "# " + "x" * settings.max_query_string_bytes + "\n" + DEPARTMENTS
    response = await send(client, "POST", padded, with_query=True)
    assert response.status_code == 413 and code_of(response) == "PAYLOAD_TOO_LARGE"
    assert await runtime.redis.get(KEY_PREFIX + sha256_hex(padded)) is None
    small = "# " + "x" * 1000 + "\n" + DEPARTMENTS
    assert (await send(client, "POST", small, with_query=True)).status_code == 200
    assert await runtime.redis.get(KEY_PREFIX + sha256_hex(small)) is not None


async def test_invalid_document_is_not_registered(client: httpx.AsyncClient) -> None:
    junk = "query Junk { noSuchField }"
    response = await send(client, "POST", junk, with_query=True)
    assert code_of(response) == "GRAPHQL_VALIDATION_FAILED"
    assert code_of(await send(client, "POST", junk, with_query=False)) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


async def test_mutation_over_get_is_refused(client: httpx.AsyncClient) -> None:
    variables = {"ids": ["n-1"]}
    # Sent with its text over GET: refused, and not registered.
    response = await send(client, "GET", MARK_READ, with_query=True, variables=variables)
    # The GraphQL-over-HTTP spec: a mutation over GET is 405, and says which method to use.
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert code_of(response) == "METHOD_NOT_ALLOWED"
    not_found = await send(client, "POST", MARK_READ, with_query=False, variables=variables)
    assert code_of(not_found) == "PERSISTED_QUERY_NOT_FOUND"

    # Registered over POST (it ran: signed out, so UNAUTHENTICATED), then by hash over GET:
    # still refused, while POST by hash runs it.
    registered = await send(client, "POST", MARK_READ, with_query=True, variables=variables)
    assert code_of(registered) == "UNAUTHENTICATED"
    response = await send(client, "GET", MARK_READ, with_query=False, variables=variables)
    assert response.status_code == 405
    assert code_of(response) == "METHOD_NOT_ALLOWED"
    by_hash = await send(client, "POST", MARK_READ, with_query=False, variables=variables)
    assert code_of(by_hash) == "UNAUTHENTICATED"


@pytest.mark.parametrize("settings", ["off"], indirect=True)
async def test_off_answers_not_supported(client: httpx.AsyncClient) -> None:
    response = await send(client, "POST", DEPARTMENTS, with_query=True)
    assert response.status_code == 200
    assert code_of(response) == "PERSISTED_QUERY_NOT_SUPPORTED"
    plain = await client.post("/graphql", json={"query": DEPARTMENTS})
    assert plain.json()["data"]["departments"]


# --- only: the manifest's operations and nothing else -------------------------------------------


def manifest_operation(contract_dir: Path, name: str) -> dict[str, str]:
    manifest = build_manifest(contract_dir)
    [operation] = [o for o in manifest["operations"] if o["name"] == name]
    return operation


@pytest.mark.parametrize("settings", ["only"], indirect=True)
@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_only_answers_manifest_operations_by_hash(
    client: httpx.AsyncClient, contract_dir: Path, method: str
) -> None:
    body = manifest_operation(contract_dir, "Departments")["body"]
    response = await send(client, method, body, with_query=False)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["departments"]
    # Its exact text, as a client without the link sends it, is in the list too.
    plain = await client.post("/graphql", json={"query": body})
    assert plain.json()["data"]["departments"]


@pytest.mark.parametrize("settings", ["only"], indirect=True)
async def test_only_refuses_everything_else(client: httpx.AsyncClient) -> None:
    plain = await client.post("/graphql", json={"query": DEPARTMENTS})
    assert plain.status_code == 400
    assert code_of(plain) == "PERSISTED_QUERY_NOT_IN_LIST"

    # The link's sequence ends in the same refusal, and registers nothing.
    assert code_of(await send(client, "POST", DEPARTMENTS, with_query=False)) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )
    registering = await send(client, "POST", DEPARTMENTS, with_query=True)
    assert registering.status_code == 400
    assert code_of(registering) == "PERSISTED_QUERY_NOT_IN_LIST"
    assert code_of(await send(client, "POST", DEPARTMENTS, with_query=False)) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


# --- the manifest ---------------------------------------------------------------------------------


def test_manifest_is_deterministic_and_complete(contract_dir: Path) -> None:
    from fixtures.graphql import operation_names

    first = manifest_json(build_manifest(contract_dir))
    assert manifest_json(build_manifest(contract_dir)) == first
    manifest = json.loads(first)
    assert manifest["format"] == "apollo-persisted-query-manifest"
    assert manifest["version"] == 1
    names = [o["name"] for o in manifest["operations"]]
    expected = [
        name
        for path in sorted(contract_dir.glob("*.graphql"))
        for name in operation_names(path.read_text(encoding="utf-8"))
    ]
    assert sorted(names) == sorted(expected)
    for operation in manifest["operations"]:
        assert operation["id"] == sha256_hex(operation["body"])
        assert operation["type"] in {"query", "mutation", "subscription"}
        # Each body stands alone: every fragment it spreads is defined in it.
        for spread in set(_spreads(operation["body"])):
            assert f"fragment {spread} on" in operation["body"], (operation["name"], spread)


def _spreads(body: str) -> list[str]:
    import re

    return re.findall(r"\.\.\.(\w+)", body)


def test_export_manifest_cli(contract_dir: Path) -> None:
    from typer.testing import CliRunner

    from hospital_bff.cli import app

    result = CliRunner().invoke(app, ["export-manifest", "--contract-dir", str(contract_dir)])
    assert result.exit_code == 0, result.output
    assert result.output == manifest_json(build_manifest(contract_dir))


def test_only_without_a_manifest_refuses_to_start(tmp_path: Path) -> None:
    from hospital_bff.app import create_app

    settings = make_settings("sqlite", tmp_path, persisted_queries="only")
    with pytest.raises(ValueError, match="BFF_PERSISTED_QUERY_MANIFEST"):
        create_app(settings)


def test_a_manifest_whose_id_is_not_its_hash_refuses_to_start(
    tmp_path: Path, contract_dir: Path
) -> None:
    manifest = build_manifest(contract_dir)
    manifest["operations"][0]["body"] += " "
    path = tmp_path / "manifest.json"
    path.write_text(manifest_json(manifest), encoding="utf-8")
    with pytest.raises(ValueError, match="id is not sha256"):
        load_manifest(path)


@pytest.mark.parametrize("settings", ["only"], indirect=True)
async def test_only_holds_over_websocket(server: str, contract_dir: Path) -> None:
    listed = manifest_operation(contract_dir, "NoticeStream")["body"]
    unlisted = "subscription NoticeStream { notices { id } }"
    async with connect(server) as ws:
        await ws.subscribe("refused", unlisted, {})
        refused = await ws.receive()
        assert refused["id"] == "refused" and refused["type"] == "error", refused
        assert refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"

        # The manifest's text passes the list and reaches the resolver (signed out here).
        await ws.subscribe("listed", listed, {})
        answered = await ws.receive()
        assert answered["id"] == "listed", answered
        errors = (
            answered["payload"] if answered["type"] == "error" else answered["payload"]["errors"]
        )
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
