"""The server's HTTP protocol sends a response's head and body in one write, and never holds
a head back while the body is still being made."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from hospital_bff.http_protocol import CoalescingHttpToolsProtocol

REQUEST = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


class _Transport(asyncio.Transport):
    """Records each write the protocol makes: one entry per system call it would be."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.wrote = asyncio.Event()

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))
        self.wrote.set()

    def writelines(self, list_of_data: Any) -> None:
        self.writes.append(b"".join(list_of_data))
        self.wrote.set()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5555), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0


def _connected(app: Any) -> tuple[CoalescingHttpToolsProtocol, _Transport]:
    config = Config(app=app, log_config=None, access_log=False, lifespan="off")
    config.load()
    protocol = CoalescingHttpToolsProtocol(config=config, server_state=ServerState(), app_state={})
    transport = _Transport()
    protocol.connection_made(transport)
    return protocol, transport


async def test_a_response_leaves_in_one_write() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"2")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    protocol, transport = _connected(app)
    protocol.data_received(REQUEST)
    await asyncio.wait_for(transport.wrote.wait(), 10)
    for _ in range(3):
        await asyncio.sleep(0)  # the loop's next steps: nothing more comes
    assert len(transport.writes) == 1
    assert transport.writes[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert transport.writes[0].endswith(b"\r\n\r\n{}")
    protocol.connection_lost(None)


async def test_a_head_is_not_held_back_for_a_body_still_being_made() -> None:
    body_may_go = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await body_may_go.wait()
        await send({"type": "http.response.body", "body": b"late"})

    protocol, transport = _connected(app)
    protocol.data_received(REQUEST)
    await asyncio.wait_for(transport.wrote.wait(), 10)
    assert transport.writes[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert transport.writes[0].endswith(b"\r\n\r\n")
    transport.wrote.clear()
    body_may_go.set()
    await asyncio.wait_for(transport.wrote.wait(), 10)
    assert b"".join(transport.writes[1:]).endswith(b"late\r\n0\r\n\r\n")
    protocol.connection_lost(None)


async def test_what_is_held_is_sent_before_the_connection_closes() -> None:
    protocol, transport = _connected(lambda scope, receive, send: None)
    protocol.transport.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    protocol.transport.close()
    assert transport.writes == [b"HTTP/1.1 400 Bad Request\r\n\r\n"]
    assert transport.closed


class _Marker:
    """Put in a request's scope by the app: alive as long as something keeps the scope."""


def _marking_app(marks: list[weakref.ref[_Marker]], read_body: bool = True) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        marker = _Marker()
        scope["marker"] = marker
        marks.append(weakref.ref(marker))
        if read_body:
            await receive()
        body = scope["path"].encode()
        headers = [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


async def _answered(protocol: CoalescingHttpToolsProtocol, transport: _Transport) -> bytes:
    """Every request's task done, the loop's held writes out: the bytes written."""
    while protocol.tasks:
        await asyncio.gather(*protocol.tasks)
    for _ in range(3):
        await asyncio.sleep(0)
    return b"".join(transport.writes)


async def test_an_answered_request_is_let_go_while_the_connection_stays() -> None:
    marks: list[weakref.ref[_Marker]] = []
    protocol, transport = _connected(_marking_app(marks))
    protocol.data_received(b"GET /first HTTP/1.1\r\nHost: test\r\n\r\n")
    assert (await _answered(protocol, transport)).endswith(b"/first")
    assert not transport.closed
    # Freed as soon as the answer was sent, by its count of references (no collection).
    assert marks[0]() is None, "the idle connection still keeps the answered request"
    protocol.data_received(b"GET /second HTTP/1.1\r\nHost: test\r\n\r\n")
    assert (await _answered(protocol, transport)).endswith(b"/second")
    assert marks[1]() is None
    protocol.connection_lost(None)


async def test_a_body_arriving_after_its_answer_and_pipelined_requests_are_as_before() -> None:
    marks: list[weakref.ref[_Marker]] = []
    protocol, transport = _connected(_marking_app(marks, read_body=False))
    # Answered before its body has come (as a refusal at the door is): the rest of the
    # body is discarded, and the connection serves the next request.
    protocol.data_received(b"POST /early HTTP/1.1\r\nHost: test\r\nContent-Length: 6\r\n\r\n")
    assert (await _answered(protocol, transport)).endswith(b"/early")
    protocol.data_received(b"abcdef")
    # Two requests in one segment: answered in order, the second after the first.
    protocol.data_received(
        b"GET /one HTTP/1.1\r\nHost: test\r\n\r\nGET /two HTTP/1.1\r\nHost: test\r\n\r\n"
    )
    written = await _answered(protocol, transport)
    assert written.endswith(b"/two") and written.index(b"/one") < written.index(b"/two")
    assert written.count(b"HTTP/1.1 200 OK") == 3
    assert all(mark() is None for mark in marks)
    protocol.connection_lost(None)
    protocol.shutdown()
    assert transport.closed
