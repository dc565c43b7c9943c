"""The benches' lean HTTP client (tests/fixtures/lean_http.py): answers split across segments,
chunked answers, kept-alive connections reused, and a connection that breaks mid-answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
import uvloop

from fixtures.lean_http import LeanClient, LeanHTTPError

# The benches run it on uvloop, the tests on asyncio's own loop: both.
LOOPS = pytest.mark.parametrize(
    "new_loop", [asyncio.new_event_loop, uvloop.new_event_loop], ids=["asyncio", "uvloop"]
)


def _run(
    new_loop: Callable[[], asyncio.AbstractEventLoop],
    scenario: Callable[[LeanClient], Coroutine[Any, Any, None]],
) -> None:
    async def main() -> None:
        client = LeanClient(max_connections=2, timeout=10)
        try:
            await scenario(client)
        finally:
            await client.aclose()

    with asyncio.Runner(loop_factory=new_loop) as runner:
        runner.run(main())


async def _server(answers: list[list[bytes]]) -> tuple[asyncio.Server, list[int]]:
    """Answers each request with the next answer's pieces, each written on its own (with a
    pause between, so they arrive as separate segments); records which connection (the
    client's port) asked."""
    seen: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while answers:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            seen.append(writer.get_extra_info("peername")[1])  # the client's port
            for piece in answers.pop(0):
                if piece == b"<close>":
                    writer.close()
                    return
                writer.write(piece)
                await writer.drain()
                await asyncio.sleep(0.01)
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0), seen


@LOOPS
def test_answers_in_pieces_chunked_and_on_one_kept_connection(
    new_loop: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    _run(new_loop, _answers_in_pieces)


async def _answers_in_pieces(client: LeanClient) -> None:
    server, seen = await _server(
        [
            [b"HTTP/1.1 200 OK\r\nContent-Len", b'gth: 7\r\nX-A: 1\r\n\r\n{"a"', b":1}"],
            [
                b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"b"',
                b"\r\n3\r\n:2}\r\n0\r\n\r\n",
            ],
            [b"HTTP/1.1 204 No Content\r\n\r\n"],
        ]
    )
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    async with server:
        assert await client.post_json(url, {"q": 1}) == (
            200,
            {"content-length": "7", "x-a": "1"},
            {"a": 1},
        )
        assert (await client.post_json(url, {"q": 2}))[2] == {"b": 2}
        assert await client.post(url, b"{}") == (204, {}, b"")
    assert len(seen) == 3 and len(set(seen)) == 1, "one connection, kept alive"


@LOOPS
def test_a_connection_that_breaks_mid_answer_is_an_error(
    new_loop: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    _run(new_loop, _breaks_mid_answer)


async def _breaks_mid_answer(client: LeanClient) -> None:
    server, _ = await _server([[b'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{"a', b"<close>"]])
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    async with server:
        with pytest.raises(LeanHTTPError):
            await client.post_json(url, {})
