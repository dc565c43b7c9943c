"""The simulated WeChat push answers as WeChat does: tokens, templates, acceptances, 43101."""

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
LONG = "tpl-long"
ONE_OFF = "tpl-once"
BIZSEND = "/cgi-bin/message/subscribe/bizsend"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
async def wechat(clock: FrozenClock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_wechat_app(
        clock=clock,
        app_id=APP_ID,
        app_secret=SECRET,
        templates=[LONG, ONE_OFF],
        one_off_templates=[ONE_OFF],
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wechat"
    ) as client:
        yield client


async def token(wechat: httpx.AsyncClient) -> str:
    params = {"grant_type": "client_credential", "appid": APP_ID, "secret": SECRET}
    body = (await wechat.get("/cgi-bin/token", params=params)).json()
    assert body["expires_in"] == 7200
    value: str = body["access_token"]
    return value


async def send(
    wechat: httpx.AsyncClient, access_token: str, template_id: str = LONG, path: str = BIZSEND
) -> dict[str, Any]:
    body: dict[str, Any] = (
        await wechat.post(
            path,
            params={"access_token": access_token},
            json={"touser": "o-1", "template_id": template_id, "data": {"thing1": {"value": "x"}}},
        )
    ).json()
    return body


async def test_a_wrong_secret_gets_no_token(wechat: httpx.AsyncClient) -> None:
    params = {"grant_type": "client_credential", "appid": APP_ID, "secret": "nope"}
    assert (await wechat.get("/cgi-bin/token", params=params)).json()["errcode"] == 40125


async def test_a_new_token_leaves_the_old_one_five_minutes_and_tokens_expire(
    wechat: httpx.AsyncClient, clock: FrozenClock
) -> None:
    await wechat.post("/subscribe", json={"openid": "o-1", "templateIds": [LONG]})
    old = await token(wechat)
    new = await token(wechat)
    assert (await send(wechat, old))["errcode"] == 0
    clock.advance(minutes=6)
    assert (await send(wechat, old))["errcode"] == 42001
    assert (await send(wechat, "forged"))["errcode"] == 40001
    assert (await send(wechat, new))["errcode"] == 0
    clock.advance(hours=2)
    assert (await send(wechat, new))["errcode"] == 42001


async def test_subscription_messages_need_acceptance_and_a_one_off_allows_one(
    wechat: httpx.AsyncClient,
) -> None:
    t = await token(wechat)
    assert (await send(wechat, t, ONE_OFF))["errcode"] == 43101
    await wechat.post("/subscribe", json={"openid": "o-1", "templateIds": [ONE_OFF]})
    sent = await send(wechat, t, ONE_OFF)
    assert sent["errcode"] == 0 and sent["msgid"]
    assert (await send(wechat, t, ONE_OFF))["errcode"] == 43101
    assert (await send(wechat, t, "tpl-unknown"))["errcode"] == 40037
    # Template messages need no acceptance.
    assert (await send(wechat, t, LONG, "/cgi-bin/message/template/send"))["errcode"] == 0
    received = (await wechat.get("/messages", params={"touser": "o-1"})).json()["messages"]
    assert [(m["channel"], m["templateId"]) for m in received] == [
        ("bizsend", ONE_OFF),
        ("template", LONG),
    ]
    assert (await wechat.get("/messages", params={"touser": "o-2"})).json()["messages"] == []


async def test_a_user_who_turns_a_long_term_template_off_refuses_it(
    wechat: httpx.AsyncClient,
) -> None:
    t = await token(wechat)
    await wechat.post("/subscribe", json={"openid": "o-1", "templateIds": [LONG]})
    assert (await send(wechat, t))["errcode"] == 0
    assert (await send(wechat, t))["errcode"] == 0, "long-term: as often as needed"
    await wechat.post("/subscribe", json={"openid": "o-1", "templateIds": [LONG], "reject": True})
    assert (await send(wechat, t))["errcode"] == 43101
