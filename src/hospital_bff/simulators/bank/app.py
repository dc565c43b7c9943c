"""The bank simulator as an ASGI app: the routes of the WeChat Pay v3 subset it speaks, and
its unsigned helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from hospital_bff.clock import Clock
from hospital_bff.datasources.wechatpay_crypto import BankKeys
from hospital_bff.simulators.bank import endpoints as api
from hospital_bff.simulators.bank.endpoints import signed
from hospital_bff.simulators.bank.notifications import Notifier
from hospital_bff.simulators.bank.state import BankState

_TRADES = "/v3/pay/transactions"
_REFUNDS = "/v3/refund/domestic/refunds"


def create_bank_app(
    *,
    clock: Clock,
    keys: BankKeys,
    apiv3_key: str,
    mch_id: str,
    public_base_url: str,
    http: httpx.AsyncClient | None = None,
) -> Starlette:
    """The bank simulator as an ASGI app; its state is ``app.state.bank`` (a ``BankState``)."""
    state = BankState(mch_id=mch_id, clock=clock)
    notifier = Notifier(state, keys, apiv3_key.encode("utf-8"), http)
    routes = [
        Route(f"{_TRADES}/h5", signed(api.create_h5), methods=["POST"]),
        Route(f"{_TRADES}/jsapi", signed(api.create_jsapi), methods=["POST"]),
        Route(f"{_TRADES}/out-trade-no/{{out_trade_no}}", signed(api.query_order), methods=["GET"]),
        Route(
            f"{_TRADES}/out-trade-no/{{out_trade_no}}/close",
            signed(api.close_order),
            methods=["POST"],
        ),
        Route(
            f"{_TRADES}/id/{{transaction_id}}", signed(api.query_by_transaction), methods=["GET"]
        ),
        Route(_REFUNDS, signed(api.create_refund), methods=["POST"]),
        Route(f"{_REFUNDS}/{{out_refund_no}}", signed(api.query_refund), methods=["GET"]),
        Route("/v3/bill/tradebill", signed(api.trade_bill), methods=["GET"]),
        Route("/v3/bill/fundflowbill", signed(api.fund_flow_bill), methods=["GET"]),
        Route("/v3/billdownload/file", api.download_bill, methods=["GET"]),
        Route("/cashier/{prepay_id}", api.cashier_page, methods=["GET"]),
        Route("/cashier/{prepay_id}", api.cashier_action, methods=["POST"]),
        Route("/jsapi/pay", api.jsapi_pay, methods=["POST"]),
        Route("/ledger", api.ledger, methods=["GET"]),
        Route("/faults", api.faults, methods=["GET", "PUT"]),
        Route("/reset", api.reset, methods=["POST"]),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            for task in list(state.tasks):
                task.cancel()
            await notifier.aclose()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.bank = state
    app.state.bank_notifier = notifier
    app.state.bank_keys = keys
    app.state.bank_base_url = public_base_url.rstrip("/")
    return app
