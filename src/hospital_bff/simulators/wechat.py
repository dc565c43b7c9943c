"""A simulated WeChat web authorisation (OAuth 2.0): codes for openids, from its consent page
(`wechat_oauth`) or, for tests and scripts, `POST /authorize`.

Like the real service, every answer of the token endpoint is HTTP 200; a refusal is a JSON
`{errcode, errmsg}`, so the client must look inside the body.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hospital_bff.clock import Clock
from hospital_bff.simulators.wechat_oauth import (
    DemoWechatUser,
    WebAuthScope,
    oauth_routes,
    seed_patients_as_wechat_users,
)
from hospital_bff.simulators.wechat_push import PushState, push_routes

CODE_LIFETIME = timedelta(minutes=5)
ACCESS_TOKEN_SECONDS = 7200

# The error codes of the real service that a code exchange can meet.
INVALID_APPID = (40013, "invalid appid")
INVALID_SECRET = (40125, "invalid appsecret")
INVALID_CODE = (40029, "invalid code")
CODE_USED = (40163, "code been used")
INVALID_GRANT = (40002, "invalid grant_type")
MISSING_CODE = (41008, "missing code")


@dataclass(slots=True)
class AuthorizationCode:
    """A code the user's consent produced."""

    openid: str
    expires_at: datetime
    scope: WebAuthScope = WebAuthScope.BASE
    used: bool = False


class WechatState:
    """Codes and tokens handed out so far."""

    def __init__(self, clock: Clock, app_id: str, app_secret: str) -> None:
        self.clock = clock
        self.app_id = app_id
        self.app_secret = app_secret
        self.codes: dict[str, AuthorizationCode] = {}
        self.access_tokens: dict[str, str] = {}  # token -> openid

    def authorize(self, openid: str, scope: WebAuthScope = WebAuthScope.BASE) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = AuthorizationCode(openid, self.clock.now() + CODE_LIFETIME, scope)
        return code

    def exchange(
        self, app_id: str, app_secret: str, code: str, grant_type: str
    ) -> dict[str, object]:
        if app_id != self.app_id:
            return _error(INVALID_APPID)
        if not hmac.compare_digest(app_secret.encode(), self.app_secret.encode()):
            return _error(INVALID_SECRET)
        if grant_type != "authorization_code":
            return _error(INVALID_GRANT)
        if not code:
            return _error(MISSING_CODE)
        grant = self.codes.get(code)
        if grant is None or grant.expires_at <= self.clock.now():
            return _error(INVALID_CODE)
        if grant.used:
            return _error(CODE_USED)
        grant.used = True
        token = secrets.token_urlsafe(32)
        self.access_tokens[token] = grant.openid
        return {
            "access_token": token,
            "expires_in": ACCESS_TOKEN_SECONDS,
            "refresh_token": secrets.token_urlsafe(32),
            "openid": grant.openid,
            "scope": grant.scope.value,
        }


def _error(error: tuple[int, str]) -> dict[str, object]:
    errcode, errmsg = error
    return {"errcode": errcode, "errmsg": errmsg}


def create_wechat_app(
    *,
    clock: Clock,
    app_id: str,
    app_secret: str,
    templates: Iterable[str] = (),
    one_off_templates: Iterable[str] = (),
    web_auth_domains: Iterable[str] = (),
    demo_people: bool = False,
) -> Starlette:
    """The simulated WeChat (sign-in, and the message push with the `templates` the account
    has added) as an ASGI app; its state is `app.state.wechat` and `app.state.wechat_push`.
    Its consent page redirects to `web_auth_domains` (and its own host) and, with
    `demo_people`, offers the HIS seed patients."""
    state = WechatState(clock, app_id, app_secret)

    def people() -> list[DemoWechatUser]:
        return seed_patients_as_wechat_users(clock) if demo_people else []

    push = PushState(clock, app_id, app_secret, set(templates), set(one_off_templates))

    async def authorize(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        openid = body.get("openid") if isinstance(body, dict) else None
        if not isinstance(openid, str) or not openid:
            return JSONResponse({"errcode": 41001, "errmsg": "missing openid"}, status_code=400)
        return JSONResponse({"code": state.authorize(openid)})

    async def access_token(request: Request) -> Response:
        q = request.query_params
        answer = state.exchange(
            q.get("appid", ""), q.get("secret", ""), q.get("code", ""), q.get("grant_type", "")
        )
        return JSONResponse(answer)

    app = Starlette(
        routes=[
            Route("/authorize", authorize, methods=["POST"]),
            Route("/sns/oauth2/access_token", access_token, methods=["GET"]),
            *oauth_routes(
                app_id=app_id,
                web_auth_domains=frozenset(web_auth_domains),
                issue_code=state.authorize,
                people=people,
            ),
            *push_routes(push),
        ]
    )
    app.state.wechat = state
    app.state.wechat_push = push
    return app
