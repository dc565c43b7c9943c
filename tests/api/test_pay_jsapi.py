"""payOrder(channel: JSAPI): paid inside WeChat as the signed-in account's openid."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette

from fixtures.journey import pay, wait_for_status
from fixtures.jsapi import booked_order, pay_by
from fixtures.money import bank_state, payment_row
from hospital_bff.clock import FrozenClock
from hospital_bff.datasources.wechatpay_crypto import jsapi_pay_message, verify_message
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.errors import InvalidInput
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import PaymentChannel
from hospital_bff.store.models import Account, Payment


async def test_jsapi_payment_is_paid_inside_wechat_and_confirms_the_order(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, order_id = await booked_order(client)
    answer = await pay_by(client, token, order_id, "JSAPI")
    assert answer["__typename"] == "PayOrderSuccess", answer
    payment = answer["payment"]
    params = payment["jsapi"]
    assert payment["payUrl"] == "" and params["signType"] == "RSA"
    assert params["package"].startswith("prepay_id=")
    message = jsapi_pay_message(
        params["appId"], params["timeStamp"], params["nonceStr"], params["package"]
    )
    public = runtime.bank.keys.merchant_key.public_key()
    assert verify_message(public, message, params["paySign"])

    # A retry answers the same payment, freshly signed.
    again = await pay_by(client, token, order_id, "JSAPI")
    assert again["payment"]["id"] == payment["id"]
    assert again["payment"]["jsapi"]["package"] == params["package"]

    bridge = {k: params[k] for k in ("appId", "timeStamp", "nonceStr", "package", "signType")}
    paid = await client.post("/sim/bank/jsapi/pay", json={**bridge, "paySign": params["paySign"]})
    assert paid.status_code == 200, paid.text
    await wait_for_status(client, token, order_id, "CONFIRMED")
    row = await payment_row(runtime, order_id)
    assert (row.channel, row.status) == ("JSAPI", "SUCCEEDED")
    tx = await runtime.bank.query_order(row.out_trade_no)
    assert tx is not None and tx.trade_type == "JSAPI"
    assert tx.payer is not None and tx.payer.openid == "o-lilei"
    settled = await pay_by(client, token, order_id, "JSAPI")
    assert settled["payment"]["status"] == "SUCCEEDED" and settled["payment"]["jsapi"] is None


async def test_switching_channel_closes_the_other_bank_order_first(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, order_id = await booked_order(client)
    jsapi = (await pay_by(client, token, order_id, "JSAPI"))["payment"]
    h5 = (await pay(client, token, order_id, key="p2"))["payment"]  # the contract's PayOrder
    assert h5["id"] != jsapi["id"] and h5["payUrl"].startswith("http")
    state = bank_state(app)
    prepay_id = jsapi["jsapi"]["package"].removeprefix("prepay_id=")
    assert state.order_by_prepay(prepay_id).trade_state == "CLOSED"
    h5_again = (await pay_by(client, token, order_id, "H5", key="p3"))["payment"]
    assert h5_again["id"] == h5["id"] and h5_again["jsapi"] is None


async def test_jsapi_needs_a_wechat_account(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    _, order_id = await booked_order(client)
    async with uow.unit_of_work(runtime) as session:
        alipay = Account(platform="ALIPAY", external_id="2088000000000001", created_at=clock.now())
        session.add(alipay)
    service = PaymentService(runtime)
    for account_id in (alipay.id, None, "acc_unknown"):
        with pytest.raises(InvalidInput):
            await service.pay_order(
                None,
                order_id,
                "p1",
                "10.0.0.1",
                channel=PaymentChannel.JSAPI,
                account_id=account_id,
            )
    async with runtime.sessions() as session:
        found = await session.exec(select(Payment).where(Payment.order_id == order_id))
        assert found.first() is None  # refused before the bank was asked
