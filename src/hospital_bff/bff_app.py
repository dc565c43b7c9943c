"""The ASGI application `create_app` builds: Starlette with a front door for the response cache,
a short way to the embedded simulators, and a count of the HTTP requests in flight."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from starlette.applications import Starlette
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from hospital_bff.gc_pauses import QuietCollections


class BffApp(Starlette):
    """Starlette with a front door: `front`, when set, sees every request before Starlette's
    own stack (its error middleware, the user middleware, the router) and passes on what it
    does not answer to `behind_front`. The response cache answers a kept request there, at
    the cost of one ASGI call instead of three (bench/catalogue.py).

    The embedded simulators' HTTP requests (`/sim/NAME/...`) go past all of it to the
    simulator, as `hospital-bff sim` serves them: they stand for other systems, so none of
    the BFF's own doors, gzip or request ids is theirs, and a booking's three HIS calls no
    longer cost three passes through the BFF's middleware (bench/booking_burst.py)."""

    front: ASGIApp | None = None
    # Counts the HTTP requests in flight, which time the garbage collections (gc_pauses.py).
    quiet: QuietCollections | None = None
    # The simulators' Mounts by name (also in the router, for anything that walks it).
    simulators: Mapping[str, Mount] = MappingProxyType({})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.simulators and scope["type"] == "http" and scope["path"].startswith("/sim/"):
            mount = self.simulators.get(scope["path"][5:].split("/", 1)[0])
            if mount is not None:
                match, child_scope = mount.matches(scope)
                if match is Match.FULL:
                    scope.update(child_scope)
                    await mount.handle(scope, receive, send)
                    return
        serve = super().__call__ if self.front is None else self.front
        quiet = self.quiet
        if quiet is None or scope["type"] != "http":
            await serve(scope, receive, send)
            return
        quiet.enter()
        try:
            await serve(scope, receive, send)
        finally:
            quiet.leave()

    async def behind_front(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)
