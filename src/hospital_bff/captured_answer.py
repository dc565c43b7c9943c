"""An answer held back from the client until a cache knows whether to keep it: the response
cache's fill (`response_cache_http`) and the personal answers (`personal_answers`) both run
the view with `CapturedAnswer.send`, then keep the answer or send it on with `flush`."""

from __future__ import annotations

from starlette.types import Message, Send


class CapturedAnswer:
    """The view's answer, held until it is known whether it is kept; a stream passes through."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.streaming = False

    async def send(self, message: Message) -> None:
        if self.streaming:
            await self._send(message)
        elif message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                # Multipart or a subscription over HTTP: never kept, sent as it comes.
                self.streaming = True
                assert self.start is not None
                await self._send(self.start)
                await self._send({**message, "body": b"".join(self.chunks)})
        else:
            await self._send(message)

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    def headers(self, *leaving_out: bytes) -> list[tuple[bytes, bytes]]:
        """The answer's headers, but for those named (lower case)."""
        assert self.start is not None
        return [(k, v) for k, v in self.start.get("headers", []) if k.lower() not in leaving_out]

    @property
    def keepable(self) -> bool:
        """A 200 that sets no cookie: the only answers a cache may give again."""
        assert self.start is not None
        return self.start["status"] == 200 and not any(
            k.lower() == b"set-cookie" for k, _ in self.start.get("headers", [])
        )

    def set_header(self, name: bytes, value: bytes) -> None:
        """Replace the header `name` (lower case) in what will be sent."""
        assert self.start is not None
        self.start = {**self.start, "headers": [*self.headers(name), (name, value)]}

    async def flush(self) -> None:
        assert self.start is not None
        await self._send(self.start)
        await self._send({"type": "http.response.body", "body": self.body})
