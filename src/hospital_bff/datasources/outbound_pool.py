"""The outbound connection pool: httpcore's, with its bookkeeping pass made linear.

httpx hands every request to httpcore's `AsyncConnectionPool`, which runs one pass over its
connections when a request arrives and again when its response is closed. In httpcore 1.0.9
that pass costs more the more connections the pool keeps:

- it asks every connection `has_expired()`, and for an idle HTTP/1.1 connection that polls its
  socket (through anyio's typed attributes): one `poll()` per idle connection per pass;
- it counts the idle connections as `len([c.is_idle() for c in connections])`, which is every
  connection, once per idle connection: the pass is quadratic, and keep-alive connections are
  closed as surplus when they are not (encode/httpcore#1035, open);
- it hands a newly idle HTTP/1.1 connection to every request queued in the pass; all but one
  then fail to start on it and are queued again (pydantic/httpx2#1075).

A burst's HIS calls keep up to 32 connections (the HIS client's own bound, `JsonClient`), and
with them idle between calls one call cost 1.7 ms of CPU instead of 0.6 ms with one connection
(`bench/outbound_pool.py`); a booking makes three. Here the pass walks the connections once;
an idle connection's socket is polled when it is about to be handed out (what matters: a
request is never sent on a connection the server closed), and every connection is probed at
most once per PROBE_ALL_SECONDS to close what the server closed or what outlived its
keep-alive; a connection handed to a request that has not started on it yet is spoken for,
and one made for a request that was cancelled before it connected is closed, not kept.
The rest is httpcore's: the connections themselves, the queueing, the retries, the
`ConnectionNotAvailable` loop. pyproject.toml holds httpcore to 1.0.x, whose pool this
overrides one method of, and tests/datasources/test_outbound_pool.py its behaviour.
"""

from __future__ import annotations

import time
from typing import Any, Final

import httpcore
import httpx
from httpcore import AsyncConnectionInterface

# How often a pass probes every connection, not only the one it hands out.
PROBE_ALL_SECONDS: Final = 1.0


class LinearConnectionPool(httpcore.AsyncConnectionPool):
    """`AsyncConnectionPool` whose assignment pass is linear in its connections."""

    _probed_all_at: float = 0.0

    def _assign_requests_to_connections(self) -> list[AsyncConnectionInterface]:
        closing: list[AsyncConnectionInterface] = []
        now = time.monotonic()
        probe_all = now - self._probed_all_at >= PROBE_ALL_SECONDS
        if probe_all:
            self._probed_all_at = now
        # An HTTP/1.1 connection handed to a request that has not started on it is still idle
        # and available: it is spoken for all the same (HTTP/2 multiplexes, so is shared).
        exclusive = not self._http2
        assigned = {id(r.connection) for r in self._requests if r.connection is not None}
        spoken_for = assigned if exclusive else set()
        kept: list[AsyncConnectionInterface] = []
        idle: list[AsyncConnectionInterface] = []  # free to close, the oldest first
        for connection in self._connections:
            if connection.is_closed():
                continue
            if id(connection) not in assigned and _never_connected(connection):
                # Made for a request that was cancelled before it started on it: nothing will
                # ever connect it, and it would hold one of the pool's places for good (as in
                # httpcore's own pass, encode/httpcore#1093).
                closing.append(connection)
                continue
            if probe_all and id(connection) not in spoken_for and connection.has_expired():
                closing.append(connection)
                continue
            kept.append(connection)
            if connection.is_idle() and id(connection) not in spoken_for:
                idle.append(connection)
        surplus = len(idle) - self._max_keepalive_connections
        if surplus > 0:
            closing += idle[:surplus]
            idle = idle[surplus:]
            kept = [c for c in kept if c not in closing]
        available = [c for c in kept if id(c) not in spoken_for and c.is_available()]

        for request in self._requests:
            if not request.is_queued():
                continue
            origin = request.request.url.origin
            chosen: AsyncConnectionInterface | None = None
            for candidate in list(available):
                if not candidate.can_handle_request(origin):
                    continue
                if not probe_all and candidate.has_expired():
                    # Closed by the server, or past its keep-alive: never sent on.
                    available.remove(candidate)
                    kept.remove(candidate)
                    if candidate in idle:
                        idle.remove(candidate)
                    closing.append(candidate)
                    continue
                chosen = candidate
                break
            if chosen is None:
                if len(kept) >= self._max_connections:
                    if not idle:
                        continue  # stays queued until a connection is released
                    # Room made by closing an idle connection to another origin.
                    oldest = idle.pop(0)
                    kept.remove(oldest)
                    if oldest in available:
                        available.remove(oldest)
                    closing.append(oldest)
                chosen = self.create_connection(origin)
                kept.append(chosen)
            elif exclusive:
                available.remove(chosen)
                if chosen in idle:
                    idle.remove(chosen)
            request.assign_to_connection(chosen)

        self._connections[:] = kept
        return closing


def _never_connected(connection: AsyncConnectionInterface) -> bool:
    """A connection made in a pass that has neither connected nor failed to."""
    return (
        isinstance(connection, httpcore.AsyncHTTPConnection)
        and connection._connection is None
        and not connection._connect_failed
    )


class PooledTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over `LinearConnectionPool` (through a proxy: httpx's own pool)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        pool = self._pool
        if type(pool) is httpcore.AsyncConnectionPool:
            self._pool = LinearConnectionPool(
                ssl_context=pool._ssl_context,
                max_connections=pool._max_connections,
                max_keepalive_connections=pool._max_keepalive_connections,
                keepalive_expiry=pool._keepalive_expiry,
                http1=pool._http1,
                http2=pool._http2,
                retries=pool._retries,
                local_address=pool._local_address,
                uds=pool._uds,
                network_backend=pool._network_backend,
                socket_options=pool._socket_options,
            )
