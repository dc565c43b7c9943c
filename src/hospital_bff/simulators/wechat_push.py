"""A simulated WeChat message push: the access token (`GET /cgi-bin/token`), subscription
notices (`POST /cgi-bin/message/subscribe/bizsend`, mini-program
`/cgi-bin/message/subscribe/send`) and template messages (`/cgi-bin/message/template/send`).

As in the real service: every answer is HTTP 200 with `{errcode, errmsg}`; a new token
leaves the previous one valid for five more minutes only; a subscription message needs the
user's acceptance of its template (long-term, or one message per one-off acceptance) and is
refused with 43101 otherwise; template messages need none. What the user does inside WeChat
(accepting in the subscribe prompt) and what a test needs to see (the messages received,
faults) are under routes of the simulator's own, listed in the shared contract.
"""

from __future__ import annotations

import hmac
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hospital_bff.clock import Clock

ACCESS_TOKEN_SECONDS = 7200
OLD_TOKEN_GRACE = timedelta(minutes=5)

INVALID_APPID = (40013, "invalid appid")
INVALID_SECRET = (40125, "invalid appsecret")
INVALID_GRANT = (40002, "invalid grant_type")
MISSING_TOKEN = (41001, "access_token missing")
INVALID_TOKEN = (40001, "invalid credential, access_token is invalid or not latest")
EXPIRED_TOKEN = (42001, "access_token expired")
INVALID_OPENID = (40003, "invalid openid")
INVALID_TEMPLATE = (40037, "invalid template_id")
INVALID_DATA = (47003, "argument invalid! data.value invalid")
USER_REFUSED = (43101, "user refuse to accept the msg")

SUBSCRIPTION_CHANNELS = {"bizsend", "miniprogram"}


@dataclass(slots=True)
class ReceivedMessage:
    """A message WeChat took, as the phone of `touser` would show it."""

    msgid: int
    channel: str
    touser: str
    template_id: str
    data: dict[str, Any]
    page: str | None
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "msgid": self.msgid,
            "channel": self.channel,
            "touser": self.touser,
            "templateId": self.template_id,
            "data": self.data,
            "page": self.page,
            "at": self.at.isoformat(),
        }


@dataclass
class PushState:
    """Tokens, templates, users' acceptances and the messages received."""

    clock: Clock
    app_id: str
    app_secret: str
    templates: set[str]
    one_off: set[str]
    tokens: dict[str, datetime] = field(default_factory=dict)  # token -> expires at
    long_term: set[tuple[str, str]] = field(default_factory=set)  # (openid, template)
    one_off_left: dict[tuple[str, str], int] = field(default_factory=dict)
    messages: list[ReceivedMessage] = field(default_factory=list)
    error_rate: float = 0.0
    token_fetches: int = 0

    def issue_token(self, app_id: str, secret: str, grant_type: str) -> dict[str, Any]:
        if grant_type != "client_credential":
            return _error(INVALID_GRANT)
        if app_id != self.app_id:
            return _error(INVALID_APPID)
        if not hmac.compare_digest(secret.encode(), self.app_secret.encode()):
            return _error(INVALID_SECRET)
        now = self.clock.now()
        for old, expires in self.tokens.items():
            self.tokens[old] = min(expires, now + OLD_TOKEN_GRACE)
        token = secrets.token_urlsafe(32)
        self.tokens[token] = now + timedelta(seconds=ACCESS_TOKEN_SECONDS)
        self.token_fetches += 1
        return {"access_token": token, "expires_in": ACCESS_TOKEN_SECONDS}

    def check_token(self, token: str) -> tuple[int, str] | None:
        if not token:
            return MISSING_TOKEN
        expires = self.tokens.get(token)
        if expires is None:
            return INVALID_TOKEN
        if expires <= self.clock.now():
            return EXPIRED_TOKEN
        return None

    def accept(self, openid: str, template_ids: Iterable[str], *, reject: bool) -> None:
        for tid in template_ids:
            key = (openid, tid)
            if reject:
                self.long_term.discard(key)
                self.one_off_left.pop(key, None)
            elif tid in self.one_off:
                self.one_off_left[key] = self.one_off_left.get(key, 0) + 1
            else:
                self.long_term.add(key)

    def send(self, channel: str, token: str, body: Any) -> dict[str, Any]:
        bad_token = self.check_token(token)
        if bad_token is not None:
            return _error(bad_token)
        if not isinstance(body, dict):
            return _error(INVALID_DATA)
        touser, tid, data = body.get("touser"), body.get("template_id"), body.get("data")
        if not isinstance(touser, str) or not touser:
            return _error(INVALID_OPENID)
        if tid not in self.templates:
            return _error(INVALID_TEMPLATE)
        assert isinstance(tid, str)
        if not isinstance(data, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("value"), str) for v in data.values()
        ):
            return _error(INVALID_DATA)
        if channel in SUBSCRIPTION_CHANNELS:
            key = (touser, tid)
            if key in self.long_term:
                pass
            elif self.one_off_left.get(key, 0) > 0:
                self.one_off_left[key] -= 1
            else:
                return _error(USER_REFUSED)
        page = body.get("page") or body.get("url")
        msgid = random.randint(10**9, 10**12)
        self.messages.append(
            ReceivedMessage(msgid, channel, touser, tid, data, page, self.clock.now())
        )
        return {"errcode": 0, "errmsg": "ok", "msgid": msgid}


def _error(error: tuple[int, str]) -> dict[str, Any]:
    errcode, errmsg = error
    return {"errcode": errcode, "errmsg": errmsg}


async def _json_body(request: Request) -> Any:
    """The request's JSON, or None when it is not JSON (each endpoint says what it wanted)."""
    try:
        return await request.json()
    except ValueError:
        return None


def push_routes(state: PushState) -> list[Route]:
    """The endpoints, to mount in the WeChat simulator's app."""

    def _down() -> Response | None:
        if state.error_rate and random.random() < state.error_rate:
            return JSONResponse({"errcode": -1, "errmsg": "system error"}, status_code=503)
        return None

    async def token(request: Request) -> Response:
        q = request.query_params
        return _down() or JSONResponse(
            state.issue_token(q.get("appid", ""), q.get("secret", ""), q.get("grant_type", ""))
        )

    def sender(channel: str) -> Any:
        async def send(request: Request) -> Response:
            down = _down()
            if down is not None:
                return down
            body = await _json_body(request)
            token = request.query_params.get("access_token", "")
            return JSONResponse(state.send(channel, token, body))

        return send

    async def subscribe(request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            return JSONResponse(_error(INVALID_DATA), status_code=400)
        openid, tids = body.get("openid"), body.get("templateIds")
        if (
            not isinstance(openid, str)
            or not openid
            or not isinstance(tids, list)
            or not all(t in state.templates for t in tids)
        ):
            return JSONResponse(_error(INVALID_TEMPLATE), status_code=400)
        state.accept(openid, tids, reject=bool(body.get("reject")))
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    async def messages(request: Request) -> Response:
        touser = request.query_params.get("touser")
        found = [m.to_json() for m in state.messages if touser is None or m.touser == touser]
        return JSONResponse({"messages": found})

    async def faults(request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            return JSONResponse(_error(INVALID_DATA), status_code=400)
        if "errorRate" in body:
            state.error_rate = float(body["errorRate"])
        if body.get("revokeTokens"):
            state.tokens.clear()
        return JSONResponse({"errorRate": state.error_rate})

    return [
        Route("/cgi-bin/token", token, methods=["GET"]),
        Route("/cgi-bin/message/subscribe/bizsend", sender("bizsend"), methods=["POST"]),
        Route("/cgi-bin/message/subscribe/send", sender("miniprogram"), methods=["POST"]),
        Route("/cgi-bin/message/template/send", sender("template"), methods=["POST"]),
        Route("/subscribe", subscribe, methods=["POST"]),
        Route("/messages", messages, methods=["GET"]),
        Route("/faults", faults, methods=["PUT"]),
    ]
