"""The bank client against the simulator: typed answers, refusals, timeouts, the bill to the fen."""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.bank import (
    BankClient,
    TradeBillError,
)
from hospital_bff.datasources.bank_bills import parse_fund_flow_bill, parse_trade_bill
from hospital_bff.datasources.bank_models import JsapiPayParams, RefundNotice, Transaction
from hospital_bff.datasources.errors import (
    BankUnavailable,
    UpstreamRejected,
    UpstreamTimeout,
)
from hospital_bff.datasources.wechatpay_crypto import (
    BankKeys,
    NotificationVerifier,
    VerifiedNotification,
    verify_message,
)
from hospital_bff.simulators.bank import BankState, create_bank_app

APIV3_KEY = "demo-apiv3-key-32-bytes-long-ok!"
MCH_ID = "1900000001"
APP_ID = "wx-hospital-demo"
BASE = "http://bank.test/sim/bank"
NOTIFY_URL = "http://bff.test/webhooks/bank"
NOW = datetime(2024, 5, 1, 10, 0, tzinfo=SHANGHAI)


@cache
def keys() -> BankKeys:
    return BankKeys.generate()


class Wire(httpx.AsyncBaseTransport):
    """ASGITransport plus what a real network does: read timeouts, and a hook to alter answers."""

    def __init__(self, app: Starlette) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.alter: Callable[[httpx.Request, httpx.Response], httpx.Response] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        read = request.extensions.get("timeout", {}).get("read")
        try:
            response = await asyncio.wait_for(self.inner.handle_async_request(request), read)
        except TimeoutError as exc:
            raise httpx.ReadTimeout("read timed out", request=request) from exc
        if self.alter is not None:
            await response.aread()
            return self.alter(request, response)
        return response


@dataclass
class World:
    clock: FrozenClock
    bank: BankClient
    state: BankState
    wire: Wire
    cashier: httpx.AsyncClient
    notices: list[VerifiedNotification] = field(default_factory=list)

    async def pay(self, h5_url: str) -> None:
        paid = await self.cashier.post(h5_url, json={"action": "pay"})
        assert paid.status_code == 200, paid.text


def _mounted(app: Starlette) -> Starlette:
    # The embedded default serves the bank under /sim/bank: signatures must cover the prefix.
    from starlette.routing import Mount

    return Starlette(routes=[Mount("/sim/bank", app=app)])


@pytest.fixture
async def world() -> AsyncIterator[World]:
    clock = FrozenClock(NOW)
    verifier = NotificationVerifier(
        platform_keys=keys().merchant_side().platform_keys,
        apiv3_key=APIV3_KEY.encode(),
        clock=clock,
    )
    notices: list[VerifiedNotification] = []

    async def webhook(request: Request) -> Response:
        notices.append(verifier.verify(request.headers, await request.body()))
        return Response(status_code=204)

    receiver = Starlette(routes=[Route("/webhooks/bank", webhook, methods=["POST"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver)) as outbound:
        app = create_bank_app(
            clock=clock,
            keys=keys(),
            apiv3_key=APIV3_KEY,
            mch_id=MCH_ID,
            public_base_url=BASE,
            http=outbound,
        )
        state: BankState = app.state.bank
        state.hang_seconds = 0.5
        state.notify_retry_delays = (0.0, 0.01)
        wire = Wire(_mounted(app))
        async with httpx.AsyncClient(transport=wire) as http:
            bank = BankClient(
                http,
                BASE,
                mch_id=MCH_ID,
                app_id=APP_ID,
                keys=keys().merchant_side(),
                clock=clock,
                timeout=0.2,
            )
            yield World(clock, bank, state, wire, http, notices)
            await state.drain()


async def _paid_order(world: World, no: str = "R1", amount: int = 1234) -> None:
    order = await world.bank.create_h5_order(
        no, "内科 专家号", amount, NOW + timedelta(minutes=10), NOTIFY_URL, "10.0.0.1"
    )
    await world.pay(order.h5_url)


async def test_order_lifecycle_in_typed_dtos(world: World) -> None:
    assert await world.bank.query_order("R1") is None
    order = await world.bank.create_h5_order(
        "R1", "内科 专家号", 1234, NOW + timedelta(minutes=10), NOTIFY_URL, "10.0.0.1"
    )
    assert order.h5_url.startswith(f"{BASE}/cashier/")
    again = await world.bank.create_h5_order(
        "R1", "内科 专家号", 1234, NOW + timedelta(minutes=10), NOTIFY_URL, "10.0.0.1"
    )
    assert again == order
    unpaid = await world.bank.query_order("R1")
    assert unpaid is not None
    assert (unpaid.trade_state, unpaid.is_paid, unpaid.transaction_id) == ("NOTPAY", False, None)

    await world.pay(order.h5_url)
    paid = await world.bank.query_order("R1")
    assert paid is not None
    assert paid.trade_state == "SUCCESS"
    assert paid.amount is not None
    assert paid.amount.payer_total == 1234
    assert paid.success_time == NOW
    with pytest.raises(UpstreamRejected) as refused:
        await world.bank.close_order("R1")
    assert refused.value.code == "ORDER_PAID"


async def test_an_order_reused_with_another_amount_is_rejected(world: World) -> None:
    await world.bank.create_h5_order(
        "R1", "x", 100, NOW + timedelta(minutes=10), NOTIFY_URL, "1.1.1.1"
    )
    with pytest.raises(UpstreamRejected) as refused:
        await world.bank.create_h5_order(
            "R1", "x", 200, NOW + timedelta(minutes=10), NOTIFY_URL, "1.1.1.1"
        )
    assert refused.value.code == "INVALID_REQUEST"


async def test_closed_order_stays_closed(world: World) -> None:
    order = await world.bank.create_h5_order(
        "R1", "x", 100, NOW + timedelta(minutes=10), NOTIFY_URL, "1.1.1.1"
    )
    await world.bank.close_order("R1")
    await world.bank.close_order("R1")  # idempotent
    refused = await world.cashier.post(order.h5_url, json={"action": "pay"})
    assert refused.status_code == 400
    closed = await world.bank.query_order("R1")
    assert closed is not None
    assert closed.trade_state == "CLOSED"


async def test_notifications_parse_into_the_same_dtos(world: World) -> None:
    await _paid_order(world)
    await world.bank.refund("R1", "RF1", 1234, 1234, "退号", NOTIFY_URL)
    await world.state.drain()
    [paid, refunded] = world.notices
    transaction = Transaction.model_validate(paid.resource)
    assert (transaction.out_trade_no, transaction.trade_state) == ("R1", "SUCCESS")
    notice = RefundNotice.model_validate(refunded.resource)
    assert (notice.out_refund_no, notice.refund_status, notice.amount.refund) == (
        "RF1",
        "SUCCESS",
        1234,
    )


async def test_refunds(world: World) -> None:
    await _paid_order(world)
    assert await world.bank.query_refund("RF1") is None
    refund = await world.bank.refund("R1", "RF1", 1000, 1234, "退号", NOTIFY_URL)
    assert (refund.status, refund.amount.refund, refund.amount.total) == ("SUCCESS", 1000, 1234)
    assert await world.bank.refund("R1", "RF1", 1000, 1234, "退号", NOTIFY_URL) == refund
    assert await world.bank.query_refund("RF1") == refund
    with pytest.raises(UpstreamRejected) as over:
        await world.bank.refund("R1", "RF2", 235, 1234, "退号", None)
    assert over.value.code == "INVALID_REQUEST"


# Every path of WeChat Pay API v3 the hospital may call, as published at
# pay.weixin.qq.com/docs/merchant (H5 下单, JSAPI 下单, 查询订单 ×2, 关闭订单, 申请退款,
# 查询单笔退款, 申请交易账单, 申请资金账单 and their download_url). Written out here, apart from
# the client, on purpose.
PUBLISHED_V3 = [
    ("POST", r"/v3/pay/transactions/h5"),
    ("POST", r"/v3/pay/transactions/jsapi"),
    ("GET", r"/v3/pay/transactions/out-trade-no/[^/]+"),
    ("GET", r"/v3/pay/transactions/id/[^/]+"),
    ("POST", r"/v3/pay/transactions/out-trade-no/[^/]+/close"),
    ("POST", r"/v3/refund/domestic/refunds"),
    ("GET", r"/v3/refund/domestic/refunds/[^/]+"),
    ("GET", r"/v3/bill/tradebill"),
    ("GET", r"/v3/bill/fundflowbill"),
    ("GET", r"/v3/billdownload/file"),
]


async def test_every_path_the_client_calls_is_published_v3(world: World) -> None:
    called: list[tuple[str, str]] = []
    prefix = httpx.URL(BASE).path

    def record(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.url.path.startswith(prefix + "/v3/"):
            called.append((request.method, request.url.path.removeprefix(prefix)))
        return response

    world.wire.alter = record
    public = sorted(
        name
        for name in dir(BankClient)
        if not name.startswith("_") and inspect.iscoroutinefunction(getattr(BankClient, name))
    )
    # A new public call must be added here (and so to the exercise below) to be looked at.
    assert public == [
        "close_order",
        "create_h5_order",
        "create_jsapi_order",
        "fund_flow_bill",
        "query_order",
        "query_refund",
        "query_transaction",
        "refund",
        "trade_bill",
    ]
    order = await world.bank.create_h5_order(
        "R1", "内科", 500, NOW + timedelta(minutes=10), NOTIFY_URL, "10.0.0.1"
    )
    await world.pay(order.h5_url)
    paid = await world.bank.query_order("R1")
    assert paid is not None and paid.transaction_id is not None
    assert await world.bank.query_transaction(paid.transaction_id) == paid
    await world.bank.create_h5_order(
        "R2", "内科", 500, NOW + timedelta(minutes=10), NOTIFY_URL, "10.0.0.1"
    )
    await world.bank.close_order("R2")
    await world.bank.refund("R1", "RF1", 500, 500, "退号", NOTIFY_URL)
    await world.bank.query_refund("RF1")
    await world.bank.trade_bill(NOW.date())
    await world.bank.create_jsapi_order(
        "R3", "内科", 500, NOW + timedelta(minutes=10), NOTIFY_URL, "o-payer"
    )
    await world.bank.fund_flow_bill(NOW.date())
    assert {method for method, _ in called} == {"GET", "POST"}
    for method, path in called:
        assert any(method == m and re.fullmatch(pattern, path) for m, pattern in PUBLISHED_V3), (
            f"{method} {path} is not a published WeChat Pay API v3 path"
        )
    assert len({(m, p) for m, p in called}) >= 9


async def test_query_by_transaction_id(world: World) -> None:
    assert await world.bank.query_transaction("4200000000000000") is None
    await _paid_order(world)
    paid = await world.bank.query_order("R1")
    assert paid is not None and paid.transaction_id
    found = await world.bank.query_transaction(paid.transaction_id)
    assert found is not None and found.out_trade_no == "R1"


async def test_a_processing_refund_succeeds_later_and_is_notified(world: World) -> None:
    await _paid_order(world)
    world.state.faults.refunds_processing = True
    refund = await world.bank.refund("R1", "RF1", 1234, 1234, "退号", NOTIFY_URL)
    assert refund.status == "PROCESSING"
    assert (await world.bank.query_refund("RF1")).status == "PROCESSING"  # type: ignore[union-attr]
    switched = await world.cashier.put(f"{BASE}/faults", json={"refundsProcessing": False})
    assert switched.status_code == 200
    later = await world.bank.query_refund("RF1")
    assert later is not None and later.status == "SUCCESS" and later.success_time is not None
    await world.state.drain()
    [notice] = [n for n in world.notices if n.event_type.startswith("REFUND.")]
    assert notice.event_type == "REFUND.SUCCESS"
    assert RefundNotice.model_validate(notice.resource).refund_status == "SUCCESS"


async def test_a_refund_refused_for_good_is_abnormal_and_notified(world: World) -> None:
    await _paid_order(world)
    world.state.faults.refunds_abnormal = True
    refund = await world.bank.refund("R1", "RF1", 1234, 1234, "退号", NOTIFY_URL)
    assert refund.status == "ABNORMAL"
    await world.state.drain()
    [notice] = [n for n in world.notices if n.event_type.startswith("REFUND.")]
    assert notice.event_type == "REFUND.ABNORMAL"
    assert RefundNotice.model_validate(notice.resource).refund_status == "ABNORMAL"
    # The money stayed with the merchant: the bill lists no refund for it.
    bill = await world.bank.trade_bill(NOW.date())
    assert [line.is_refund for line in bill.lines] == [False]
    assert bill.summary.refund_total == 0


async def test_a_timed_out_post_is_an_unknown_outcome_settled_by_querying(world: World) -> None:
    world.state.faults.timeout_rate = 1.0
    with pytest.raises(UpstreamTimeout):
        await world.bank.create_h5_order(
            "R1", "x", 100, NOW + timedelta(minutes=10), NOTIFY_URL, "1.1.1.1"
        )
    assert world.bank.calls == 1  # a POST is never repeated blindly
    world.state.faults.timeout_rate = 0.0
    settled = await world.bank.query_order("R1")
    assert settled is not None
    assert settled.trade_state == "NOTPAY"


async def test_reads_are_retried_then_reported_unavailable(world: World) -> None:
    world.state.faults.error_rate = 1.0
    with pytest.raises(BankUnavailable):
        await world.bank.query_order("R1")
    assert world.bank.calls == 3


async def test_an_answer_signed_by_someone_else_is_no_answer(world: World) -> None:
    impostor = BankKeys.generate()
    world.bank.keys = (
        keys()
        .merchant_side()
        .__class__(
            merchant_key=keys().merchant_key,
            merchant_serial=keys().merchant_serial,
            platform_keys={keys().platform_serial: impostor.platform_public_key},
        )
    )
    with pytest.raises(BankUnavailable):
        await world.bank.query_order("R1")


async def test_an_altered_answer_is_no_answer(world: World) -> None:
    def alter(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        body = response.content.replace(b"NOTPAY", b"SUCCESS")
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    await world.bank.create_h5_order(
        "R1", "x", 100, NOW + timedelta(minutes=10), NOTIFY_URL, "1.1.1.1"
    )
    world.wire.alter = alter
    with pytest.raises(BankUnavailable):
        await world.bank.query_order("R1")


async def test_trade_bill_to_the_fen(world: World) -> None:
    await _paid_order(world, "R1", 1234)
    await _paid_order(world, "R2", 1)
    world.clock.advance(minutes=5)
    await world.bank.refund("R1", "RF1", 999, 1234, "退号", None)
    world.clock.advance(days=1)
    bill = await world.bank.trade_bill(date(2024, 5, 1))
    assert bill.bill_date == date(2024, 5, 1)
    payments = [line for line in bill.lines if not line.is_refund]
    refunds = [line for line in bill.lines if line.is_refund]
    assert [(p.out_trade_no, p.settlement_amount, p.order_amount) for p in payments] == [
        ("R1", 1234, 1234),
        ("R2", 1, 1),
    ]
    assert [(r.out_refund_no, r.refund_amount, r.out_trade_no) for r in refunds] == [
        ("RF1", 999, "R1")
    ]
    assert refunds[0].traded_at == NOW + timedelta(minutes=5)
    assert payments[0].transaction_id.startswith("4200000")
    assert bill.summary.total_count == 3
    assert bill.summary.settlement_total == 1235
    assert bill.summary.refund_total == 999


async def test_a_bill_that_does_not_match_its_hash_is_refused(world: World) -> None:
    await _paid_order(world, "R1", 1234)

    def alter(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if "billdownload" not in request.url.path:
            return response
        return httpx.Response(200, content=response.content.replace(b"12.34", b"12.35"))

    world.wire.alter = alter
    with pytest.raises(TradeBillError):
        await world.bank.trade_bill(date(2024, 5, 1))


def test_parse_trade_bill_reads_columns_by_name() -> None:
    header = (
        "商户订单号,交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,用户标识,交易类型,交易状态,"
        "付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,"
        "退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
    )
    row = (
        "`R7,`2024-05-01 23:59:59,`wx1,`1900000001,`0,`,`4200000001,`o-1,`JSAPI,`SUCCESS,"
        "`CMB_CREDIT,`CNY,`1999.99,`0.00,`0,`0,`0.00,`0.00,`,`,`挂号,`,`12.00000,`0.60%,`1999.99,`0.00,`"
    )
    summary = (
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,"
        "手续费总金额,订单总金额,申请退款总金额"
    )
    totals = "`1,`1999.99,`0.00,`0.00,`12.00000,`1999.99,`0.00"
    content = ("\ufeff" + "\r\n".join([header, row, summary, totals]) + "\r\n").encode()
    bill = parse_trade_bill(content, date(2024, 5, 1))
    [line] = bill.lines
    assert (line.out_trade_no, line.settlement_amount, line.fee, line.bank_type) == (
        "R7",
        199999,
        1200,
        "CMB_CREDIT",
    )
    assert line.traded_at == datetime(2024, 5, 1, 23, 59, 59, tzinfo=SHANGHAI)
    assert bill.summary.order_total == 199999
    assert bill.summary.fee_total == 1200


def test_parse_trade_bill_refuses_a_truncated_file() -> None:
    with pytest.raises(ValueError):
        parse_trade_bill(b"\xe4\xba\xa4\xe6\x98\x93\xe6\x97\xb6\xe9\x97\xb4\n", date(2024, 5, 1))


# --- JSAPI -----------------------------------------------------------------------------------


def _bridge(params: JsapiPayParams, **changes: str) -> dict[str, str]:
    """What the page hands WeixinJSBridge, with WeChat's names."""
    body = {
        "appId": params.app_id,
        "timeStamp": params.timestamp,
        "nonceStr": params.nonce_str,
        "package": params.package,
        "signType": params.sign_type,
        "paySign": params.pay_sign,
    }
    body.update(changes)
    return body


async def _jsapi_order(world: World, no: str = "J1", openid: str = "o-payer") -> JsapiPayParams:
    order = await world.bank.create_jsapi_order(
        no, "内科", 700, NOW + timedelta(minutes=10), NOTIFY_URL, openid
    )
    assert order.prepay_id
    return world.bank.jsapi_pay_params(order.prepay_id)


async def test_jsapi_order_is_paid_with_the_merchant_signed_bridge_params(world: World) -> None:
    params = await _jsapi_order(world)
    assert params.app_id == APP_ID and params.sign_type == "RSA"
    assert params.package.startswith("prepay_id=")
    message = f"{params.app_id}\n{params.timestamp}\n{params.nonce_str}\n{params.package}\n"
    assert verify_message(keys().merchant_public_key, message, params.pay_sign)
    paid = await world.cashier.post(f"{BASE}/jsapi/pay", json=_bridge(params))
    assert paid.status_code == 200, paid.text
    tx = await world.bank.query_order("J1")
    assert tx is not None and tx.is_paid and tx.trade_type == "JSAPI"
    assert tx.payer is not None and tx.payer.openid == "o-payer"
    await world.state.drain()
    [notice] = world.notices
    assert Transaction.model_validate(notice.resource).out_trade_no == "J1"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"paySign": "Zm9yZ2Vk"}, "SIGN_ERROR"),  # not the merchant's signature
        ({"nonceStr": "another-nonce"}, "SIGN_ERROR"),  # a signed value altered
        ({"openid": "o-someone-else"}, "NO_AUTH"),  # another WeChat user
        ({"signType": "MD5"}, "PARAM_ERROR"),
    ],
)
async def test_jsapi_bridge_refuses_what_the_merchant_did_not_sign(
    world: World, changes: dict[str, str], code: str
) -> None:
    params = await _jsapi_order(world)
    refused = await world.cashier.post(f"{BASE}/jsapi/pay", json=_bridge(params, **changes))
    assert refused.json()["code"] == code
    tx = await world.bank.query_order("J1")
    assert tx is not None and tx.trade_state == "NOTPAY"


async def test_a_jsapi_order_is_not_paid_at_the_h5_cashier(world: World) -> None:
    params = await _jsapi_order(world)
    prepay_id = params.package.removeprefix("prepay_id=")
    refused = await world.cashier.post(f"{BASE}/cashier/{prepay_id}", json={"action": "pay"})
    assert refused.status_code == 400
    tx = await world.bank.query_order("J1")
    assert tx is not None and tx.trade_state == "NOTPAY"


async def test_jsapi_order_needs_the_payer(world: World) -> None:
    with pytest.raises(UpstreamRejected) as caught:
        await world.bank.create_jsapi_order(
            "J1", "内科", 700, NOW + timedelta(minutes=10), NOTIFY_URL, ""
        )
    assert caught.value.code == "PARAM_ERROR"


# --- the fund-flow bill ----------------------------------------------------------------------


async def test_fund_flow_bill_to_the_fen(world: World) -> None:
    await _paid_order(world, "R1", 1234)
    await _paid_order(world, "R2", 1)
    world.clock.advance(minutes=5)
    await world.bank.refund("R1", "RF1", 999, 1234, "退号", None)
    world.clock.advance(days=1)
    # The next day: not in this day's flow, but on top of its balance.
    next_day = await world.bank.create_h5_order(
        "R3", "内科", 50, world.clock.now() + timedelta(minutes=10), NOTIFY_URL, "10.0.0.1"
    )
    await world.pay(next_day.h5_url)
    world.clock.advance(days=1)
    flow = await world.bank.fund_flow_bill(date(2024, 5, 1))
    assert flow.account_type == "BASIC"
    assert [(line.direction, line.amount) for line in flow.lines] == [
        ("收入", 1234),
        ("收入", 1),
        ("支出", 999),
    ]
    assert [line.balance for line in flow.lines] == [1234, 1235, 236]
    assert flow.lines[2].booked_at == NOW + timedelta(minutes=5)
    s = flow.summary
    assert (s.total_count, s.income_count, s.income_total) == (3, 2, 1235)
    assert (s.expense_count, s.expense_total) == (1, 999)
    later = await world.bank.fund_flow_bill(date(2024, 5, 2))
    assert later.summary.expense_total == 0
    assert (later.summary.income_total, later.lines[0].balance) == (50, 286)


async def test_a_fund_flow_bill_that_does_not_match_its_hash_is_refused(world: World) -> None:
    await _paid_order(world, "R1", 1234)

    def alter(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if "billdownload" not in request.url.path:
            return response
        return httpx.Response(200, content=response.content.replace(b"12.34", b"12.35"))

    world.wire.alter = alter
    with pytest.raises(TradeBillError):
        await world.bank.fund_flow_bill(date(2024, 5, 1))


async def test_fund_flow_bill_of_an_unknown_account_type_is_not_asked_for(world: World) -> None:
    with pytest.raises(ValueError):
        await world.bank.fund_flow_bill(date(2024, 5, 1), "SAVINGS")
    assert world.bank.calls == 0


def test_parse_fund_flow_bill_reads_wechats_published_sample() -> None:
    # The layout (and the decimal counts) of the sample WeChat publishes with the API.
    content = (
        "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),"
        "账户结余(元),资金变更提交申请人,备注,业务凭证号\r\n"
        "`2018-02-01 04:21:23,`50000305742018020103387128253,`1900009231201802015884652186,"
        "`退款,`退款,`支出,`0.02,`0.17,`system,`缺货,`REF4200000068201801293084726067\r\n"
        "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\r\n"
        "`20.0,`17.0,`0.35,`3.0,`0.18\r\n"
    ).encode()
    flow = parse_fund_flow_bill(content, date(2018, 2, 1), "BASIC")
    [line] = flow.lines
    assert (line.direction, line.amount, line.balance, line.is_income) == ("支出", 2, 17, False)
    s = flow.summary
    assert (s.total_count, s.income_count, s.income_total) == (20, 17, 35)
    assert (s.expense_count, s.expense_total) == (3, 18)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        "记账时间,收支类型\r\n资金流水总笔数\r\n".encode(),  # no summary values
        "未知列,收支类型\r\n`x,`y\r\n资金流水总笔数\r\n`1\r\n".encode(),
        "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\r\n`1.5,`1,`0.01,`0,`0\r\n"
        "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\r\n`1.5,`1,`0.01,`0,`0\r\n".encode(),
    ],
)
def test_parse_fund_flow_bill_refuses_what_it_cannot_read(content: bytes) -> None:
    with pytest.raises(ValueError):
        parse_fund_flow_bill(content, date(2018, 2, 1), "BASIC")
