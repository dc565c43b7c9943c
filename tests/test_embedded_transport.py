"""The datasources' calls to the embedded simulators are answered in the process
(embedded_transport.py); every other URL still goes over the network."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from conftest import make_settings
from hospital_bff.app import create_app
from hospital_bff.clock import Clock
from hospital_bff.embedded_transport import EmbeddedSimulators, InProcess
from hospital_bff.runtime import Runtime

# Nothing listens here: a call that reaches the network fails.
NOWHERE = "http://127.0.0.1:9"


class Network(httpx.AsyncBaseTransport):
    """Stands for the network: records what was sent to it."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(str(request.url))
        return httpx.Response(204)


async def test_only_the_simulators_base_urls_are_answered_in_the_process() -> None:
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    network = Network()
    transport = EmbeddedSimulators(
        app, [f"{NOWHERE}/sim/his", f"{NOWHERE}/sim/bank", "https://his.example/api"], network
    )
    async with httpx.AsyncClient(transport=transport) as http:
        local = await http.get(f"{NOWHERE}/sim/his/slots/s1?x=1")
        assert (local.status_code, local.text) == (200, "/sim/his/slots/s1")
        for url in (
            f"{NOWHERE}/webhooks/his",  # the simulators' webhooks back to the BFF
            f"{NOWHERE}/sim/hisx/slots",  # not under a base URL
            "http://127.0.0.1:10/sim/his/slots",  # another port
            "https://his.example/api/slots",  # a real HIS: never in the process
        ):
            assert (await http.get(url)).status_code == 204
    assert network.sent == [
        f"{NOWHERE}/webhooks/his",
        f"{NOWHERE}/sim/hisx/slots",
        "http://127.0.0.1:10/sim/his/slots",
        "https://his.example/api/slots",
    ]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_the_embedded_his_answers_without_a_listening_socket(
    backend: str, tmp_path: Path
) -> None:
    settings = make_settings(
        backend,
        tmp_path,
        his_base_url=f"{NOWHERE}/sim/his",
        public_url=NOWHERE,
        auto_migrate=True,
    )
    app = create_app(settings, clock=Clock(settings.tz))
    async with app.router.lifespan_context(app):
        runtime: Runtime = app.state.runtime
        departments = await runtime.his.departments()
    assert departments


async def test_the_in_process_transport_serves_as_httpx_asgi_transport_does() -> None:
    """The same scope and request body reach the app, the same answer comes back (a raising
    app's is a 500), as with httpx.ASGITransport(raise_app_exceptions=False)."""
    seen: list[tuple[dict[str, object], bytes]] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen.append((dict(scope), body))
        if scope["path"].endswith("/fails"):
            raise RuntimeError("the simulator broke")
        await send({"type": "http.response.start", "status": 201, "headers": [(b"x-a", b"1")]})
        await send({"type": "http.response.body", "body": b'{"got":', "more_body": True})
        await send({"type": "http.response.body", "body": body + b"}"})

    answers = []
    for transport in (httpx.ASGITransport(app, raise_app_exceptions=False), InProcess(app)):
        async with httpx.AsyncClient(transport=transport) as http:
            made = await http.post(
                f"{NOWHERE}/sim/his/slot-locks?a=b%20c",
                json={"lockId": "l1"},
                headers={"X-His-Key": "k"},
            )
            failed = await http.get(f"{NOWHERE}/sim/his/fails")
        answers.append([(r.status_code, r.headers.get("x-a"), r.content) for r in (made, failed)])
    assert answers[0] == answers[1]
    assert answers[1][0] == (201, "1", b'{"got":{"lockId":"l1"}}')
    assert answers[1][1][0] == 500
    assert seen[0] == seen[2]
    assert seen[1] == seen[3]
