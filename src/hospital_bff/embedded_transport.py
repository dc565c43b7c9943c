"""Outbound HTTP to the embedded simulators, handed to them in the process.

With the embedded default the HIS, the bank and WeChat are simulators under this process's own
`/sim/NAME`, and the datasources reach them at their base URLs (`http://127.0.0.1:PORT/sim/his`).
Over loopback each call cost a connection pool's checkout, a socket write and read on both
sides, and uvicorn parsing the request again: a booking's three HIS calls were about a quarter
of its CPU (bench/booking_burst.py --embedded). Here a request to one of those base URLs is
given to the app as an ASGI request instead (the app sends `/sim/...` straight to the
simulator's mount), the same method, path, query, headers and body the simulator would have
read off the socket; its status, headers and body come back as httpx's response. The
datasources are unchanged and still speak the published APIs (docs/his-api.md); any other
URL, the simulators' own webhooks back to the BFF among them, goes over the network.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, MutableMapping
from typing import Any

import httpx
from starlette.types import ASGIApp

from hospital_bff.config import Settings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class EmbeddedSimulators(httpx.AsyncBaseTransport):
    """Routes requests under `base_urls` (loopback `/sim/...` URLs only) to `app` in the
    process; everything else to `network`."""

    def __init__(
        self, app: ASGIApp, base_urls: Iterable[str], network: httpx.AsyncBaseTransport
    ) -> None:
        self.local = InProcess(app)
        self.network = network
        self.prefixes: dict[tuple[str, int | None], tuple[str, ...]] = {}
        for base in base_urls:
            url = httpx.URL(base)
            path = url.path.rstrip("/")
            if url.scheme == "http" and url.host in LOOPBACK_HOSTS and path.startswith("/sim/"):
                key = (url.host, url.port)
                self.prefixes[key] = (*self.prefixes.get(key, ()), path + "/")

    def local_path(self, url: httpx.URL) -> bool:
        prefixes = self.prefixes.get((url.host, url.port))
        return prefixes is not None and url.scheme == "http" and url.path.startswith(prefixes)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.local_path(request.url):
            return await self.local.handle_async_request(request)
        return await self.network.handle_async_request(request)

    async def aclose(self) -> None:
        await self.network.aclose()


def simulator_base_urls(settings: Settings) -> list[str]:
    """Where the datasources reach the HIS, the bank, WeChat and Alipay."""
    return [
        settings.his_base_url,
        settings.bank_base_url,
        settings.wechat_base_url,
        settings.alipay_gateway_url.rsplit("/", 1)[0],
    ]


class InProcess(httpx.AsyncBaseTransport):
    """httpx's ASGITransport (raise_app_exceptions=False) for a request whose body is in memory,
    as a datasource's always is: the same scope, messages and answer (an app that raises before
    answering is a 500), with the answer's body handed over read. httpx's own streamed it back
    through its decoders and made its events through sniffio: ~2% of a booking's CPU over its
    three HIS calls."""

    client = ("127.0.0.1", 123)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for (k, v) in request.headers.raw],
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "server": (url.host, url.port),
            "client": self.client,
            "root_path": "",
        }
        body = await request.aread()
        status: int | None = None
        headers: list[tuple[bytes, bytes]] | None = None
        parts: list[bytes] = []
        complete = asyncio.Event()
        request_sent = False

        async def receive() -> dict[str, Any]:
            nonlocal request_sent
            if request_sent:
                await complete.wait()
                return {"type": "http.disconnect"}
            request_sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                assert status is None
                status, headers = message["status"], message.get("headers", [])
            elif message["type"] == "http.response.body":
                assert not complete.is_set()
                chunk = message.get("body", b"")
                if chunk and request.method != "HEAD":
                    parts.append(chunk)
                if not message.get("more_body", False):
                    complete.set()

        try:
            await self.app(scope, receive, send)
        except Exception:
            complete.set()
            status = 500 if status is None else status
            headers = [] if headers is None else headers
        assert complete.is_set()
        assert status is not None
        assert headers is not None
        return httpx.Response(status, headers=headers, content=b"".join(parts))
