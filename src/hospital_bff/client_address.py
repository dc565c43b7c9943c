"""Which address a request came from: the one place to teach about trusted proxies."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def client_address(request: HTTPConnection) -> str:
    """The peer's address as the ASGI server saw it (behind a proxy: the proxy's, until
    forwarded-for handling from trusted proxies is added here)."""
    client = request.client
    return client.host if client else "127.0.0.1"
