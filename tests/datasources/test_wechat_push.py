"""The WeChat push client: one shared access token, refreshed once on 40001, by one process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import fakeredis
import httpx
import pytest
import respx

from hospital_bff.datasources.errors import UpstreamTimeout, UpstreamUnavailable
from hospital_bff.datasources.wechat_push import (
    PushChannel,
    WechatApiError,
    WechatPushClient,
    WechatPushRefused,
)

BASE = "http://wechat.test"


@pytest.fixture
async def redis() -> AsyncIterator[fakeredis.FakeAsyncRedis]:
    r = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(), decode_responses=True)
    yield r
    await r.aclose()


def make_client(http: httpx.AsyncClient, redis: fakeredis.FakeAsyncRedis) -> WechatPushClient:
    return WechatPushClient(http, BASE, redis=redis, app_id="wx-a", app_secret="s")


def token_route(router: respx.Router, *tokens: str) -> respx.Route:
    return router.get(f"{BASE}/cgi-bin/token").mock(
        side_effect=[
            httpx.Response(200, json={"access_token": t, "expires_in": 7200}) for t in tokens
        ]
    )


async def test_the_token_is_fetched_once_and_kept_in_redis_with_its_expiry(
    redis: fakeredis.FakeAsyncRedis,
) -> None:
    async with respx.mock(assert_all_called=True) as router, httpx.AsyncClient() as http:
        fetch = token_route(router, "T1")
        send = router.post(f"{BASE}/cgi-bin/message/subscribe/bizsend").respond(
            200, json={"errcode": 0, "errmsg": "ok", "msgid": 42}
        )
        client = make_client(http, redis)
        for _ in range(3):
            receipt = await client.send(
                PushChannel.BIZSEND, openid="o1", template_id="t", data={"thing1": "x"}
            )
        assert receipt.msgid == "42"
        assert fetch.call_count == 1
        assert all(c.request.url.params["access_token"] == "T1" for c in send.calls)
        ttl = await redis.ttl("wechat:access_token:wx-a")
        assert 0 < ttl <= 7200 - 300, "stored with an expiry shortened by the refresh margin"
        # A second process (another client over the same Redis) does not fetch.
        await make_client(http, redis).tokens.get()
        assert fetch.call_count == 1


@pytest.mark.parametrize("errcode", [40001, 42001])
async def test_a_token_wechat_calls_invalid_is_refreshed_once_and_the_send_repeated(
    redis: fakeredis.FakeAsyncRedis, errcode: int
) -> None:
    async with respx.mock() as router, httpx.AsyncClient() as http:
        fetch = token_route(router, "OLD", "NEW", "NEWER")
        send = router.post(f"{BASE}/cgi-bin/message/template/send").mock(
            side_effect=[
                httpx.Response(200, json={"errcode": errcode, "errmsg": "invalid credential"}),
                httpx.Response(200, json={"errcode": 0, "errmsg": "ok", "msgid": 7}),
            ]
        )
        client = make_client(http, redis)
        receipt = await client.send(
            PushChannel.TEMPLATE, openid="o1", template_id="t", data={"k": "v"}, page="https://h/p"
        )
        assert receipt.msgid == "7"
        assert fetch.call_count == 2
        assert [c.request.url.params["access_token"] for c in send.calls] == ["OLD", "NEW"]
        assert await redis.get("wechat:access_token:wx-a") == "NEW"


async def test_a_second_invalid_token_answer_is_an_error_not_a_loop(
    redis: fakeredis.FakeAsyncRedis,
) -> None:
    async with respx.mock() as router, httpx.AsyncClient() as http:
        fetch = token_route(router, "A", "B", "C")
        router.post(f"{BASE}/cgi-bin/message/subscribe/send").respond(
            200, json={"errcode": 40001, "errmsg": "invalid credential"}
        )
        with pytest.raises(WechatApiError) as caught:
            await make_client(http, redis).send(
                PushChannel.MINIPROGRAM, openid="o1", template_id="t", data={"k": "v"}
            )
        assert caught.value.errcode == 40001
        assert fetch.call_count == 2


async def test_43101_is_a_refusal(redis: fakeredis.FakeAsyncRedis) -> None:
    async with respx.mock() as router, httpx.AsyncClient() as http:
        token_route(router, "A")
        router.post(f"{BASE}/cgi-bin/message/subscribe/bizsend").respond(
            200, json={"errcode": 43101, "errmsg": "user refuse to accept the msg"}
        )
        with pytest.raises(WechatPushRefused):
            await make_client(http, redis).send(
                PushChannel.BIZSEND, openid="o1", template_id="t", data={"k": "v"}
            )


async def test_one_refresher_under_concurrency(redis: fakeredis.FakeAsyncRedis) -> None:
    """Twenty senders in several "processes" (clients) find no token: one fetch for all."""
    release = asyncio.Event()
    fetching = asyncio.Event()
    fetches = 0

    async def slow_token(request: httpx.Request) -> httpx.Response:
        nonlocal fetches
        fetches += 1
        fetching.set()
        await release.wait()  # held until every caller is waiting for it
        return httpx.Response(200, json={"access_token": f"T{fetches}", "expires_in": 7200})

    async with respx.mock() as router, httpx.AsyncClient() as http:
        router.get(f"{BASE}/cgi-bin/token").mock(side_effect=slow_token)
        clients = [make_client(http, redis) for _ in range(4)]
        waiting = [asyncio.create_task(clients[i % 4].tokens.get()) for i in range(20)]
        await fetching.wait()
        for _ in range(50):  # let every other caller reach the lock and start waiting
            await asyncio.sleep(0)
        release.set()
        tokens = await asyncio.gather(*waiting)
    assert fetches == 1
    assert set(tokens) == {"T1"}


async def test_invalidating_a_token_someone_already_replaced_keeps_the_new_one(
    redis: fakeredis.FakeAsyncRedis,
) -> None:
    async with respx.mock() as router, httpx.AsyncClient() as http:
        fetch = token_route(router, "OLD", "NEW")
        client = make_client(http, redis)
        assert await client.tokens.get() == "OLD"
        await client.tokens.invalidate("OLD")
        assert await client.tokens.get() == "NEW"
        await client.tokens.invalidate("OLD")  # a slower process heard 40001 for OLD too
        assert await client.tokens.get() == "NEW"
        assert fetch.call_count == 2


async def test_a_token_fetch_that_times_out_is_retryable_not_an_unknown_send(
    redis: fakeredis.FakeAsyncRedis,
) -> None:
    async with respx.mock(assert_all_called=False) as router, httpx.AsyncClient() as http:
        router.get(f"{BASE}/cgi-bin/token").mock(side_effect=httpx.ReadTimeout("slow"))
        send = router.post(f"{BASE}/cgi-bin/message/subscribe/bizsend")
        with pytest.raises(UpstreamUnavailable) as caught:
            await make_client(http, redis).send(
                PushChannel.BIZSEND, openid="o1", template_id="t", data={"k": "v"}
            )
        assert not isinstance(caught.value, UpstreamTimeout)
        assert not send.called
