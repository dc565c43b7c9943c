"""The client of WeChat's web authorisation: a one-time code in, the user's openid out."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from pydantic import BaseModel, ConfigDict

from hospital_bff.datasources.errors import UpstreamRejected, WechatUnavailable
from hospital_bff.datasources.http import CircuitBreaker, JsonClient


class WechatIdentity(BaseModel):
    """Who signed in: the openid, with the tokens WeChat issued alongside it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    openid: str
    access_token: str
    expires_in: int
    refresh_token: str
    scope: str
    unionid: str | None = None


class WechatApiError(UpstreamRejected):
    """WeChat answered an errcode; `errcode` is WeChat's own."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(str(errcode), errmsg, system="wechat")
        self.errcode = errcode
        self.errmsg = errmsg


class WechatCodeRejected(WechatApiError):
    """WeChat refused the code (or our app ID or secret)."""


class WechatClient(JsonClient):
    """Exchanges sign-in codes for identities."""

    unavailable = WechatUnavailable
    system = "wechat"

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        app_id: str,
        app_secret: str,
        timeout: float = 3.0,
        breaker: CircuitBreaker | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            http,
            base_url,
            timeout=timeout,
            read_retries=0,
            breaker=breaker or CircuitBreaker(self.system, 5, 10.0),
            headers=headers,
        )
        self.app_id = app_id
        self.app_secret = app_secret

    async def exchange_code(self, code: str) -> WechatIdentity:
        params = {
            "appid": self.app_id,
            "secret": self.app_secret,
            "code": code,
            "grant_type": "authorization_code",
        }
        # Never retried although a GET: the code is good once, so a retry after a lost answer
        # can only fail; the user signs in again instead.
        data = await self.request(
            "GET", "/sns/oauth2/access_token", params=params, idempotent=False
        )
        if not isinstance(data, dict):
            raise WechatUnavailable("wechat answered no JSON object", system=self.system)
        if data.get("errcode"):
            raise WechatCodeRejected(int(data["errcode"]), str(data.get("errmsg", "")))
        return WechatIdentity.model_validate(data)
