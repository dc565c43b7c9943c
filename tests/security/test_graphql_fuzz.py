"""A bounded schemathesis run of the whole GraphQL schema against a real `hospital-bff serve`.

Every query and mutation field, with arguments schemathesis generates from the committed SDL
(hostile strings, extreme numbers, odd selections), is sent signed out and signed in as a verified
patient. Whatever the input, the server answers JSON with a status below 500 and never an
internal error: a bad input is the client's error, with a code, not ours.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import build_schema
from hypothesis import HealthCheck, given, settings

from fixtures.accounts import ZHANG_WEI
from fixtures.graphql import contract_document
from fixtures.servers import base_env, free_port, running

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SDL = ROOT / "schema.graphql"


def _labels() -> list[str]:
    """Every query and mutation field as schemathesis labels it (`Query.me`), read with
    graphql-core: collecting this module (the fast tier does, then deselects it) no longer
    imports schemathesis and builds its operations, about 0.7 s of CPU in each process."""
    sdl = build_schema(SDL.read_text())
    return [f"{t.name}.{f}" for t in (sdl.query_type, sdl.mutation_type) if t for f in t.fields]


LABELS = _labels()


@cache
def _operations() -> dict[str, Any]:
    import schemathesis

    schema = schemathesis.graphql.from_path(SDL)
    return {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


# Enough examples per field to reach the edges of every argument's type, few enough for CI.
EXAMPLES_PER_FIELD = 15
INTERNAL_TEXT = "internal error"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    cwd = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running(
        ["serve", "--port", str(port)],
        env=base_env(BFF_LOG_LEVEL="WARNING"),
        cwd=cwd,
        ready_url=f"{url}/healthz",
        log=cwd / "serve.log",
    ):
        yield url


def _contract(client: httpx.Client, name: str, variables: dict[str, Any], token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = client.post(
        "/graphql",
        json={"query": contract_document(), "operationName": name, "variables": variables},
        headers=headers,
    ).json()
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture(scope="module")
def token(server: str) -> str:
    """A signed-in account verified as the HIS seed's 张伟."""
    with httpx.Client(base_url=server, timeout=30) as client:
        code = client.post("/sim/wechat/authorize", json={"openid": "o-fuzz"}).json()["code"]
        signed_in = _contract(client, "SignIn", {"code": code})["signIn"]
        verified = _contract(
            client,
            "VerifyIdentity",
            {"input": {k: ZHANG_WEI[k] for k in ("name", "idNumber", "phone")}},
            signed_in["token"],
        )["verifyIdentity"]
        assert verified["__typename"] == "VerifyIdentitySuccess", verified
        value: str = signed_in["token"]
        return value


def _internal_errors(body: Any) -> list[Any]:
    errors = body.get("errors") if isinstance(body, dict) else None
    return [
        e
        for e in errors or []
        if (e.get("extensions") or {}).get("code") == "INTERNAL"
        or INTERNAL_TEXT in str(e.get("message", ""))
    ]


def test_every_operation_schemathesis_finds_is_fuzzed() -> None:
    assert list(_operations()) == LABELS


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "patient"])
@pytest.mark.parametrize("label", LABELS)
def test_no_generated_request_makes_a_server_error(
    server: str, token: str, label: str, signed_in: bool
) -> None:
    operation = _operations()[label]
    headers = {"Authorization": f"Bearer {token}"} if signed_in else {}
    with httpx.Client(base_url=server, timeout=30, headers=headers) as client:

        @settings(
            max_examples=EXAMPLES_PER_FIELD,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            payload = case.as_transport_kwargs(base_url=server)["json"]
            response = client.post("/graphql", json=payload)
            assert response.status_code < 500, (payload, response.status_code, response.text)
            assert response.headers["content-type"].startswith("application/json"), response.text
            body = response.json()
            assert not _internal_errors(body), (payload, body)

        check()
