"""An expiry grouped with others (PaymentService.expire_grouped) never expires an order whose
bank order was opened while the expiry waited for the order's lock: on PostgreSQL the
locking statement's EXISTS sees the database as that statement began, so what committed
during the wait is read again after the lock."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import make_settings
from fixtures.databases import a_session_waits_for_a_lock
from fixtures.journey import eventually
from fixtures.population import seed_awaiting_orders
from hospital_bff.config import Settings
from hospital_bff.runtime import Runtime
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.store.models import Order, Payment

pytestmark = pytest.mark.parametrize("backend", ["postgres"])


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    return make_settings(backend, tmp_path, run_jobs_in_process=False)


async def test_a_bank_order_opened_during_the_wait_keeps_the_order(runtime: Runtime) -> None:
    now = runtime.clock.now()
    [(order_id, _)] = await seed_awaiting_orders(
        runtime, 1, expires_at=[now - timedelta(seconds=1)], with_payments=False, prefix="lw"
    )
    service = PaymentService(runtime)
    async with runtime.sessions() as opening, opening.begin():
        # Opening a bank order: its payment's insert holds the order's key lock until commit.
        opening.add(
            Payment(
                order_id=order_id,
                out_trade_no="Tlw00000001",
                idempotency_key="lw-pay",
                amount=5000,
                status="PENDING",
                pay_url="-",
                created_at=now,
                expires_at=now + timedelta(minutes=1),
            )
        )
        await opening.flush()
        expiring = asyncio.create_task(service._expire_unpaid_together([order_id]))

        await eventually(lambda: a_session_waits_for_a_lock(runtime))
    assert await expiring == [None], "a bank order is open: the order takes expire's way"
    async with runtime.sessions() as session:
        order = await session.get(Order, order_id)
        assert order is not None and order.status == "AWAITING_PAYMENT"
