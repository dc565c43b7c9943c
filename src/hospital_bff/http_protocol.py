"""uvicorn's HTTP protocol (httptools) sending a response's head and body in one write.

uvicorn writes the status line and headers when the app sends `http.response.start`, and the
body when it sends `http.response.body`: two system calls and two TCP segments for every
answer, however small, where one would do (a kept catalogue answer is a 2 KB body behind
300 bytes of headers; on loopback the second segment costs the sending process the receiver's
TCP work too). Here a write is held until the next one or the end of the event loop's
current step, whichever comes first, and the two go out together (`writelines`: one
`writev`). Nothing is held longer than that step, so a streamed answer or a slow body still
has its head sent at once; the order of the bytes never changes. A WebSocket upgrade gets the
socket's own transport.

And a kept-alive connection lets go of its last request once that request's answer is sent.
uvicorn keeps the request's cycle (its scope with the headers and what the middleware noted
in it: the body read whole and parsed, the cache's notes, its Event and the callbacks) on the
connection until the next request replaces it, so every idle connection kept a request's
worth of objects alive. In a release's burst that was most of what a gen-1 garbage collection
walked (measured: ~23,000-26,000 objects, the per-connection share ~60 each over ~350
connections), and a walk costs ~0.24 us an object here. The cycle is replaced by `_ANSWERED`,
which answers uvicorn's questions about it as the finished cycle did (its response is
complete, waking it does nothing); the task still running the app keeps the cycle itself
until it ends. The scope and the header list go with it unless the next request has begun.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle


class _Coalescing:
    """The connection's transport for uvicorn's HTTP protocol: holds one write until the
    next write (sent together) or the loop's next step (sent alone)."""

    __slots__ = ("_held", "_loop", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is None:
            if data:
                self._held = data
                self._loop.call_soon(self.flush)
            return
        self._held = None
        self.transport.writelines((held, data))

    def flush(self) -> None:
        held, self._held = self._held, None
        if held is not None and not self.transport.is_closing():
            self.transport.write(held)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def get_write_buffer_size(self) -> int:
        return self.transport.get_write_buffer_size() + len(self._held or b"")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class _NoEvent:
    __slots__ = ()

    def set(self) -> None:
        """Nobody waits on a cycle whose response is complete."""


class _Answered:
    """A connection's last request cycle once its response is complete (see above): what
    uvicorn asks of it there (`response_complete`, `message_event.set()`)."""

    __slots__ = ()
    response_complete = True
    message_event = _NoEvent()


_ANSWERED = _Answered()


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol whose responses leave in one write, and which lets go of a
    request once it is answered (see above)."""

    def on_response_complete(self) -> None:
        super().on_response_complete()
        cycle = self.cycle
        # A pipelined request parsed meanwhile is the connection's cycle now: kept.
        if isinstance(cycle, RequestResponseCycle) and cycle.response_complete:
            if self.scope is cycle.scope:  # no next request has begun on the connection
                self.scope = None  # type: ignore[assignment]
                self.headers = None  # type: ignore[assignment]
            self.cycle = _ANSWERED  # type: ignore[assignment]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = _Coalescing(transport, self.loop)  # type: ignore[assignment]

    def handle_websocket_upgrade(self) -> None:
        held = self.transport
        if isinstance(held, _Coalescing):
            held.flush()
            self.transport = held.transport
        super().handle_websocket_upgrade()
