"""A WebSocket's sign-in ends with its token: strawberry keeps one Context per socket, its caller
found once, so notices (patients' names, "report ready") streamed on for as long as the socket
lived after the token expired. The socket is closed with 4401 when the token of its
`connection_init` expires; the app signs in again and reconnects."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from conftest import make_settings
from fixtures.graphql import contract_document
from fixtures.journey import verified_user
from hospital_bff.clock import FrozenClock
from hospital_bff.config import Settings
from hospital_bff.graphql_ws import TOKEN_EXPIRED_CLOSE, token_expiry

# The socket's timer counts the token's remaining seconds on the event loop's clock, as
# production's wall clock would pass them; the app's frozen clock only says how many remain.
TOKEN_SECONDS = 2


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    return make_settings(backend, tmp_path, jwt_ttl_seconds=TOKEN_SECONDS)


@asynccontextmanager
async def notices_of(server: str, token: str) -> AsyncIterator[Any]:
    """A socket signed in with `token` (acknowledged) and subscribed to its notices."""
    url = server.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": contract_document(), "variables": {}, "operationName": "NoticeStream"}
        await ws.send(json.dumps({"id": "n", "type": "subscribe", "payload": payload}))
        yield ws


async def test_the_socket_closes_when_its_token_expires(
    server: str, client: httpx.AsyncClient
) -> None:
    token, _ = await verified_user(client, openid="o-expiring")
    async with notices_of(server, token) as ws:
        seen = []
        async with asyncio.timeout(TOKEN_SECONDS + 20):
            with contextlib.suppress(websockets.ConnectionClosed):
                async for raw in ws:
                    seen.append(json.loads(raw)["type"])
    assert "error" not in seen, "the subscription was accepted while the token held"
    assert ws.close_code == TOKEN_EXPIRED_CLOSE


def test_the_expiry_is_read_from_the_token_alone() -> None:
    assert token_expiry(None) is None
    assert token_expiry("not a jwt") is None
    header = "eyJhbGciOiJIUzI1NiJ9"  # {"alg":"HS256"}
    payload = json.dumps({"exp": 1_800_000_000}).encode()
    import base64

    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    assert token_expiry(f"{header}.{body}.c2ln") == 1_800_000_000.0


async def test_a_token_expired_before_the_socket_is_refused_as_the_contract_says(
    server: str, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    """Already expired at connection_init: the socket is not closed at once (a 4401 before the
    client's subscribe); its subscription answers UNAUTHENTICATED, as the contract says."""
    token, _ = await verified_user(client, openid="o-expired")
    clock.advance(seconds=TOKEN_SECONDS + 1)
    async with notices_of(server, token) as ws:
        answer = json.loads(await asyncio.wait_for(ws.recv(), 20))
    assert answer["type"] in ("error", "next"), answer
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
