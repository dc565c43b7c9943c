"""The simulated WeChat's web authorisation page (公众号网页授权, step one: the user agrees).

Only the shape WeChat publishes: `GET /connect/oauth2/authorize?appid&redirect_uri&response_type=
code&scope=snsapi_base|snsapi_userinfo&state` (the `#wechat_redirect` fragment never reaches a
server), and on consent a redirect to `redirect_uri?code=CODE&state=STATE`; the code is then
exchanged at `/sns/oauth2/access_token` as any other. Like WeChat, the redirect goes only to a
domain the account registered (网页授权域名; any port), else error 10003.

On a phone WeChat knows who is signed in; here the page asks, listing the demo people (the HIS
seed patients, each a WeChat user of their own) and taking any other openid, so that a developer
in GraphiQL signs in as a demo patient in two clicks.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from hospital_bff.clock import Clock

AUTHORIZE_PATH = "/connect/oauth2/authorize"
# WeChat keeps `state` to a-zA-Z0-9, at most 128 bytes; the simulator only bounds its length.
MAX_STATE_LENGTH = 128
MAX_OPENID_LENGTH = 128


class WebAuthScope(StrEnum):
    """The scopes of an official account's web authorisation."""

    BASE = "snsapi_base"
    USERINFO = "snsapi_userinfo"


# The errors WeChat's authorisation page shows for a malformed link.
REDIRECT_DOMAIN_MISMATCH = (10003, "redirect_uri域名与后台配置不一致")
SCOPE_NOT_PERMITTED = (10005, "此公众号并没有这些scope的权限")
BAD_REQUEST_FORMAT = (10008, "请求参数格式错误")
SCOPE_MISSING = (10010, "scope不能为空")
REDIRECT_MISSING = (10011, "redirect_uri不能为空")
APPID_MISSING = (10012, "appid不能为空")


@dataclass(frozen=True, slots=True)
class DemoWechatUser:
    """A WeChat user the simulator offers on its page, and what to verify them with."""

    openid: str
    name: str
    id_number: str
    phone: str | None


@dataclass(frozen=True, slots=True)
class AuthorizeRequest:
    """A well-formed authorisation link."""

    redirect_uri: str
    scope: WebAuthScope
    state: str

    def redirect_with(self, code: str) -> str:
        """`redirect_uri` with `code` and `state` added to its own query, as WeChat does."""
        parts = urlsplit(self.redirect_uri)
        query = [*parse_qsl(parts.query, keep_blank_values=True), ("code", code)]
        query.append(("state", self.state))
        return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


class AuthorizeRefused(Exception):
    """A malformed authorisation link: WeChat's error page, never a redirect."""

    def __init__(self, error: tuple[int, str]) -> None:
        super().__init__(error[1])
        self.errcode, self.errmsg = error


def read_authorize_request(
    params: dict[str, str], *, app_id: str, web_auth_domains: frozenset[str]
) -> AuthorizeRequest:
    """The link's parameters checked as WeChat checks them; AuthorizeRefused otherwise."""
    if not params.get("appid"):
        raise AuthorizeRefused(APPID_MISSING)
    if params["appid"] != app_id or params.get("response_type") != "code":
        raise AuthorizeRefused(BAD_REQUEST_FORMAT)
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri:
        raise AuthorizeRefused(REDIRECT_MISSING)
    target = urlsplit(redirect_uri)
    if target.scheme not in ("http", "https") or target.hostname not in web_auth_domains:
        raise AuthorizeRefused(REDIRECT_DOMAIN_MISMATCH)
    scope = params.get("scope", "")
    if not scope:
        raise AuthorizeRefused(SCOPE_MISSING)
    if scope not in {s.value for s in WebAuthScope}:
        raise AuthorizeRefused(SCOPE_NOT_PERMITTED)
    state = params.get("state", "")
    if len(state) > MAX_STATE_LENGTH:
        raise AuthorizeRefused(BAD_REQUEST_FORMAT)
    return AuthorizeRequest(redirect_uri, WebAuthScope(scope), state)


def oauth_routes(
    *,
    app_id: str,
    web_auth_domains: frozenset[str],
    issue_code: Callable[[str, WebAuthScope], str],
    people: Callable[[], Sequence[DemoWechatUser]],
) -> list[Route]:
    """GET shows who may sign in; POST (one click) is that user agreeing."""

    def link(request: Request, params: dict[str, str]) -> AuthorizeRequest:
        # The page's own host is always registered: the simulator is the BFF's in a demo.
        domains = web_auth_domains | {request.url.hostname or ""}
        return read_authorize_request(params, app_id=app_id, web_auth_domains=domains)

    async def page(request: Request) -> Response:
        params = dict(request.query_params)
        try:
            asked = link(request, params)
        except AuthorizeRefused as exc:
            return _error_page(exc)
        return _html(_consent_page(params, asked, people()))

    async def agree(request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        try:
            asked = link(request, form)
        except AuthorizeRefused as exc:
            return _error_page(exc)
        openid = form.get("openid", "").strip()
        if not openid or len(openid) > MAX_OPENID_LENGTH:
            return _error_page(AuthorizeRefused(BAD_REQUEST_FORMAT))
        return RedirectResponse(asked.redirect_with(issue_code(openid, asked.scope)), 303)

    return [
        Route(AUTHORIZE_PATH, page, methods=["GET"]),
        Route(AUTHORIZE_PATH, agree, methods=["POST"]),
    ]


def seed_patients_as_wechat_users(clock: Clock) -> list[DemoWechatUser]:
    """The HIS seed patients of today (their ID numbers follow the date), one openid each."""
    from hospital_bff.simulators.his.seed import build_seed

    seed = build_seed(clock.today(), clock.tz)
    return [
        DemoWechatUser(f"o-demo-{p.id}", p.name, p.id_number, p.phone)
        for p in seed.patients.values()
    ]


# The page is the simulator's own: no script, and nothing it loads from elsewhere.
_PAGE_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def _html(body: str, status: int = 200) -> HTMLResponse:
    page = (
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        "<title>微信授权 (模拟)</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}"
        "button{display:block;width:100%;margin:.5rem 0;padding:.8rem;font-size:1rem;"
        "text-align:left;border:1px solid #ccc;border-radius:6px;background:#f7f7f7;"
        "cursor:pointer}button:hover{background:#e8f6ec}small{color:#666}"
        "</style></head><body>" + body + "</body></html>"
    )
    return HTMLResponse(page, status_code=status, headers=_PAGE_HEADERS)


def _error_page(exc: AuthorizeRefused) -> HTMLResponse:
    return _html(
        "<h1>Oops! Something went wrong:(</h1>"
        f"<p id='errcode'>{exc.errcode}</p><p id='errmsg'>{html.escape(exc.errmsg)}</p>",
        status=400,
    )


def _consent_page(
    params: dict[str, str], asked: AuthorizeRequest, people: Sequence[DemoWechatUser]
) -> str:
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(key)}' value='{html.escape(params[key])}'>"
        for key in ("appid", "redirect_uri", "response_type", "scope", "state")
        if key in params
    )
    target = html.escape(urlsplit(asked.redirect_uri).netloc)
    buttons = "".join(
        f"<button name='openid' value='{html.escape(p.openid)}'><b>{html.escape(p.name)}</b> "
        f"<small>{html.escape(p.openid)}<br>身份证 {html.escape(p.id_number)}"
        f"{' · 手机 ' + html.escape(p.phone) if p.phone else ''}</small></button>"
        for p in people
    )
    return (
        "<h1>微信授权 (模拟)</h1>"
        f"<p>{target} 申请获得你的公开信息 ({html.escape(asked.scope)})。你是谁？"
        "<br><small>Simulated WeChat: pick who you are; the page returns to the app with a "
        "one-time code.</small></p>"
        f"<form method='post'>{hidden}{buttons}</form>"
        f"<form method='post'>{hidden}<p><label>其他 openid / another openid "
        "<input name='openid' value='o-demo' required maxlength='128'></label> "
        "<input type='submit' value='授权 / Allow'></p></form>"
    )
