"""The gate in front of the simulated HIS's API: the injected faults, then the API key.

Calls that stand for people at the hospital (registering a patient, writing a report,
suspending a clinic) and the simulator's own controls pass without either.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hospital_bff.simulators.faults import fate_of_call
from hospital_bff.simulators.his.state import HisState

_ADMIN_EXACT = {
    ("GET", "/faults"),
    ("PUT", "/faults"),
    ("POST", "/reset"),
    ("GET", "/events"),
    ("POST", "/patients"),
    ("POST", "/bills"),
    ("POST", "/reports"),
    ("POST", "/window-registrations"),
    ("PUT", "/queue/pace"),
}
_ADMIN_ACTIONS = {
    ("schedules", "suspend"),
    ("registrations", "visit"),
    ("registrations", "miss"),
    ("registrations", "print-invoice"),
    ("slots", "capacity"),
}


def is_admin_path(method: str, path: str) -> bool:
    """Calls that stand for people at the hospital, not for the BFF: no key, no faults."""
    if (method, path) in _ADMIN_EXACT or path.startswith("/photos/"):
        return True
    parts = path.strip("/").split("/")
    if len(parts) == 3 and parts[0] == "schedules" and parts[2] == "queue":
        return method == "GET"  # the room's screen
    if method == "POST" and len(parts) == 4 and parts[0] == "schedules":
        return parts[2:] == ["queue", "call-next"]
    return method == "POST" and len(parts) == 3 and (parts[0], parts[2]) in _ADMIN_ACTIONS


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


class HisGate:
    """ASGI middleware: the injected faults, then the API key, in front of the BFF's calls."""

    def __init__(self, app: ASGIApp, state: HisState, api_key: str | None) -> None:
        self.app = app
        self.state = state
        self.api_key = api_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_admin_path(scope["method"], _route_path(scope)):
            await self.app(scope, receive, send)
            return
        fate = await fate_of_call(self.state.faults, self.state.random)
        if fate.refused:
            response = JSONResponse(
                {"code": "UNAVAILABLE", "message": "simulated HIS failure"}, status_code=503
            )
            await response(scope, receive, send)
            return
        if self.api_key is not None:
            given = Request(scope).headers.get("x-his-key", "")
            if not hmac.compare_digest(given.encode(), self.api_key.encode()):
                response = JSONResponse(
                    {"code": "UNAUTHORIZED", "message": "missing or wrong X-His-Key"},
                    status_code=401,
                )
                await response(scope, receive, send)
                return
        if fate.late:
            await self._late(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _late(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The HIS does the work but the answer comes too late: the caller's outcome is unknown,
        # which is exactly the case the BFF must settle by querying.
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, hold)
        await asyncio.sleep(self.state.hang_seconds)
        with contextlib.suppress(OSError, RuntimeError):
            for message in messages:
                await send(message)
