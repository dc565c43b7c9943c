"""JSAPI payment: only the merchant's paySign starts it, only for its payer, only for its owner."""

from __future__ import annotations

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette

from fixtures.journey import order, verified_user
from fixtures.jsapi import booked_order, pay_by
from fixtures.money import bank_state
from hospital_bff.datasources.wechatpay_crypto import jsapi_pay_message, sign_message


async def test_forged_or_foreign_bridge_calls_take_no_money(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    token, order_id = await booked_order(client)
    params = (await pay_by(client, token, order_id, "JSAPI"))["payment"]["jsapi"]
    bridge = {k: params[k] for k in ("appId", "timeStamp", "nonceStr", "package", "signType")}
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = sign_message(
        stranger_key,
        jsapi_pay_message(
            bridge["appId"], bridge["timeStamp"], bridge["nonceStr"], bridge["package"]
        ),
    )
    attempts = [
        {**bridge, "paySign": forged},
        {**bridge, "paySign": params["paySign"], "openid": "o-someone-else"},
        {**bridge, "paySign": params["paySign"], "package": "prepay_id=wx-guessed"},
    ]
    for attempt in attempts:
        refused = await client.post("/sim/bank/jsapi/pay", json=attempt)
        assert refused.status_code in (400, 401, 403, 404), refused.text
    prepay_id = params["package"].removeprefix("prepay_id=")
    assert bank_state(app).order_by_prepay(prepay_id).trade_state == "NOTPAY"
    assert (await order(client, token, order_id))["status"] == "AWAITING_PAYMENT"


async def test_a_strangers_order_cannot_be_paid_by_jsapi(client: httpx.AsyncClient) -> None:
    _, order_id = await booked_order(client)
    stranger, _ = await verified_user(client, openid="o-stranger")
    answer = await pay_by(client, stranger, order_id, "JSAPI")
    assert answer["__typename"] != "PayOrderSuccess"
    assert answer["code"] == "NOT_FOUND"
