"""Bounds on what a request may send, enforced while it is read.

A body whose Content-Length is over the limit is refused before a byte of it is read; a body
without one (chunked) is counted as it streams and refused the moment it passes the limit. So
the server never holds more than the limit of any request, however much the sender has.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import Message, Receive


class BodyTooLarge(Exception):
    """The request body is over its limit; the answer is 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over {limit} bytes")
        self.limit = limit


def refuse_declared_excess(headers: Headers, limit: int) -> None:
    """Raise BodyTooLarge when the declared Content-Length is over `limit`."""
    declared = headers.get("content-length", "")
    # A malformed Content-Length never reaches here: the HTTP servers refuse it.
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)


def limit_receive(receive: Receive, limit: int) -> Receive:
    """`receive`, raising BodyTooLarge once the body chunks received pass `limit` bytes."""
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return limited


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body of `request`, or BodyTooLarge as soon as it is known to pass `limit`."""
    refuse_declared_excess(request.headers, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
