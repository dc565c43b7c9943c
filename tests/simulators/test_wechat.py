"""The simulated WeChat sign-in: one-time, short-lived codes, answered the way WeChat does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.simulators.wechat import create_wechat_app

APP_ID = "wx-test"
SECRET = "wx-secret"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
async def wechat(clock: FrozenClock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_wechat_app(clock=clock, app_id=APP_ID, app_secret=SECRET)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wechat"
    ) as client:
        yield client


async def authorize(wechat: httpx.AsyncClient, openid: str = "o-alice") -> str:
    code: str = (await wechat.post("/authorize", json={"openid": openid})).json()["code"]
    return code


async def exchange(
    wechat: httpx.AsyncClient, code: str, *, appid: str = APP_ID, secret: str = SECRET
) -> tuple[int, dict[str, Any]]:
    response = await wechat.get(
        "/sns/oauth2/access_token",
        params={
            "appid": appid,
            "secret": secret,
            "code": code,
            "grant_type": "authorization_code",
        },
    )
    return response.status_code, response.json()


async def test_a_code_gives_the_openid_once(wechat: httpx.AsyncClient) -> None:
    code = await authorize(wechat)

    status, first = await exchange(wechat, code)
    _, second = await exchange(wechat, code)

    assert status == 200
    assert first["openid"] == "o-alice"
    assert (first["expires_in"], first["scope"]) == (7200, "snsapi_base")
    assert first["access_token"]
    assert first["refresh_token"]
    assert second["errcode"] == 40163  # WeChat's "code been used"


async def test_a_code_lasts_five_minutes(wechat: httpx.AsyncClient, clock: FrozenClock) -> None:
    fresh, stale = await authorize(wechat), await authorize(wechat)
    clock.advance(minutes=4, seconds=59)
    _, ok = await exchange(wechat, fresh)
    clock.advance(seconds=1)
    status, expired = await exchange(wechat, stale)

    assert ok["openid"] == "o-alice"
    assert (status, expired) == (200, {"errcode": 40029, "errmsg": "invalid code"})


async def test_an_unknown_code_is_invalid(wechat: httpx.AsyncClient) -> None:
    _, answer = await exchange(wechat, "made-up")
    assert answer["errcode"] == 40029


async def test_a_wrong_secret_or_app_is_refused_without_spending_the_code(
    wechat: httpx.AsyncClient,
) -> None:
    code = await authorize(wechat)
    _, wrong_secret = await exchange(wechat, code, secret="guess")
    _, wrong_app = await exchange(wechat, code, appid="wx-other")
    _, right = await exchange(wechat, code)

    assert wrong_secret["errcode"] == 40125
    assert wrong_app["errcode"] == 40013
    assert right["openid"] == "o-alice"


async def test_authorize_needs_an_openid(wechat: httpx.AsyncClient) -> None:
    assert (await wechat.post("/authorize", json={})).status_code == 400
