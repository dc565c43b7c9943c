"""The patient's H5 page (`web/`, built by `npm run build` into `static/`), served at /h5/.

It is the reference client of the API: a demo aid like GraphiQL, on in demo mode and off in
production unless BFF_H5_PAGE is set. A hospital would rather build it for its CDN (see
web/README.md); the server serves it only when the built files are here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PATH = "/h5"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# Vite names every built script and style by its content's hash: a name never changes meaning.
ASSETS = "/assets/"  # under the mount

# The page's scripts and styles come from this server only and it has no inline script or
# style; it talks to /graphql over HTTP and WebSocket on the same origin ('self' covers the
# same-origin ws:/wss:). A CDN build is served by the CDN, which sets its own policy.
CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
_ALWAYS: Final = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    # The sign-in's one-time code is in the address until the page takes it away.
    (b"referrer-policy", b"no-referrer"),
)
# index.html names the current build's files: always asked again (a 304 when unchanged), so a
# new release reaches phones at once; the hashed files themselves never change.
_PAGE_CACHE: Final = b"no-cache"
_ASSET_CACHE: Final = b"public, max-age=31536000, immutable"


class _PageHeaders:
    """Pure ASGI around the static files: the page's security and caching headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, root = scope["path"], scope.get("root_path", "")
        asset = path.removeprefix(root).startswith(ASSETS)
        cache_control = _ASSET_CACHE if asset else _PAGE_CACHE

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _ALWAYS:
                    headers.append(name.decode(), value.decode())
                if message["status"] in (200, 304):
                    headers["cache-control"] = cache_control.decode()
                else:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def h5_page() -> Mount | None:
    """The built page at /h5/ (index.html for the directory), or None when it is not built."""
    if not (STATIC_DIR / "index.html").is_file():
        return None
    files = StaticFiles(directory=STATIC_DIR, html=True)
    return Mount(PATH, app=_PageHeaders(files), name="h5")
