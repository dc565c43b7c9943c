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

from collections.abc import Iterable

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
        self.local = httpx.ASGITransport(app=app, raise_app_exceptions=False)
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
