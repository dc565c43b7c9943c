"""The WeChat client against the simulator: a code becomes an openid, or a typed refusal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
import respx
from starlette.applications import Starlette

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.errors import UpstreamRejected, WechatUnavailable
from hospital_bff.datasources.wechat import WechatClient, WechatCodeRejected
from hospital_bff.simulators.wechat import create_wechat_app

APP_ID = "wx-test"
SECRET = "wx-secret"
BASE = "http://wechat.test"


@pytest.fixture
def wechat_app() -> Starlette:
    clock = FrozenClock(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    return create_wechat_app(clock=clock, app_id=APP_ID, app_secret=SECRET)


@pytest.fixture
async def http(wechat_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=wechat_app)) as client:
        yield client


async def consent(http: httpx.AsyncClient, openid: str) -> str:
    code: str = (await http.post(f"{BASE}/authorize", json={"openid": openid})).json()["code"]
    return code


async def test_a_code_becomes_an_identity(http: httpx.AsyncClient) -> None:
    client = WechatClient(http, BASE, app_id=APP_ID, app_secret=SECRET)
    identity = await client.exchange_code(await consent(http, "o-bob"))
    assert identity.openid == "o-bob"
    assert identity.scope == "snsapi_base"


async def test_a_spent_code_is_rejected(http: httpx.AsyncClient) -> None:
    client = WechatClient(http, BASE, app_id=APP_ID, app_secret=SECRET)
    code = await consent(http, "o-bob")
    await client.exchange_code(code)

    with pytest.raises(WechatCodeRejected) as rejected:
        await client.exchange_code(code)

    assert rejected.value.errcode == 40163
    assert isinstance(rejected.value, UpstreamRejected)
    assert rejected.value.system == "wechat"


async def test_a_wrong_secret_is_rejected(http: httpx.AsyncClient) -> None:
    client = WechatClient(http, BASE, app_id=APP_ID, app_secret="wrong")
    with pytest.raises(WechatCodeRejected) as rejected:
        await client.exchange_code(await consent(http, "o-bob"))
    assert (rejected.value.errcode, rejected.value.code) == (40125, "40125")


async def test_an_outage_is_unavailable_and_not_retried() -> None:
    async with httpx.AsyncClient() as plain:
        with respx.mock(base_url=BASE) as mock:
            route = mock.get("/sns/oauth2/access_token").mock(return_value=httpx.Response(502))
            client = WechatClient(plain, BASE, app_id=APP_ID, app_secret=SECRET)
            with pytest.raises(WechatUnavailable):
                await client.exchange_code("c")
    assert route.call_count == 1
