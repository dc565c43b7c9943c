"""A GraphQL request's body, read once by the outermost middleware (the response cache, which
keys on it) and handed to those inside in the ASGI scope: `replaying` gives the view the same
bytes again through `receive`, and `RequestBody.json` parses them at most once, for whichever
asks first (the personal answers for the variables, the view for the whole request).

It parses as the view does (UTF-8, strictly, then JSON) and raises what the view would raise,
so a body the view refuses is refused the same way whoever parsed it first.
"""

from __future__ import annotations

import json
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any, Final

from starlette.types import Message, Receive, Scope

BODY_KEY: Final = "hospital_bff.request_body"  # a RequestBody, whole and within the limit


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body if it is whole and within `limit`, else what was read and False."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        body: bytes = message.get("body", b"")
        chunks.append(body)
        size += len(body)
        if size > limit:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), True


def replaying(body: bytes, complete: bool, receive: Receive) -> Receive:
    """`receive` again from the start, for those inside: the bytes read, then the rest."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay


_UNPARSED: Final = object()


@dataclass(slots=True)
class RequestBody:
    """A whole body as it was read, and its JSON once someone asked for it."""

    raw: bytes
    _value: Any = field(default=_UNPARSED, repr=False)
    _error: Exception | None = field(default=None, repr=False)

    def json(self) -> Any:
        """The body's JSON; raises UnicodeDecodeError, ValueError or RecursionError as the
        view's parse would (each time it is asked)."""
        if self._value is _UNPARSED and self._error is None:
            try:
                self._value = json.loads(self.raw.decode("utf-8"))
            except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
                self._error = exc
        if self._error is not None:
            raise self._error
        return self._value

    def variables(self) -> dict[str, Any]:
        """The request's `variables` object ({} when the body is no JSON object, or has none)."""
        try:
            value = self.json()
        except (ValueError, RecursionError):
            return {}
        variables = value.get("variables") if isinstance(value, dict) else None
        return variables if isinstance(variables, dict) else {}


def request_body(scope: Scope) -> RequestBody | None:
    """The body the outermost middleware read, if it read one whole."""
    found = scope.get(BODY_KEY)
    return found if isinstance(found, RequestBody) else None


# The body read for the request the view is answering (set by the view around its work).
_READ: ContextVar[RequestBody | None] = ContextVar("hospital_bff.read_body", default=None)


def reading(scope: Scope) -> Token[RequestBody | None]:
    """While the view answers the request of `scope`: the body read for it, if one was."""
    return _READ.set(request_body(scope))


def done_reading(token: Token[RequestBody | None]) -> None:
    _READ.reset(token)


def read_as(data: str | bytes) -> RequestBody | None:
    """The body read for this request if `data` is its very bytes (else the view parses it)."""
    read = _READ.get()
    return read if read is not None and isinstance(data, bytes) and data == read.raw else None


def chosen_operation(payload: Any) -> tuple[str, str | None] | None:
    """The document and the operation's name that a request's GraphQL parameters give, when
    the document is a string and the name a string or absent; else None (the view refuses
    them, or a persisted query's hash stands for the document)."""
    if not isinstance(payload, dict):
        return None
    query, name = payload.get("query"), payload.get("operationName")
    if not isinstance(query, str) or not (name is None or isinstance(name, str)):
        return None
    return query, name
