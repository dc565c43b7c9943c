"""Stopping a server gracefully: every open WebSocket is told the server is going away (close
code 1001, so clients reconnect, to another replica behind the proxy), then uvicorn drains the
HTTP requests in flight and runs the lifespan's shutdown, all within a bounded time.

uvicorn on its own closes WebSockets with 1012 at shutdown, and not before it stops accepting
connections; our clients' reconnection is keyed on 1001 "going away", which is also what a
browser's own navigation sends. So the app tracks its sockets (`GoingAwayMiddleware`) and the
SIGTERM handler closes them first (`close_websockets_on_sigterm`), in whichever process
uvicorn serves the app (with --workers, each child installs it at its start).
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from types import FrameType

import structlog
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
    log.info("websockets_going_away", closed=len(sockets))
    # Let the close handshakes finish (each handler sees its disconnect and ends) before
    # uvicorn's shutdown cuts what is left.
    if sockets:
        waits = [asyncio.create_task(s.ended.wait()) for s in sockets]
        _, pending = await asyncio.wait(waits, timeout=CLOSE_HANDSHAKE_SECONDS)
        for task in pending:
            task.cancel()
    return len(sockets)


def close_websockets_on_sigterm() -> Callable[[], None]:
    """Under uvicorn (in each of its worker processes): a SIGTERM first closes this process's
    WebSockets with 1001, then reaches uvicorn's own handler, which drains and shuts down.
    Answers the undo (for the lifespan's end). More SIGTERMs while the sockets close are the
    same stop (a group signal, then uvicorn's supervisor relaying it); later ones, uvicorn's."""
    previous = signal.getsignal(signal.SIGTERM)
    if not callable(previous) or threading.current_thread() is not threading.main_thread():
        return lambda: None  # not under a server that handles SIGTERM (a test, a script)
    loop = asyncio.get_running_loop()
    signalled = closed = False
    tasks: set[asyncio.Task[int]] = set()

    def on_term(signum: int, frame: FrameType | None) -> None:
        nonlocal signalled
        if closed:
            previous(signum, frame)  # the sockets are closed: uvicorn's own handling
            return
        if signalled:
            return  # the same stop, already under way
        signalled = True

        def then_uvicorn(_: asyncio.Task[int]) -> None:
            nonlocal closed
            closed = True
            previous(signum, frame)

        def going_away() -> None:
            task = loop.create_task(close_websockets())
            tasks.add(task)  # a task nobody holds may be collected before it ends
            task.add_done_callback(tasks.discard)
            task.add_done_callback(then_uvicorn)

        loop.call_soon_threadsafe(going_away)

    signal.signal(signal.SIGTERM, on_term)

    def undo() -> None:
        if signal.getsignal(signal.SIGTERM) is on_term:
            signal.signal(signal.SIGTERM, previous)

    return undo
