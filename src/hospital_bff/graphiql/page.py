"""The GraphiQL page and its files, from the package: nothing is loaded from another host.

The page carries no inline script (its settings are a JSON data block), so its Content Security
Policy allows scripts from this server only. In demo mode it offers a "Sign in (demo)" that goes
through the simulated WeChat's consent page (`simulators/wechat_oauth.py`) and comes back here
with a code, which the page exchanges with `signIn` for a token in the headers editor.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from hospital_bff.config import Settings

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/graphiql"

# The vendored release, in load order (static/vendor/README.md says where each came from).
VENDOR_STYLES = (
    "vendor/graphiql-4.1.2.min.css",
    "vendor/graphiql-plugin-explorer-4.0.6.min.css",
)
VENDOR_SCRIPTS = (
    "vendor/react-18.3.1.production.min.js",
    "vendor/react-dom-18.3.1.production.min.js",
    "vendor/graphiql-4.1.2.min.js",
    "vendor/graphiql-plugin-explorer-4.0.6.min.js",
    "vendor/graphql-ws-6.4.2.min.js",
)
OWN_STYLES = ("bff-graphiql.css",)
OWN_SCRIPTS = ("bff-graphiql.js",)

# Scripts from this server only; GraphiQL's editors and React set inline styles, and its CSS
# carries its fonts and icons as data: URLs. 'self' covers the same-origin WebSocket.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    # The demo sign-in's one-time code is in the address until the page takes it away.
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
}


def static_files() -> Mount:
    """The page's scripts and styles, under STATIC_PATH."""
    return Mount(STATIC_PATH, app=StaticFiles(directory=STATIC_DIR), name="graphiql")


def demo_sign_in(settings: Settings) -> dict[str, str] | None:
    """Where the page sends a developer to sign in, or None outside demo mode."""
    if settings.env != "demo":
        return None
    # The browser follows this link, so it needs the browser's address of the simulators, not
    # the one this server calls them at (in compose, `sim:8100` resolves only inside).
    base = settings.wechat_web_url or (
        "/sim/wechat" if settings.embedded_simulators else settings.wechat_base_url
    )
    return {
        "authorizeUrl": f"{base.rstrip('/')}/connect/oauth2/authorize",
        "appId": settings.wechat_app_id,
    }


def page_config(request: Request, settings: Settings) -> dict[str, Any]:
    """What bff-graphiql.js reads: the endpoint (HTTP and WebSocket) and the demo sign-in."""
    return {"endpoint": request.url.path, "demoSignIn": demo_sign_in(settings)}


def render_page(request: Request, settings: Settings) -> HTMLResponse:
    """The GraphiQL page for this request."""
    config = json.dumps(page_config(request, settings), ensure_ascii=False)
    # A JSON data block ends at the first "</script"; "<" as \u003c keeps it whole.
    config = config.replace("<", "\\u003c")
    styles = "".join(
        f'<link rel="stylesheet" href="{_url(name)}">' for name in (*VENDOR_STYLES, *OWN_STYLES)
    )
    scripts = "".join(
        f'<script src="{_url(name)}"></script>' for name in (*VENDOR_SCRIPTS, *OWN_SCRIPTS)
    )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<title>hospital-bff · GraphiQL</title><link rel="icon" href="data:,">'
        f"{styles}</head><body>"
        '<div id="graphiql">Loading GraphiQL…</div>'
        f'<script id="bff-graphiql-config" type="application/json">{config}</script>'
        f"{scripts}</body></html>"
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


def _url(name: str) -> str:
    return html.escape(f"{STATIC_PATH}/{name}")
