"""The simulated Alipay gateway: checks the app's RSA2 signature and the call, signs its answers,
hands out one-time, short-lived auth codes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.alipay import (
    AlipayKeys,
    rsa2_sign,
    rsa2_verify,
    sign_content,
    top_level_nodes,
)
from hospital_bff.datasources.wechatpay_crypto import generate_private_key
from hospital_bff.simulators.alipay import create_alipay_app

APP_ID = "2021000000000042"
USER = "2088102150477652"


@pytest.fixture(scope="module")
def keys() -> AlipayKeys:
    return AlipayKeys(app_key=generate_private_key(), alipay_key=generate_private_key())


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
async def alipay(clock: FrozenClock, keys: AlipayKeys) -> AsyncIterator[httpx.AsyncClient]:
    app = create_alipay_app(
        clock=clock, app_id=APP_ID, app_public_key=keys.app_public_key, alipay_key=keys.alipay_key
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://alipay"
    ) as client:
        yield client


async def authorize(alipay: httpx.AsyncClient, user_id: str = USER) -> str:
    code: str = (await alipay.post("/authorize", json={"userId": user_id})).json()["code"]
    return code


def params(keys: AlipayKeys, code: str, **changes: str) -> dict[str, str]:
    values = {
        "app_id": APP_ID,
        "method": "alipay.system.oauth.token",
        "format": "JSON",
        "charset": "utf-8",
        "sign_type": "RSA2",
        "timestamp": "2026-11-27 09:00:00",
        "version": "1.0",
        "grant_type": "authorization_code",
        "code": code,
    }
    values.update(changes)
    values["sign"] = rsa2_sign(keys.app_key, sign_content(values))
    return values


async def call(
    alipay: httpx.AsyncClient, keys: AlipayKeys, values: dict[str, str]
) -> tuple[str, dict[str, Any], bool]:
    """POST the call; answer (node name, content, whether Alipay's signature holds)."""
    response = await alipay.post("/gateway.do", data=values)
    assert response.status_code == 200, "every answer of the gateway is HTTP 200"
    nodes = top_level_nodes(response.text)
    name = next(n for n in nodes if n != "sign")
    raw, content = nodes[name]
    sign = nodes.get("sign", ("", None))[1]
    signed = isinstance(sign, str) and rsa2_verify(keys.alipay_public_key, raw, sign)
    return name, content, signed


async def test_a_code_is_exchanged_once_under_alipays_signature(
    alipay: httpx.AsyncClient, keys: AlipayKeys
) -> None:
    code = await authorize(alipay)
    name, content, signed = await call(alipay, keys, params(keys, code))
    assert (name, signed) == ("alipay_system_oauth_token_response", True)
    assert content["user_id"] == USER
    assert content["access_token"] and content["refresh_token"]

    name, content, signed = await call(alipay, keys, params(keys, code))
    assert (name, content["sub_code"], signed) == ("error_response", "isv.code-invalid", True)


async def test_common_parameters_may_come_in_the_query_string(
    alipay: httpx.AsyncClient, keys: AlipayKeys
) -> None:
    values = params(keys, await authorize(alipay))
    form = {"grant_type": values.pop("grant_type"), "code": values.pop("code")}
    response = await alipay.post("/gateway.do", params=values, data=form)
    assert "alipay_system_oauth_token_response" in top_level_nodes(response.text)


async def test_a_code_expires_after_three_minutes(
    alipay: httpx.AsyncClient, keys: AlipayKeys, clock: FrozenClock
) -> None:
    code = await authorize(alipay)
    clock.advance(minutes=3)
    now = clock.now().strftime("%Y-%m-%d %H:%M:%S")
    _, content, _ = await call(alipay, keys, params(keys, code, timestamp=now))
    assert content["sub_code"] == "isv.code-invalid"


@pytest.mark.parametrize(
    ("changes", "sub_code", "signed"),
    [
        ({"app_id": "2021000000000999"}, "isv.invalid-app-id", False),
        ({"sign_type": "RSA"}, "isv.invalid-signature-type", False),
        ({"method": "alipay.trade.pay"}, "isv.invalid-method", True),
        ({"version": "2.0"}, "isv.invalid-version", True),
        ({"grant_type": "refresh_token"}, "isv.grant-type-invalid", True),
        ({"timestamp": "2026-11-27 09:16:00"}, "isv.invalid-timestamp", True),
        ({"timestamp": "yesterday"}, "isv.invalid-timestamp", True),
    ],
)
async def test_a_bad_call_is_refused_the_way_alipay_does(
    alipay: httpx.AsyncClient,
    keys: AlipayKeys,
    changes: dict[str, str],
    sub_code: str,
    signed: bool,
) -> None:
    code = await authorize(alipay)
    name, content, is_signed = await call(alipay, keys, params(keys, code, **changes))
    assert name == "error_response"
    assert content["sub_code"] == sub_code
    assert is_signed is signed
    # The code was not spent by the refused call.
    _, content, _ = await call(alipay, keys, params(keys, code))
    assert content.get("user_id") == USER


async def test_a_wrong_or_missing_signature_is_refused(
    alipay: httpx.AsyncClient, keys: AlipayKeys
) -> None:
    code = await authorize(alipay)
    tampered = {**params(keys, code), "code": "0" * 32}
    _, content, _ = await call(alipay, keys, tampered)
    assert content["sub_code"] == "isv.invalid-signature"
    missing = params(keys, code)
    del missing["sign"]
    _, content, _ = await call(alipay, keys, missing)
    assert (content["code"], content["sub_code"]) == ("40001", "isv.missing-signature")


@pytest.mark.parametrize("body", [{}, {"userId": ""}, {"userId": 7}, {"userId": "x" * 65}, []])
async def test_authorize_needs_a_user_id(alipay: httpx.AsyncClient, body: Any) -> None:
    response = await alipay.post("/authorize", content=json.dumps(body))
    assert response.status_code == 400


async def test_the_timestamp_window_is_fifteen_minutes_either_way(
    alipay: httpx.AsyncClient, keys: AlipayKeys, clock: FrozenClock
) -> None:
    for offset in (timedelta(minutes=-15), timedelta(minutes=15)):
        at = (clock.now() + offset).strftime("%Y-%m-%d %H:%M:%S")
        code = await authorize(alipay)
        _, content, _ = await call(alipay, keys, params(keys, code, timestamp=at))
        assert content.get("user_id") == USER
