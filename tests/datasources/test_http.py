"""What every datasource shares: a call's timeout counts from when it is sent, not while it
queues behind our own limit of calls in flight to one upstream."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from hospital_bff.datasources.errors import UpstreamBusy
from hospital_bff.datasources.http import JsonClient, build_http_client

BASE = "http://upstream.test"


async def test_a_call_queued_behind_the_in_flight_limit_does_not_time_out_while_queued() -> None:
    answering = asyncio.Semaphore(0)
    arrived = [asyncio.Event() for _ in range(4)]
    sent = 0

    async def upstream(request: httpx.Request) -> httpx.Response:
        nonlocal sent
        arrived[sent].set()
        sent += 1
        await answering.acquire()  # each call is answered when the test says so
        return httpx.Response(200, json={"ok": True})

    async with httpx.AsyncClient(transport=httpx.MockTransport(upstream)) as http:
        client = JsonClient(http, BASE, timeout=1.0, read_retries=0, max_in_flight=1)
        calls = [asyncio.create_task(client.request("GET", f"/things/{i}")) for i in range(4)]
        for n in range(4):
            await arrived[n].wait()  # the n-th call is at the upstream; the others queue
            # Each call takes 0.8 s at the upstream, within its own 1 s; the last one queues
            # 2.4 s behind the others, past any deadline that started while it queued.
            await asyncio.sleep(0.8)
            answering.release()
        answers = await asyncio.gather(*calls)
    assert answers == [{"ok": True}] * 4


async def test_the_outbound_client_keeps_and_sends_cookies_as_httpx_does() -> None:
    """Its jar skips only responses that set no cookie (build_http_client)."""
    seen: list[str | None] = []

    async def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        if request.url.path == "/login":
            return httpx.Response(200, json={}, headers={"Set-Cookie": "session=abc; Path=/"})
        return httpx.Response(200, json={})

    async with build_http_client(1.0, 1.0, transport=httpx.MockTransport(upstream)) as http:
        for path in ("/before", "/login", "/after", "/later"):
            await http.get(f"{BASE}{path}")
        assert http.cookies.get("session") == "abc"
        http.cookies = {"other": "1"}
        await http.get(f"{BASE}/replaced")
    assert seen == [None, None, "session=abc", "session=abc", "other=1"]


async def test_a_call_that_cannot_get_a_turn_in_time_is_busy_and_never_sent() -> None:
    """The queue is bounded too: behind a flood, a call hears UpstreamBusy (our overload, so
    the breaker is not told) instead of waiting without end."""
    hold = asyncio.Event()
    arrived = asyncio.Event()
    paths: list[str] = []

    async def upstream(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        arrived.set()
        await hold.wait()
        return httpx.Response(200, json={"ok": True})

    async with httpx.AsyncClient(transport=httpx.MockTransport(upstream)) as http:
        client = JsonClient(http, BASE, timeout=5.0, max_in_flight=1, queue_seconds=0.05)
        first = asyncio.create_task(client.request("GET", "/first"))
        await arrived.wait()
        with pytest.raises(UpstreamBusy):
            await client.request("GET", "/second")
        hold.set()
        assert await first == {"ok": True}
        assert await client.request("GET", "/third") == {"ok": True}, "the turn came back"
    assert paths == ["/first", "/third"]
    assert not client.breaker.is_open and client.breaker._failures == 0
