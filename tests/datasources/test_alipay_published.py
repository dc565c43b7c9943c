"""Alipay's RSA2 as our client and our simulator do it, checked against the published
`python-alipay-sdk` (PyPI, github.com/fzlee/alipay), so that a mistake they share cannot pass."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from urllib.parse import parse_qsl

import httpx
from alipay import AliPay
from cryptography.hazmat.primitives.asymmetric import rsa

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.alipay import AlipayClient, AlipayKeys
from hospital_bff.datasources.wechatpay_crypto import (
    generate_private_key,
    private_key_to_pem,
    public_key_to_pem,
)
from hospital_bff.simulators.alipay import create_alipay_app

APP_ID = "2021000000000042"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
TOKEN_NODE = "alipay_system_oauth_token_response"


@cache
def keys() -> AlipayKeys:
    return AlipayKeys(app_key=generate_private_key(), alipay_key=generate_private_key())


def sdk(private_key: rsa.RSAPrivateKey, public_key: rsa.RSAPublicKey) -> AliPay:
    return AliPay(
        appid=APP_ID,
        app_private_key_string=private_key_to_pem(private_key).decode(),
        alipay_public_key_string=public_key_to_pem(public_key).decode(),
        sign_type="RSA2",
    )


def app_sdk() -> AliPay:
    """The SDK as the app holds it: our app's key, Alipay's public key."""
    return sdk(keys().app_key, keys().alipay_public_key)


def client() -> AlipayClient:
    return AlipayClient(
        httpx.AsyncClient(),
        "http://alipay/gateway.do",
        app_id=APP_ID,
        app_private_key=keys().app_key,
        alipay_public_key=keys().alipay_public_key,
        clock=FrozenClock(NOW),
    )


def test_our_client_signs_a_call_as_the_published_sdk_does() -> None:
    business = {"grant_type": "authorization_code", "code": "4b203fe6c11548bcabd8da5bb087a83b"}
    ours = client().signed_params("alipay.system.oauth.token", business)
    unsigned = {k: v for k, v in {**ours, **business}.items() if k != "sign"}
    theirs = dict(parse_qsl(app_sdk().sign_data(unsigned)))["sign"]
    assert ours["sign"] == theirs


def test_our_client_accepts_an_answer_signed_as_the_published_sdk_signs() -> None:
    node = {"user_id": "2088102150477652", "access_token": "t", "expires_in": 1296000}
    text = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
    alipay_side = sdk(keys().alipay_key, keys().app_public_key)
    body = f'{{"{TOKEN_NODE}":{text},"sign":"{alipay_side._sign(text)}"}}'
    assert client()._verified(body, TOKEN_NODE) == node


async def test_the_simulator_takes_the_sdks_call_and_the_sdk_verifies_its_answer() -> None:
    app = create_alipay_app(
        clock=FrozenClock(NOW),
        app_id=APP_ID,
        app_public_key=keys().app_public_key,
        alipay_key=keys().alipay_key,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://alipay"
    ) as http:
        code = (await http.post("/authorize", json={"userId": "2088102150477652"})).json()["code"]
        published = app_sdk()
        data = published.build_body(
            "alipay.system.oauth.token", grant_type="authorization_code", code=code
        )
        data["timestamp"] = NOW.strftime("%Y-%m-%d %H:%M:%S")
        data.pop("biz_content")  # the token call has no business content
        signed = dict(parse_qsl(published.sign_data(data)))
        response = await http.post("/gateway.do", data=signed)
    answer = published._verify_and_return_sync_response(response.text, TOKEN_NODE)
    assert answer["user_id"] == "2088102150477652"
