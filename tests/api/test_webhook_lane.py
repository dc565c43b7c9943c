"""webhooks.WebhookLane: a POST to a webhook reaches its handler without the router, and is
answered as the router's route would answer it (a payment settled, a forged notification 401,
the request id kept); anything else still goes through the router."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.routing import Router

from fixtures.money import notification
from fixtures.population import seed_awaiting_orders
from hospital_bff.runtime import Runtime
from hospital_bff.store.models import Payment


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the router was asked for."""
    paths: list[str] = []
    original = Router.__call__

    async def counting(self: Router, scope: Any, receive: Any, send: Any) -> None:
        paths.append(scope.get("path", ""))
        await original(self, scope, receive, send)

    monkeypatch.setattr(Router, "__call__", counting)
    return paths


async def test_a_bank_notification_is_settled_past_the_router(
    app: Starlette, client: httpx.AsyncClient, runtime: Runtime, routed: list[str]
) -> None:
    due = runtime.clock.now() + timedelta(minutes=10)
    [(_, out_trade_no)] = await seed_awaiting_orders(
        runtime, 1, expires_at=[due], with_payments=True, prefix="lane"
    )
    resource = {
        "mchid": runtime.settings.bank_mch_id,
        "out_trade_no": out_trade_no,
        "transaction_id": "4200000000000000000000000001",
        "trade_state": "SUCCESS",
        "success_time": runtime.clock.now().isoformat(),
        "amount": {"total": 5000, "payer_total": 5000, "currency": "CNY"},
    }
    body, headers = notification(app, resource, now=runtime.clock.now(), notice_id="lane-1")

    response = await client.post("/webhooks/bank", content=body, headers=headers)
    forged = await client.post(
        "/webhooks/bank", content=body.replace(b"lane-1", b"lane-2"), headers=headers
    )
    wrong_method = await client.get("/webhooks/bank")

    assert response.status_code == 204
    assert response.headers["x-request-id"]
    assert forged.status_code == 401
    assert forged.json() == {"code": "FAIL", "message": "signature or payload rejected"}
    assert wrong_method.status_code == 405
    assert routed == ["/webhooks/bank"], "only the GET went through the router"
    async with runtime.sessions() as session:
        payment = (await session.exec(select(Payment))).one()
    assert payment.status == "SUCCEEDED"
