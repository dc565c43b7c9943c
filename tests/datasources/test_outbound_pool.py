"""The outbound pool (datasources/outbound_pool.py): httpcore's behaviour, a linear pass."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpcore
import httpx
import pytest

from hospital_bff.datasources import outbound_pool
from hospital_bff.datasources.http import LIMITS, build_http_client
from hospital_bff.datasources.outbound_pool import LinearConnectionPool, PooledTransport

BODY = b'{"ok":true}'
ANSWER = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(BODY)
) + BODY


class Server:
    """A loopback HTTP/1.1 server that counts its connections; `close_after_answer` makes it
    hang up after each answer without saying so (as a server's idle timeout does)."""

    def __init__(self, close_after_answer: bool = False) -> None:
        self.close_after_answer = close_after_answer
        self.connections = 0
        self.answered = 0
        self.hung_up = asyncio.Event()
        self.release = asyncio.Event()
        self.release.set()
        self.waiting = 0  # requests read and held back by `release`
        self.arrived = asyncio.Condition()
        self.url = ""

    async def warm(self, client: httpx.AsyncClient, n: int) -> None:
        """The client's pool made to keep `n` connections: `n` requests held at once."""
        self.release.clear()
        calls = [asyncio.create_task(client.get(self.url)) for _ in range(n)]
        async with self.arrived:
            await self.arrived.wait_for(lambda: self.waiting >= n)
        self.release.set()
        await asyncio.gather(*calls)
        self.waiting = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                async with self.arrived:
                    self.waiting += 1
                    self.arrived.notify_all()
                await self.release.wait()
                writer.write(ANSWER)
                await writer.drain()
                self.answered += 1
                if self.close_after_answer:
                    writer.close()
                    await writer.wait_closed()
                    self.hung_up.set()
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    served = Server()
    listening = await asyncio.start_server(served.handle, "127.0.0.1", 0)
    served.url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}/x"
    async with listening:
        yield served


def pool_of(client: httpx.AsyncClient) -> LinearConnectionPool:
    transport = client._transport
    assert isinstance(transport, PooledTransport)
    pool = transport._pool
    assert isinstance(pool, LinearConnectionPool)
    return pool


def counting(monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> list[int]:
    """Counts calls of `cls.name` (as a list, for the closure)."""
    calls = [0]
    original: Callable[..., Any] = getattr(cls, name)

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, counted)
    return calls


def test_the_pool_is_configured_as_httpx_would_configure_its_own() -> None:
    ours = PooledTransport(limits=LIMITS)._pool
    theirs = httpx.AsyncHTTPTransport(limits=LIMITS)._pool
    assert type(ours) is LinearConnectionPool
    ignored = {
        "_connections",
        "_requests",
        "_optional_thread_lock",
        "_ssl_context",
        "_network_backend",
    }
    assert {k: v for k, v in vars(ours).items() if k not in ignored} == {
        k: v for k, v in vars(theirs).items() if k not in ignored
    }, "every setting httpx gives its pool is given to ours"
    assert set(vars(ours)) == set(vars(theirs))
    assert type(ours._ssl_context) is type(theirs._ssl_context)
    assert type(ours._network_backend) is type(theirs._network_backend)


def test_the_app_client_sends_through_it() -> None:
    client = build_http_client(3.0, 1.0)
    assert isinstance(pool_of(client), LinearConnectionPool)


def test_through_a_proxy_httpx_own_pool_is_kept() -> None:
    transport = PooledTransport(proxy="http://127.0.0.1:3128")
    assert isinstance(transport._pool, httpcore.AsyncHTTPProxy)


def test_the_environments_proxies_still_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx reads HTTPS_PROXY and the like only when it chooses the transport itself."""
    monkeypatch.setenv("HTTPS_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("NO_PROXY", "his.hospital.internal")
    client = build_http_client(3.0, 1.0)
    assert isinstance(client._transport, PooledTransport)
    proxied = client._transport_for_url(httpx.URL("https://api.mch.weixin.qq.com/v3/pay"))
    assert isinstance(proxied, httpx.AsyncHTTPTransport)
    assert isinstance(proxied._pool, httpcore.AsyncHTTPProxy)
    direct = client._transport_for_url(httpx.URL("https://his.hospital.internal/api"))
    assert direct is client._transport


async def test_one_caller_is_served_on_one_connection(server: Server) -> None:
    async with httpx.AsyncClient(transport=PooledTransport(limits=LIMITS)) as client:
        for _ in range(5):
            assert (await client.get(server.url)).json() == {"ok": True}
        assert server.connections == 1
        assert len(pool_of(client).connections) == 1


async def test_a_connection_the_server_closed_is_never_sent_on(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No sweep of every connection: only the probe of the one handed out can notice.
    monkeypatch.setattr(outbound_pool, "PROBE_ALL_SECONDS", 3600.0)
    server.close_after_answer = True
    async with httpx.AsyncClient(transport=PooledTransport(limits=LIMITS)) as client:
        pool_of(client)._probed_all_at = float("inf")
        for _ in range(3):
            server.hung_up.clear()
            assert (await client.get(server.url)).json() == {"ok": True}
            await server.hung_up.wait()
        assert server.connections == 3, "each request after a hang-up on a new connection"
        assert server.answered == 3


async def test_surplus_idle_connections_are_closed_down_to_the_keep_alive_bound(
    server: Server,
) -> None:
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=3)
    async with httpx.AsyncClient(transport=PooledTransport(limits=limits)) as client:
        await server.warm(client, 6)
        # The next pass (this request's) closes the surplus, the oldest first.
        await client.get(server.url)
        assert len(pool_of(client).connections) == 3


async def test_a_pass_probes_only_the_connection_it_hands_out(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbound_pool, "PROBE_ALL_SECONDS", 3600.0)
    async with httpx.AsyncClient(transport=PooledTransport(limits=LIMITS)) as client:
        await server.warm(client, 32)
        pool_of(client)._probed_all_at = float("inf")
        probes = counting(monkeypatch, httpcore.AsyncHTTPConnection, "has_expired")
        for _ in range(10):
            await client.get(server.url)
        # httpcore's own pass asks all 32 idle connections, twice per request (640 here).
        assert probes[0] == 10, "one probe per request: the connection it is sent on"
        assert server.connections == 32


async def test_every_connection_is_probed_once_a_sweep_is_due(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with httpx.AsyncClient(transport=PooledTransport(limits=LIMITS)) as client:
        await server.warm(client, 4)
        pool = pool_of(client)
        pool._probed_all_at = 0.0  # a sweep is due
        probes = counting(monkeypatch, httpcore.AsyncHTTPConnection, "has_expired")
        await client.get(server.url)
        assert probes[0] >= 4, "the sweep asked every connection"


async def test_requests_beyond_the_bound_queue_and_each_takes_a_connection_once(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
    starts = counting(monkeypatch, httpcore.AsyncHTTPConnection, "handle_async_request")
    async with httpx.AsyncClient(transport=PooledTransport(limits=limits)) as client:
        answers = await asyncio.gather(*(client.get(server.url) for _ in range(20)))
        assert all(a.json() == {"ok": True} for a in answers)
        assert server.connections == 2
        # httpcore's pass hands a freed connection to every queued request; all but one then
        # fail to start on it and queue again (ConnectionNotAvailable), each a pass of its own.
        assert starts[0] == 20, "each request started on a connection exactly once"


async def test_a_request_cancelled_before_it_connected_leaves_no_place_taken() -> None:
    """A pass makes a connection for a queued request, which is cancelled (its deadline, its
    caller gone) before it starts on it: the unconnected connection is closed by the next
    pass, not kept holding one of the pool's places for good (encode/httpcore#1093)."""
    first, second = Server(), Server()
    async with (
        await asyncio.start_server(first.handle, "127.0.0.1", 0) as one,
        await asyncio.start_server(second.handle, "127.0.0.1", 0) as other,
    ):
        x = f"http://127.0.0.1:{one.sockets[0].getsockname()[1]}/x"
        y = f"http://127.0.0.1:{other.sockets[0].getsockname()[1]}/y"
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        timeout = httpx.Timeout(5.0, pool=2.0)
        async with httpx.AsyncClient(
            transport=PooledTransport(limits=limits), timeout=timeout
        ) as client:
            pool = pool_of(client)
            first.release.clear()
            holding = asyncio.create_task(client.get(x))  # the pool's one place, held
            async with first.arrived:
                await first.arrived.wait_for(lambda: first.waiting == 1)
            waiting = asyncio.create_task(client.get(y))  # queued behind it
            assign = pool._assign_requests_to_connections

            def cancel_once_handed_a_connection() -> list[Any]:
                closing = assign()
                if any(
                    r.connection is not None
                    for r in pool._requests
                    if r.request.url.port == other.sockets[0].getsockname()[1]
                ):
                    waiting.cancel()  # its deadline fires in the same turn of the loop
                return closing

            pool._assign_requests_to_connections = cancel_once_handed_a_connection  # type: ignore[method-assign]
            first.release.set()
            await holding
            with pytest.raises(asyncio.CancelledError):
                await waiting
            pool._assign_requests_to_connections = assign  # type: ignore[method-assign]
            # Both origins are served afterwards: no place is held by a dead connection.
            assert (await client.get(y)).json() == {"ok": True}
            assert (await client.get(x)).json() == {"ok": True}
            assert [c.info() for c in pool.connections if "CONNECTING" in c.info()] == []
