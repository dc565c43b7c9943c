"""Closing a bank order (PaymentService.close_at_bank: the patient switched channel or
cancelled, the poll, the expiry) never overwrites a payment that a notification settled while
the close was on its way: on PostgreSQL the close reads the payment after the order's lock,
as every other writer of a payment's status does, so a SUCCEEDED committed during the wait
is seen and kept (it was written over with CLOSED: a PAID order with no payment to confirm)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from conftest import make_settings
from fixtures.databases import a_session_waits_for_a_lock
from fixtures.journey import eventually
from fixtures.population import seed_awaiting_orders
from hospital_bff.config import Settings
from hospital_bff.datasources.bank_models import Transaction
from hospital_bff.runtime import Runtime
from hospital_bff.services.money import payments
from hospital_bff.services.money.payments import PaymentService, Settled
from hospital_bff.store.models import Payment

pytestmark = pytest.mark.parametrize("backend", ["postgres"])


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    return make_settings(backend, tmp_path, run_jobs_in_process=False)


class ClosedAtTheBank:
    """The bank as the close found it: closed, no money (the money lands just after)."""

    async def close_order(self, out_trade_no: str) -> None:
        return None

    async def query_order(self, out_trade_no: str) -> Transaction:
        return Transaction(out_trade_no=out_trade_no, trade_state="CLOSED")


async def test_a_payment_settled_during_the_close_stays_settled(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = runtime.clock.now()
    [(order_id, out_trade_no)] = await seed_awaiting_orders(
        runtime, 1, expires_at=[now + timedelta(minutes=5)], with_payments=True, prefix="cl"
    )
    monkeypatch.setattr(payments, "bank", lambda rt: ClosedAtTheBank())
    service = PaymentService(runtime)
    async with runtime.sessions() as session:
        row = (
            await session.execute(select(Payment).where(Payment.out_trade_no == out_trade_no))
        ).scalar_one()
    async with runtime.sessions() as notifying, notifying.begin():
        # The notification's unit: the order locked, the payment SUCCEEDED, not yet committed.
        await notifying.execute(
            text("SELECT id FROM bff_order WHERE id = :o FOR UPDATE"), {"o": order_id}
        )
        await notifying.execute(
            text("UPDATE payment SET status = 'SUCCEEDED', final_at = now() WHERE id = :p"),
            {"p": row.id},
        )
        closing = asyncio.create_task(service.close_at_bank(row))

        await eventually(lambda: a_session_waits_for_a_lock(runtime))
    assert await closing is Settled.ALREADY_SETTLED
    async with runtime.sessions() as session:
        settled = await session.get(Payment, row.id)
        assert settled is not None and settled.status == "SUCCEEDED"
