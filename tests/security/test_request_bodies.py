"""What a client sends over HTTP cannot stop the server: bodies are bounded while they are
read (a declared length over the limit is refused unread, a chunked stream when it passes the
limit), and a body that is not a JSON object is a JSON 400 with a code, never a 500."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette

from fixtures.journey import sign_in
from hospital_bff.config import Settings
from hospital_bff.datasources.wechatpay_crypto import signed_headers
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.simulators.his import sign_event
from hospital_bff.store.models import ProcessedEvent

CHUNK = 16 * 1024


class Stream:
    """A request body that records how much of it the server pulled."""

    def __init__(self, total: int, first: bytes = b'{"query": "') -> None:
        self.total = total
        self.first = first
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.sent += len(self.first)
        yield self.first
        while self.sent < self.total:
            self.sent += CHUNK
            yield b" " * CHUNK


def _assert_coded(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert error["message"]


# --- size --------------------------------------------------------------------------------------


async def test_a_declared_length_over_the_limit_is_refused_unread(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    body = Stream(total=10 * settings.max_body_bytes)
    response = await client.post(
        "/graphql",
        content=body,
        headers={"content-type": "application/json", "content-length": str(body.total)},
    )
    _assert_coded(response, 413, "PAYLOAD_TOO_LARGE")
    assert body.sent <= len(body.first), "not a chunk of the body was read"


async def test_a_chunked_body_is_refused_when_it_passes_the_limit(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    body = Stream(total=10 * settings.max_body_bytes)
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    _assert_coded(response, 413, "PAYLOAD_TOO_LARGE")
    assert body.sent <= settings.max_body_bytes + 2 * CHUNK, "reading stopped at the limit"


async def test_a_body_within_the_limit_is_read(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_query_string_over_the_limit_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    query = "{ __typename }" + " " * settings.max_query_string_bytes
    _assert_coded(await client.get("/graphql", params={"query": query}), 414, "URI_TOO_LONG")
    ok = await client.get("/graphql", params={"query": "{ __typename }"})
    assert ok.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("path", ["/webhooks/his", "/webhooks/bank"])
async def test_a_webhook_body_over_its_limit_is_refused(
    client: httpx.AsyncClient, settings: Settings, path: str
) -> None:
    declared = Stream(total=10 * settings.max_webhook_body_bytes)
    response = await client.post(
        path, content=declared, headers={"content-length": str(declared.total)}
    )
    assert response.status_code == 413 and response.json()["code"] == "FAIL"
    assert declared.sent <= len(declared.first)

    chunked = Stream(total=10 * settings.max_webhook_body_bytes)
    response = await client.post(path, content=chunked)
    assert response.status_code == 413
    assert chunked.sent <= settings.max_webhook_body_bytes + 2 * CHUNK


# --- malformed JSON -------------------------------------------------------------------------

MALFORMED = {
    "not JSON": b'{"query": ',
    "invalid UTF-8": b'{"query": "{ __typename \xff }"}',
    "a bare number": b"42",
    "an array": b'[{"query": "{ __typename }"}]',
    "a string": b'"{ __typename }"',
    "null": b"null",
    "10,000-deep arrays": b"[" * 10_000 + b"]" * 10_000,
    "10,000-deep objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "a 5,000-digit number": b'{"query": "{ __typename }", "x": ' + b"9" * 5000 + b"}",
}


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
async def test_malformed_json_is_a_json_400(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    _assert_coded(response, 400, "BAD_REQUEST")


async def test_malformed_variables_in_a_get_are_a_json_400(client: httpx.AsyncClient) -> None:
    # 4,000 brackets: past the interpreter's recursion limit, within the query string's.
    for variables in ("{", "[" * 4_000, "42"):
        response = await client.get(
            "/graphql", params={"query": "{ __typename }", "variables": variables}
        )
        _assert_coded(response, 400, "BAD_REQUEST")


async def test_malformed_json_from_a_signed_in_patient_is_a_json_400_too(
    client: httpx.AsyncClient,
) -> None:
    """A patient's token sends the request through the personal answers, which read its
    `departmentId` before the view parses the body: the same refusal, never a 500."""
    token = await sign_in(client, "o-malformed")
    signed = {"authorization": f"Bearer {token}"}
    for body in MALFORMED.values():
        response = await client.post(
            "/graphql", content=body, headers={"content-type": "application/json", **signed}
        )
        _assert_coded(response, 400, "BAD_REQUEST")
    for variables in ("{", "[" * 4_000, "42"):
        response = await client.get(
            "/graphql",
            params={"query": "{ __typename }", "variables": variables},
            headers=signed,
        )
        _assert_coded(response, 400, "BAD_REQUEST")


async def test_strawberry_refusals_are_json_too(client: httpx.AsyncClient) -> None:
    _assert_coded(await client.post("/graphql", json={}), 400, "BAD_REQUEST")
    # The GraphQL-over-HTTP spec: a body in a media type we do not take is 415.
    _assert_coded(
        await client.post("/graphql", content=b"query=x", headers={"content-type": "text/plain"}),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    )


def _bank_like_headers(runtime: Runtime) -> dict[str, str]:
    """Signature headers of the right shape whose signature is not the platform's."""
    timestamp = str(int(runtime.clock.now().timestamp()))
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": "n" * 32,
        "Wechatpay-Signature": "c2lnbmF0dXJl",
        "Wechatpay-Serial": next(iter(runtime.bank.keys.platform_keys)),
        "X-His-Timestamp": timestamp,
        "X-His-Signature": "0" * 64,
    }


async def _processed(runtime: Runtime) -> int:
    async with uow.unit_of_work(runtime) as session:
        return len((await session.exec(select(ProcessedEvent))).all())


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
async def test_a_signed_malformed_his_event_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, body: bytes
) -> None:
    timestamp = str(int(runtime.clock.now().timestamp()))
    secret = runtime.settings.his_webhook_secret.get_secret_value()
    response = await client.post(
        "/webhooks/his",
        content=body,
        headers={
            "X-His-Timestamp": timestamp,
            "X-His-Signature": sign_event(secret, timestamp, body),
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    assert await _processed(runtime) == 0


# The platform signs UTF-8 text, so bytes that are not UTF-8 cannot be signed (see below).
SIGNABLE = {k: v for k, v in MALFORMED.items() if k != "invalid UTF-8"}


@pytest.mark.parametrize("body", list(SIGNABLE.values()), ids=list(SIGNABLE))
async def test_a_signed_malformed_bank_notification_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, body: bytes
) -> None:
    notifier = app.state.simulators["bank"].state.bank_notifier
    headers = signed_headers(
        notifier.keys.platform_key, notifier.keys.platform_serial, body, now=runtime.clock.now()
    )
    response = await client.post("/webhooks/bank", content=body, headers=headers)
    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    assert await _processed(runtime) == 0


async def test_an_unsigned_malformed_webhook_is_refused_as_unsigned(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # The signature comes first: a forger learns nothing from how we would have parsed it.
    for path in ("/webhooks/his", "/webhooks/bank"):
        for body in (b"[" * 10_000, MALFORMED["invalid UTF-8"]):
            response = await client.post(path, content=body, headers=_bank_like_headers(runtime))
            assert response.status_code == 401 and json.loads(response.content)["code"] == "FAIL"
    assert await _processed(runtime) == 0
