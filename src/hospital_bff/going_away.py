"""Stopping a server gracefully: every open WebSocket is told the server is going away (close
code 1001, so clients reconnect, to another replica behind the proxy), then uvicorn drains the
HTTP requests in flight and runs the lifespan's shutdown, all within a bounded time.

uvicorn on its own closes WebSockets with 1012 at shutdown, and not before it stops accepting
connections; our clients' reconnection is keyed on 1001 "going away", which is also what a
browser's own navigation sends. So the app tracks its sockets (`GoingAwayMiddleware`) and the
server (`GracefulServer`) closes them first.
"""

from __future__ import annotations

import asyncio
import socket

import structlog
import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger(__name__)

GOING_AWAY = 1001
# What a stop may take in all (the orchestrators' usual grace is 30 s): requests in flight
# get this long to finish before they are cancelled; the lifespan's shutdown follows.
GRACEFUL_SECONDS = 15
# How long the sockets get to answer our close frame before uvicorn's shutdown proceeds.
CLOSE_HANDSHAKE_SECONDS = 2.0


class _Socket:
    """One accepted WebSocket: its `send`, and whether a close went out on it."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.closed = asyncio.Event()  # a close frame went out
        self.ended = asyncio.Event()  # the app's handler returned

    async def close(self, code: int, reason: str) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        try:
            await self.send({"type": "websocket.close", "code": code, "reason": reason})
        except Exception as exc:  # the client went first: nothing to tell it
            log.debug("websocket_close_failed", error=repr(exc))


_open: set[_Socket] = set()


def open_websockets() -> int:
    return len(_open)


class GoingAwayMiddleware:
    """Keeps the set of this process's open WebSockets, so a stop can close each with 1001."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        sock = _Socket(send)

        async def tracked_send(message: Message) -> None:
            if sock.closed.is_set():
                return  # closed by the stop: the app's late frames have nobody to reach
            if message["type"] == "websocket.accept":
                _open.add(sock)
            elif message["type"] == "websocket.close":
                sock.closed.set()
                _open.discard(sock)
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        finally:
            _open.discard(sock)
            sock.ended.set()


async def close_websockets(code: int = GOING_AWAY, reason: str = "server going away") -> int:
    """Close every open WebSocket of this process with `code`; answers how many."""
    sockets = list(_open)
    for sock in sockets:
        await sock.close(code, reason)
    # Let the close handshakes finish (each handler sees its disconnect and ends) before
    # uvicorn's shutdown cuts what is left.
    if sockets:
        waits = [asyncio.create_task(s.ended.wait()) for s in sockets]
        _, pending = await asyncio.wait(waits, timeout=CLOSE_HANDSHAKE_SECONDS)
        for task in pending:
            task.cancel()
    return len(sockets)


class GracefulServer(uvicorn.Server):
    """uvicorn's server, closing the app's WebSockets with 1001 before its own shutdown."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        closed = await close_websockets()
        log.info("websockets_going_away", closed=closed)
        await super().shutdown(sockets)


def serve(config: uvicorn.Config) -> None:
    """uvicorn.run's dispatch (one process, or a supervisor of several), with GracefulServer."""
    from uvicorn.supervisors import ChangeReload, Multiprocess, multiprocess

    server = GracefulServer(config=config)
    if config.should_reload:
        ChangeReload(config, target=server.run, sockets=[config.bind_socket()]).run()
    elif config.workers > 1:
        # The supervisor builds each child's server from this name (it takes no factory).
        multiprocess.Server = GracefulServer  # type: ignore[attr-defined,misc]
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
        if not server.started:
            raise SystemExit(3)  # uvicorn's STARTUP_FAILURE: the port taken, the app broken
