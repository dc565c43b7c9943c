"""One id per request, in the response header and in every log line the request causes.

A client (or the proxy in front of us) may send `X-Request-ID`; a sane one is kept so a
support call can quote it end to end, anything else is replaced. The id is bound into
structlog's contextvars around the whole ASGI call: HTTP requests and WebSocket connections
alike (each subscription's task inherits the connection's context), so the GraphQL error
masker and every service log line carry it without being handed it.
"""

from __future__ import annotations

import os
import re
from collections import deque

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CONTEXT_KEY = "request_id"


# Ids drawn ahead, 256 at a time: one `getrandom` system call for 256 requests instead of one
# each. A forked child draws its own (it must not repeat its parent's).
_IDS_PER_DRAW = 256
_ids: deque[str] = deque()
os.register_at_fork(after_in_child=_ids.clear)


def new_request_id() -> str:
    """32 random hex digits like uuid4().hex, at a fraction of its cost: every request pays
    for one. (A deque's popleft is atomic: threads never share an id.)"""
    try:
        return _ids.popleft()
    except IndexError:
        drawn = os.urandom(16 * _IDS_PER_DRAW).hex()
        _ids.extend(drawn[i : i + 32] for i in range(32, len(drawn), 32))
        return drawn[:32]


def sane_request_id(value: str | None) -> str | None:
    """The incoming id if it is a short token that cannot forge log lines, else None."""
    if value is not None and _SANE.fullmatch(value):
        return value
    return None


def current_request_id() -> str | None:
    """The id bound for the request being served, if any."""
    value = structlog.contextvars.get_contextvars().get(_CONTEXT_KEY)
    return value if isinstance(value, str) else None


class RequestIdMiddleware:
    """Pure ASGI middleware: choose the id, bind it for the logs, echo it in the answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = sane_request_id(incoming) or new_request_id()

        async def send_with_id(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                message.setdefault("headers", [])
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        with structlog.contextvars.bound_contextvars(**{_CONTEXT_KEY: request_id}):
            await self.app(scope, receive, send_with_id)
