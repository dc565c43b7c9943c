"""A WebSocket's sign-in ends with its token: strawberry keeps one Context per socket, its caller
found once, so notices (patients' names, "report ready") streamed on for as long as the socket
lived after the token expired. The socket is closed with 4401 when the token of its
`connection_init` expires; the app signs in again and reconnects."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
import websockets
from starlette.applications import Starlette

from conftest import make_settings
from fixtures.graphql import contract_document
from fixtures.journey import verified_user
from hospital_bff.config import Settings
from hospital_bff.graphql_ws import TOKEN_EXPIRED_CLOSE, token_expiry

TOKEN_SECONDS = 2


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    return make_settings(backend, tmp_path, jwt_ttl_seconds=TOKEN_SECONDS)


@pytest.fixture
async def server(app: Starlette) -> AsyncIterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    uv = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None, log_level="warning"))
    task = asyncio.create_task(uv.serve(sockets=[sock]))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    uv.should_exit = True
    await task
    sock.close()


async def test_the_socket_closes_when_its_token_expires(
    server: str, client: httpx.AsyncClient
) -> None:
    token, _ = await verified_user(client, openid="o-expiring")
    url = server.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": contract_document(), "variables": {}, "operationName": "NoticeStream"}
        await ws.send(json.dumps({"id": "n", "type": "subscribe", "payload": payload}))
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
