"""The client of WeChat's message push: official-account subscription notices (bizsend),
template messages, and mini-program subscription messages, over one shared access token.

Every answer is HTTP 200 with `{errcode, errmsg[, msgid]}`. Error tree:

    UpstreamRejected
     └── WechatApiError           errcode != 0 (40037 bad template, 40003 bad openid, ...)
          └── WechatPushRefused   43101: the user has not accepted (or used up) the template
    UpstreamUnavailable
     └── WechatUnavailable        no answer, 5xx; UpstreamTimeout: the outcome is unknown
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import httpx
import redis.asyncio as aioredis
from pydantic import BaseModel, ConfigDict

from hospital_bff.datasources.errors import UpstreamTimeout, WechatUnavailable
from hospital_bff.datasources.http import CircuitBreaker, JsonClient
from hospital_bff.datasources.wechat import WechatApiError
from hospital_bff.datasources.wechat_token import AccessTokenStore

TOKEN_INVALID = 40001
TOKEN_EXPIRED = 42001
USER_REFUSED = 43101


class PushChannel(StrEnum):
    """Which of WeChat's push APIs carries notices (`BFF_WECHAT_PUSH`)."""

    BIZSEND = "bizsend"
    TEMPLATE = "template"
    MINIPROGRAM = "miniprogram"

    @property
    def needs_acceptance(self) -> bool:
        """Subscription messages need the user's acceptance; template messages do not."""
        return self is not PushChannel.TEMPLATE


PUSH_PATHS = {
    PushChannel.BIZSEND: "/cgi-bin/message/subscribe/bizsend",
    PushChannel.TEMPLATE: "/cgi-bin/message/template/send",
    PushChannel.MINIPROGRAM: "/cgi-bin/message/subscribe/send",
}


class PushReceipt(BaseModel):
    """WeChat took the message."""

    model_config = ConfigDict(frozen=True, extra="ignore", coerce_numbers_to_str=True)

    msgid: str | None = None


class WechatPushRefused(WechatApiError):
    """43101: the user refused the message (not subscribed, or a one-off used up)."""


def _raise_for_errcode(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise WechatUnavailable("wechat answered no JSON object", system="wechat")
    errcode = int(data.get("errcode") or 0)
    if errcode == USER_REFUSED:
        raise WechatPushRefused(errcode, str(data.get("errmsg", "")))
    if errcode:
        raise WechatApiError(errcode, str(data.get("errmsg", "")))
    return data


class WechatPushClient(JsonClient):
    """Sends one notice to one openid through the configured channel."""

    unavailable = WechatUnavailable
    system = "wechat"

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        redis: aioredis.Redis,
        app_id: str,
        app_secret: str,
        timeout: float = 3.0,
        breaker: CircuitBreaker | None = None,
        refresh_margin_seconds: int = 300,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            http,
            base_url,
            timeout=timeout,
            read_retries=1,
            breaker=breaker or CircuitBreaker(self.system, 5, 10.0),
            headers=headers,
        )
        self.app_id = app_id
        self.app_secret = app_secret
        self.tokens = AccessTokenStore(
            redis, app_id, self._fetch_token, refresh_margin_seconds=refresh_margin_seconds
        )

    async def _fetch_token(self) -> tuple[str, int]:
        params = {
            "grant_type": "client_credential",
            "appid": self.app_id,
            "secret": self.app_secret,
        }
        data = _raise_for_errcode(
            await self.request(
                "GET",
                "/cgi-bin/token",
                params=params,
                # Each answer is a new token that voids the last: a retry after a lost answer
                # would void the one another process may already hold.
                idempotent=False,
            )
        )
        return str(data["access_token"]), int(data["expires_in"])

    async def _token(self) -> str:
        try:
            return await self.tokens.get()
        except UpstreamTimeout as exc:
            # No message has gone out yet: unlike a send's timeout, safe to try again.
            raise WechatUnavailable(str(exc), system=self.system) from exc

    async def send(
        self,
        channel: PushChannel,
        *,
        openid: str,
        template_id: str,
        data: Mapping[str, str],
        page: str | None = None,
        miniprogram_app_id: str | None = None,
    ) -> PushReceipt:
        """Send one message; a token WeChat calls invalid or expired is replaced once."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
        }
        if channel is PushChannel.TEMPLATE:
            if miniprogram_app_id and page:
                body["miniprogram"] = {"appid": miniprogram_app_id, "pagepath": page}
            elif page:
                body["url"] = page
        elif page:
            body["page"] = page
        for attempt in (1, 2):
            token = await self._token()
            try:
                # Never retried by the client: a lost answer may mean a sent message.
                answer = await self.request(
                    "POST",
                    PUSH_PATHS[channel],
                    params={"access_token": token},
                    json=body,
                    idempotent=False,
                )
                return PushReceipt.model_validate(_raise_for_errcode(answer))
            except WechatApiError as exc:
                if exc.errcode in (TOKEN_INVALID, TOKEN_EXPIRED) and attempt == 1:
                    await self.tokens.invalidate(token)
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover
