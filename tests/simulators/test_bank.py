"""The bank simulator on the wire: signatures, the cashier, notifications under faults, the bill."""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.wechatpay_crypto import (
    BankKeys,
    NotificationVerifier,
    VerifiedNotification,
    jsapi_pay_message,
    new_nonce,
    sign_message,
    sign_request,
    verify_signature,
)
from hospital_bff.simulators.bank import (
    BILL_HEADER,
    FUND_FLOW_HEADER,
    BankState,
    create_bank_app,
)

APIV3_KEY = "demo-apiv3-key-32-bytes-long-ok!"
MCH_ID = "1900000001"
APP_ID = "wx-hospital-demo"
BASE = "http://bank.test"
NOTIFY_URL = "http://bff.test/webhooks/bank"
NOW = datetime(2024, 5, 1, 10, 0, tzinfo=SHANGHAI)


@cache
def keys() -> BankKeys:
    return BankKeys.generate()


@dataclass
class Receiver:
    """The BFF's webhook, reduced to: verify, record, answer (or fail the first few)."""

    verifier: NotificationVerifier
    received: list[VerifiedNotification] = field(default_factory=list)
    fail_first: int = 0
    attempts: int = 0

    def app(self) -> Starlette:
        async def notify(request: Request) -> Response:
            self.attempts += 1
            if self.attempts <= self.fail_first:
                return Response(status_code=500)
            body = await request.body()
            self.received.append(self.verifier.verify(request.headers, body))
            return Response(status_code=204)

        return Starlette(routes=[Route("/webhooks/bank", notify, methods=["POST"])])


@dataclass
class World:
    clock: FrozenClock
    http: httpx.AsyncClient
    state: BankState
    receiver: Receiver

    async def call(
        self, method: str, path: str, payload: Any = None, *, sign: bool = True
    ) -> httpx.Response:
        body = b"" if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        if sign:
            headers["Authorization"] = sign_request(
                private_key=keys().merchant_key,
                mch_id=MCH_ID,
                serial_no=keys().merchant_serial,
                method=method,
                url=path,
                body=body,
                timestamp=int(self.clock.now().timestamp()),
            )
        return await self.http.request(method, path, content=body or None, headers=headers)

    async def order(self, no: str = "R1", total: int = 1234, **extra: Any) -> str:
        payload = {
            "appid": APP_ID,
            "mchid": MCH_ID,
            "description": "内科 专家号",
            "out_trade_no": no,
            "time_expire": (self.clock.now() + timedelta(minutes=10)).isoformat(),
            "notify_url": NOTIFY_URL,
            "amount": {"total": total, "currency": "CNY"},
            "scene_info": {"payer_client_ip": "127.0.0.1", "h5_info": {"type": "Wap"}},
            **extra,
        }
        response = await self.call("POST", "/v3/pay/transactions/h5", payload)
        assert response.status_code == 200, response.text
        return str(response.json()["h5_url"])

    async def pay(self, h5_url: str, action: str = "pay") -> httpx.Response:
        return await self.http.post(h5_url, json={"action": action})

    async def refund(
        self, no: str, refund_no: str, amount: int, total: int = 1234
    ) -> httpx.Response:
        return await self.call(
            "POST",
            "/v3/refund/domestic/refunds",
            {
                "out_trade_no": no,
                "out_refund_no": refund_no,
                "reason": "退号",
                "notify_url": NOTIFY_URL,
                "amount": {"refund": amount, "total": total, "currency": "CNY"},
            },
        )


@pytest.fixture
async def world() -> AsyncIterator[World]:
    clock = FrozenClock(NOW)
    verifier = NotificationVerifier(
        platform_keys={keys().platform_serial: keys().platform_public_key},
        apiv3_key=APIV3_KEY.encode(),
        clock=clock,
    )
    receiver = Receiver(verifier)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app())) as outbound:
        app = create_bank_app(
            clock=clock,
            keys=keys(),
            apiv3_key=APIV3_KEY,
            mch_id=MCH_ID,
            public_base_url=BASE,
            http=outbound,
        )
        state: BankState = app.state.bank
        state.notify_retry_delays = (0.0, 0.01, 0.01, 0.01)
        state.reorder_hold_seconds = 0.2
        state.hang_seconds = 0.05
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
            yield World(clock, http, state, receiver)
            await state.drain()


def _signed_by_platform(response: httpx.Response) -> bool:
    h = response.headers
    return h["wechatpay-serial"] == keys().platform_serial and verify_signature(
        keys().platform_public_key,
        h["wechatpay-timestamp"],
        h["wechatpay-nonce"],
        response.content,
        h["wechatpay-signature"],
    )


async def test_unsigned_and_badly_signed_requests_get_sign_error(world: World) -> None:
    unsigned = await world.call(
        "GET", f"/v3/pay/transactions/out-trade-no/R1?mchid={MCH_ID}", sign=False
    )
    assert unsigned.status_code == 401
    assert unsigned.json()["code"] == "SIGN_ERROR"
    # Signed for another query string: the query is part of the signed URL.
    auth = sign_request(
        private_key=keys().merchant_key, mch_id=MCH_ID, serial_no=keys().merchant_serial,
        method="GET", url="/v3/pay/transactions/out-trade-no/R2?mchid=" + MCH_ID, body=b"",
        timestamp=int(world.clock.now().timestamp()),
    )  # fmt: skip
    forged = await world.http.get(
        f"/v3/pay/transactions/out-trade-no/R1?mchid={MCH_ID}", headers={"Authorization": auth}
    )
    assert forged.status_code == 401
    stale = sign_request(
        private_key=keys().merchant_key, mch_id=MCH_ID, serial_no=keys().merchant_serial,
        method="GET", url=f"/v3/pay/transactions/out-trade-no/R1?mchid={MCH_ID}", body=b"",
        timestamp=int((world.clock.now() - timedelta(minutes=6)).timestamp()),
    )  # fmt: skip
    late = await world.http.get(
        f"/v3/pay/transactions/out-trade-no/R1?mchid={MCH_ID}", headers={"Authorization": stale}
    )
    assert late.status_code == 401


async def test_answers_are_signed_by_the_platform(world: World) -> None:
    missing = await world.call("GET", f"/v3/pay/transactions/out-trade-no/NOPE?mchid={MCH_ID}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "ORDER_NOT_EXIST"
    assert _signed_by_platform(missing)


async def test_full_payment_through_the_cashier_notifies_the_merchant(world: World) -> None:
    h5_url = await world.order()
    assert h5_url.startswith(f"{BASE}/cashier/wx")
    page = await world.http.get(h5_url)
    assert page.status_code == 200
    assert "¥12.34" in page.text
    assert "内科 专家号" in page.text
    assert "支付" in page.text
    assert "取消" in page.text

    query = await world.call("GET", f"/v3/pay/transactions/out-trade-no/R1?mchid={MCH_ID}")
    assert query.json()["trade_state"] == "NOTPAY"

    paid = await world.pay(h5_url)
    assert paid.status_code == 200
    assert paid.json()["trade_state"] == "SUCCESS"
    await world.state.drain()

    [notice] = world.receiver.received
    assert notice.event_type == "TRANSACTION.SUCCESS"
    assert notice.resource["out_trade_no"] == "R1"
    assert notice.resource["trade_state"] == "SUCCESS"
    assert notice.resource["amount"] == {
        "total": 1234,
        "payer_total": 1234,
        "currency": "CNY",
        "payer_currency": "CNY",
    }
    assert notice.resource["payer"]["openid"]
    assert notice.resource["transaction_id"] == paid.json()["transaction_id"]

    query = await world.call("GET", f"/v3/pay/transactions/out-trade-no/R1?mchid={MCH_ID}")
    body = query.json()
    assert body["trade_state"] == "SUCCESS"
    assert body["success_time"] == "2024-05-01T10:00:00+08:00"
    ledger = (await world.http.get("/ledger")).json()
    assert ledger["totals"] == {"paid": 1234, "refunded": 0}
    assert ledger["payments"][0]["transaction_id"] == body["transaction_id"]


async def test_cashier_form_post_is_a_person_clicking(world: World) -> None:
    h5_url = await world.order()
    page = await world.http.get(h5_url)
    assert "支付" in page.text
    paid = await world.http.post(h5_url, data={"action": "pay"})
    assert "支付成功" in paid.text
    await world.state.drain()
    assert len(world.receiver.received) == 1


async def test_the_cashier_links_back_to_the_merchants_redirect_url_once_done(
    world: World,
) -> None:
    """WeChat Pay H5: the merchant appends redirect_url to h5_url; the payer goes back there
    after paying (or giving up), never before, and only to an http(s) address."""
    h5_url = await world.order()
    back = "http://127.0.0.1:8000/h5/?order=ord_1&x=<y>"
    with_return = f"{h5_url}?{urlencode({'redirect_url': back})}"
    unpaid = await world.http.get(with_return)
    assert "返回商家" not in unpaid.text
    paid = await world.http.post(with_return, data={"action": "pay"})
    assert "支付成功" in paid.text
    assert f"<a href='{html.escape(back, quote=True)}'>返回商家</a>" in paid.text
    assert "返回商家" in (await world.http.get(with_return)).text
    script = f"{h5_url}?{urlencode({'redirect_url': 'javascript:alert(1)'})}"
    assert "返回商家" not in (await world.http.get(script)).text


async def test_cancel_at_the_cashier_closes_the_bank_order_for_good(world: World) -> None:
    h5_url = await world.order()
    cancelled = await world.http.post(h5_url, data={"action": "cancel"})
    assert cancelled.status_code == 200
    assert "已取消" in cancelled.text
    query = await world.call("GET", f"/v3/pay/transactions/out-trade-no/R1?mchid={MCH_ID}")
    assert query.json()["trade_state"] == "CLOSED"
    paid = await world.pay(h5_url)
    assert paid.status_code == 400
    assert paid.json()["code"] == "ORDER_CLOSED"
    form = await world.http.post(h5_url, data={"action": "pay"})
    assert form.status_code == 400
    await world.state.drain()
    assert world.receiver.received == []
    assert (await world.http.get("/ledger")).json()["totals"] == {"paid": 0, "refunded": 0}
    # The same out_trade_no cannot be opened again either: a new payment needs a new number.
    again = await world.call(
        "POST",
        "/v3/pay/transactions/h5",
        {
            "appid": APP_ID,
            "mchid": MCH_ID,
            "description": "内科 专家号",
            "out_trade_no": "R1",
            "time_expire": (world.clock.now() + timedelta(minutes=10)).isoformat(),
            "notify_url": NOTIFY_URL,
            "amount": {"total": 1234, "currency": "CNY"},
            "scene_info": {"payer_client_ip": "127.0.0.1", "h5_info": {"type": "Wap"}},
        },
    )
    assert again.json()["code"] == "ORDER_CLOSED"


async def test_paying_twice_takes_the_money_once(world: World) -> None:
    h5_url = await world.order()
    first = await world.pay(h5_url)
    second = await world.pay(h5_url)
    assert first.json()["transaction_id"] == second.json()["transaction_id"]
    await world.state.drain()
    assert len(world.receiver.received) == 1
    assert (await world.http.get("/ledger")).json()["totals"]["paid"] == 1234


async def test_order_creation_is_idempotent_on_out_trade_no(world: World) -> None:
    assert await world.order() == await world.order()
    different = await world.call(
        "POST",
        "/v3/pay/transactions/h5",
        {"appid": APP_ID, "mchid": MCH_ID, "description": "内科 专家号", "out_trade_no": "R1",
         "notify_url": NOTIFY_URL, "amount": {"total": 999, "currency": "CNY"}},
    )  # fmt: skip
    assert different.status_code == 400
    assert different.json()["code"] == "INVALID_REQUEST"


async def test_close_refuses_later_payment_and_paid_orders_cannot_close(world: World) -> None:
    h5_url = await world.order("R1")
    closed = await world.call(
        "POST", "/v3/pay/transactions/out-trade-no/R1/close", {"mchid": MCH_ID}
    )
    assert closed.status_code == 204
    assert _signed_by_platform(closed)
    refused = await world.pay(h5_url)
    assert refused.status_code == 400
    assert refused.json()["code"] == "ORDER_CLOSED"

    paid_url = await world.order("R2")
    await world.pay(paid_url)
    too_late = await world.call(
        "POST", "/v3/pay/transactions/out-trade-no/R2/close", {"mchid": MCH_ID}
    )
    assert too_late.status_code == 400
    assert too_late.json()["code"] == "ORDER_PAID"


async def test_payment_after_expiry_is_refused_unless_late_payments_fault(world: World) -> None:
    h5_url = await world.order("R1")
    world.clock.advance(minutes=11)
    refused = await world.pay(h5_url)
    assert refused.status_code == 400
    assert refused.json()["code"] == "ORDER_EXPIRED"

    await world.call("POST", "/v3/pay/transactions/out-trade-no/R1/close", {"mchid": MCH_ID})
    faults = await world.http.put("/faults", json={"latePayments": True})
    assert faults.json()["latePayments"] is True
    taken = await world.pay(h5_url)
    assert taken.status_code == 200
    assert taken.json()["trade_state"] == "SUCCESS"
    await world.state.drain()
    assert [n.resource["out_trade_no"] for n in world.receiver.received] == ["R1"]
    ledger = (await world.http.get("/ledger")).json()
    assert ledger["payments"][0]["late"] is True
    assert ledger["totals"]["paid"] == 1234


async def test_refunds_are_idempotent_and_bounded_by_what_was_paid(world: World) -> None:
    await world.pay(await world.order("R1"))
    first = await world.refund("R1", "RF1", 1000)
    assert first.status_code == 200
    assert first.json()["status"] == "SUCCESS"
    again = await world.refund("R1", "RF1", 1000)
    assert again.json()["refund_id"] == first.json()["refund_id"]
    over = await world.refund("R1", "RF2", 235)
    assert over.status_code == 400
    assert over.json()["code"] == "INVALID_REQUEST"
    rest = await world.refund("R1", "RF3", 234)
    assert rest.status_code == 200
    query = await world.call("GET", "/v3/refund/domestic/refunds/RF3")
    assert query.json()["amount"]["refund"] == 234
    order = await world.call("GET", f"/v3/pay/transactions/out-trade-no/R1?mchid={MCH_ID}")
    assert order.json()["trade_state"] == "REFUND"
    await world.state.drain()
    refunds = [n for n in world.receiver.received if n.event_type == "REFUND.SUCCESS"]
    assert sorted(n.resource["out_refund_no"] for n in refunds) == ["RF1", "RF3"]
    assert {n.resource["refund_status"] for n in refunds} == {"SUCCESS"}
    ledger = (await world.http.get("/ledger")).json()
    assert ledger["totals"] == {"paid": 1234, "refunded": 1234}


async def test_refund_of_an_unpaid_order_is_refused(world: World) -> None:
    await world.order("R1")
    refused = await world.refund("R1", "RF1", 100)
    assert refused.status_code == 400
    missing = await world.refund("NOPE", "RF2", 100)
    assert missing.status_code == 404


async def test_invented_endpoints_are_gone(world: World) -> None:
    await world.pay(await world.order("R1"))
    reverse = await world.call(
        "POST", "/v3/pay/transactions/out-trade-no/R1/reverse", {"mchid": MCH_ID}
    )
    batch = await world.call("POST", "/v3/refund/batch", {"refunds": []})
    assert (reverse.status_code, batch.status_code) == (404, 404)


async def test_refunds_held_processing_succeed_when_the_fault_is_lifted(world: World) -> None:
    await world.pay(await world.order("R1"))
    await world.http.put("/faults", json={"refundsProcessing": True})
    held = await world.refund("R1", "RF1", 1234)
    assert held.json()["status"] == "PROCESSING"
    assert held.json()["success_time"] is None
    again = await world.call("GET", "/v3/refund/domestic/refunds/RF1")
    assert again.json()["status"] == "PROCESSING"
    await world.state.drain()
    assert [n.event_type for n in world.receiver.received] == ["TRANSACTION.SUCCESS"]
    world.clock.advance(hours=1)
    await world.http.put("/faults", json={"refundsProcessing": False})
    done = await world.call("GET", "/v3/refund/domestic/refunds/RF1")
    assert done.json()["status"] == "SUCCESS"
    assert done.json()["success_time"] == "2024-05-01T11:00:00+08:00"
    await world.state.drain()
    assert world.receiver.received[-1].event_type == "REFUND.SUCCESS"
    assert (await world.http.get("/ledger")).json()["totals"]["refunded"] == 1234


async def test_a_refund_to_a_closed_card_is_abnormal_for_good(world: World) -> None:
    await world.pay(await world.order("R1"))
    await world.http.put("/faults", json={"refundsAbnormal": True})
    refused = await world.refund("R1", "RF1", 1234)
    assert refused.status_code == 200
    assert refused.json()["status"] == "ABNORMAL"
    await world.state.drain()
    notice = world.receiver.received[-1]
    assert notice.event_type == "REFUND.ABNORMAL"
    assert notice.resource["refund_status"] == "ABNORMAL"
    ledger = (await world.http.get("/ledger")).json()
    assert ledger["totals"]["refunded"] == 0
    assert [r["state"] for r in ledger["refunds"]] == ["ABNORMAL"]


async def test_duplicate_notifications_fault_sends_each_twice(world: World) -> None:
    await world.http.put("/faults", json={"duplicateNotifications": True})
    await world.pay(await world.order())
    await world.state.drain()
    assert [n.resource["out_trade_no"] for n in world.receiver.received] == ["R1", "R1"]


async def test_dropped_notifications_never_arrive(world: World) -> None:
    await world.http.put("/faults", json={"dropNotifications": True})
    await world.pay(await world.order())
    await world.state.drain()
    assert world.receiver.received == []
    assert len(world.state.dropped) == 1


async def test_reordered_notifications_arrive_after_a_later_one(world: World) -> None:
    await world.http.put("/faults", json={"reorderNotifications": True})
    await world.pay(await world.order("R1"))
    await world.pay(await world.order("R2"))
    await world.state.drain()
    assert [n.resource["out_trade_no"] for n in world.receiver.received] == ["R2", "R1"]


async def test_a_lone_held_notification_is_released_eventually(world: World) -> None:
    await world.http.put("/faults", json={"reorderNotifications": True})
    await world.pay(await world.order("R1"))
    await world.state.drain()
    assert [n.resource["out_trade_no"] for n in world.receiver.received] == ["R1"]


async def test_notifications_are_retried_until_acknowledged(world: World) -> None:
    world.receiver.fail_first = 2
    await world.pay(await world.order())
    await world.state.drain()
    assert world.receiver.attempts == 3
    assert len(world.receiver.received) == 1


async def test_faults_error_rate_and_timeout(world: World) -> None:
    await world.http.put("/faults", json={"errorRate": 1.0})
    failed = await world.call("GET", f"/v3/pay/transactions/out-trade-no/R1?mchid={MCH_ID}")
    assert failed.status_code == 500
    await world.http.put("/faults", json={"errorRate": 0.0, "timeoutRate": 1.0})
    # The work is done, only the answer is late.
    await world.order("R1")
    assert "R1" in world.state.orders
    bad = await world.http.put("/faults", json={"noSuchFault": 1})
    assert bad.status_code == 400
    assert (await world.http.put("/faults", json={"failConfirm": True})).status_code == 200


async def test_reset_forgets_everything(world: World) -> None:
    await world.http.put("/faults", json={"latePayments": True})
    await world.pay(await world.order())
    await world.state.drain()
    assert (await world.http.post("/reset")).status_code == 204
    assert (await world.http.get("/ledger")).json()["payments"] == []
    assert (await world.http.get("/faults")).json()["latePayments"] is False


async def test_trade_bill_is_wechat_csv_with_a_matching_sha1(world: World) -> None:
    await world.pay(await world.order("R1", total=1234))
    await world.pay(await world.order("R2", total=5))
    world.clock.advance(minutes=1)
    await world.refund("R1", "RF1", 1000)
    await world.order("R3")  # never paid: not in the bill
    meta = await world.call("GET", "/v3/bill/tradebill?bill_date=2024-05-01&bill_type=ALL")
    assert meta.status_code == 200
    assert meta.json()["hash_type"] == "SHA1"
    url = meta.json()["download_url"]
    assert url.startswith(f"{BASE}/v3/billdownload/file?token=")
    path = url.removeprefix(BASE)
    download = await world.call("GET", path)
    assert download.status_code == 200
    assert hashlib.sha1(download.content).hexdigest() == meta.json()["hash_value"]
    lines = download.content.decode().splitlines()
    assert lines[0] == BILL_HEADER
    assert len(lines) == 1 + 3 + 2
    assert lines[1].startswith("`2024-05-01 10:00:00,`wx-hospital-demo,`1900000001,")
    assert all(cell.startswith("`") for cell in lines[1].split(","))
    assert ",`R1,`o-sim-payer,`MWEB,`SUCCESS,`OTHERS,`CNY,`12.34," in lines[1]
    assert ",`REFUND," in lines[3]
    assert ",`RF1,`10.00," in lines[3]
    assert lines[4].startswith("总交易单数,应结订单总金额,退款总金额")
    assert lines[5] == "`3,`12.39,`10.00,`0.00,`0.00000,`12.39,`10.00"

    empty = await world.call("GET", "/v3/bill/tradebill?bill_date=2024-04-30&bill_type=ALL")
    assert empty.status_code == 200
    future = await world.call("GET", "/v3/bill/tradebill?bill_date=2024-05-02&bill_type=ALL")
    assert future.status_code == 400
    unsigned = await world.call("GET", path, sign=False)
    assert unsigned.status_code == 401


async def _jsapi_prepay(world: World, no: str = "J1", openid: str = "o-patient") -> str:
    payload = {
        "appid": APP_ID,
        "mchid": MCH_ID,
        "description": "内科 专家号",
        "out_trade_no": no,
        "time_expire": (world.clock.now() + timedelta(minutes=10)).isoformat(),
        "notify_url": NOTIFY_URL,
        "amount": {"total": 800, "currency": "CNY"},
        "payer": {"openid": openid},
    }
    created = await world.call("POST", "/v3/pay/transactions/jsapi", payload)
    assert created.status_code == 200, created.text
    again = await world.call("POST", "/v3/pay/transactions/jsapi", payload)
    assert again.json() == created.json()  # idempotent on out_trade_no, like H5
    prepay_id = created.json()["prepay_id"]
    assert isinstance(prepay_id, str)
    return prepay_id


def _bridge(world: World, prepay_id: str, key: Any = None) -> dict[str, str]:
    timestamp, nonce = str(int(world.clock.now().timestamp())), new_nonce()
    package = f"prepay_id={prepay_id}"
    signature = sign_message(
        key or keys().merchant_key, jsapi_pay_message(APP_ID, timestamp, nonce, package)
    )
    return {
        "appId": APP_ID,
        "timeStamp": timestamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": signature,
    }


async def test_jsapi_prepay_is_signed_and_needs_the_payer(world: World) -> None:
    body = {"appid": APP_ID, "mchid": MCH_ID, "out_trade_no": "J1"}
    unsigned = await world.call("POST", "/v3/pay/transactions/jsapi", body, sign=False)
    assert unsigned.status_code == 401
    payload = {
        "appid": APP_ID,
        "mchid": MCH_ID,
        "description": "x",
        "out_trade_no": "J1",
        "notify_url": NOTIFY_URL,
        "amount": {"total": 1, "currency": "CNY"},
    }
    no_payer = await world.call("POST", "/v3/pay/transactions/jsapi", payload)
    assert no_payer.status_code == 400 and no_payer.json()["code"] == "PARAM_ERROR"


async def test_jsapi_bridge_pays_once_with_the_merchant_paysign(world: World) -> None:
    prepay_id = await _jsapi_prepay(world)
    forged = await world.http.post(
        "/jsapi/pay", json=_bridge(world, prepay_id, key=keys().platform_key)
    )
    assert forged.status_code == 401 and forged.json()["code"] == "SIGN_ERROR"
    stale = _bridge(world, prepay_id)
    world.clock.advance(minutes=6)
    assert (await world.http.post("/jsapi/pay", json=stale)).status_code == 400
    paid = await world.http.post("/jsapi/pay", json=_bridge(world, prepay_id))
    assert paid.status_code == 200 and paid.json()["trade_state"] == "SUCCESS"
    again = await world.http.post("/jsapi/pay", json=_bridge(world, prepay_id))
    assert again.json()["transaction_id"] == paid.json()["transaction_id"]
    await world.state.drain()
    assert len(world.receiver.received) == 1
    query = await world.call("GET", f"/v3/pay/transactions/out-trade-no/J1?mchid={MCH_ID}")
    assert query.json()["trade_type"] == "JSAPI"
    assert query.json()["payer"] == {"openid": "o-patient"}


async def test_fund_flow_bill_is_wechat_csv_with_totals(world: World) -> None:
    await world.pay(await world.order("R1", total=1234))
    await world.pay(await world.order("R2", total=5))
    world.clock.advance(minutes=1)
    await world.refund("R1", "RF1", 1000)
    await world.order("R3")  # never paid: no money moved
    meta = await world.call("GET", "/v3/bill/fundflowbill?bill_date=2024-05-01&account_type=BASIC")
    assert meta.status_code == 200 and meta.json()["hash_type"] == "SHA1"
    download = await world.call("GET", meta.json()["download_url"].removeprefix(BASE))
    assert hashlib.sha1(download.content).hexdigest() == meta.json()["hash_value"]
    lines = download.content.decode().splitlines()
    assert lines[0] == FUND_FLOW_HEADER
    assert len(lines) == 1 + 3 + 2
    assert ",`交易,`交易,`收入,`12.34,`12.34," in lines[1]
    assert ",`退款,`退款,`支出,`10.00,`2.39," in lines[3]
    assert lines[4] == "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"
    assert lines[5] == "`3,`2,`12.39,`1,`10.00"
    other = await world.call("GET", "/v3/bill/fundflowbill?bill_date=2024-05-01&account_type=FEES")
    assert other.status_code == 400
    future = await world.call("GET", "/v3/bill/fundflowbill?bill_date=2024-05-02")
    assert future.status_code == 400
