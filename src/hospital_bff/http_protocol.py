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
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


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


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol whose responses leave in one write (see above)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = _Coalescing(transport, self.loop)  # type: ignore[assignment]

    def handle_websocket_upgrade(self) -> None:
        held = self.transport
        if isinstance(held, _Coalescing):
            held.flush()
            self.transport = held.transport
        super().handle_websocket_upgrade()
