"""services/money/orders.transition: one Core UPDATE ... RETURNING. The order it moved reads
as a refresh would read it (the values set, the version bumped, and a column another writer
changed meanwhile without bumping the version); its owner is noted for the kept personal
answers (store/touched.py); a change pending on the order is flushed first; and an order
someone else moved first is not moved again and is read back as it now is."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col

from conftest import make_settings
from fixtures.population import seed_awaiting_orders
from hospital_bff.config import Settings
from hospital_bff.runtime import Runtime
from hospital_bff.services.money import orders
from hospital_bff.services.money.rules import OrderStatus
from hospital_bff.store import touched
from hospital_bff.store.models import Order


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    return make_settings(backend, tmp_path, run_jobs_in_process=False)


async def _one_unpaid_order(runtime: Runtime, prefix: str) -> str:
    """An order awaiting payment whose window has just ended, without a payment."""
    lapsed = runtime.clock.now() - timedelta(seconds=1)
    [(order_id, _)] = await seed_awaiting_orders(
        runtime, 1, expires_at=[lapsed], with_payments=False, prefix=prefix
    )
    return order_id


async def test_a_transition_reads_the_row_as_it_now_is_and_notes_its_owner(
    runtime: Runtime,
) -> None:
    now = runtime.clock.now()
    order_id = await _one_unpaid_order(runtime, "tr")
    async with runtime.sessions() as session, session.begin():
        order = await session.get(Order, order_id)
        assert order is not None
        # Another writer's change that does not bump the version, after our read.
        async with runtime.sessions() as other, other.begin():
            await other.execute(update(Order).where(col(Order.id) == order_id).values(no_show=True))
        order.patient_name = "改名"  # pending on the order: flushed before the UPDATE
        moved = await orders.transition(
            session, order, OrderStatus.EXPIRED, closed_at=now, cancel_reason="超时未支付"
        )
        assert moved
        assert (order.status, order.version) == ("EXPIRED", 1)
        assert order.closed_at == now
        assert order.cancel_reason == "超时未支付"
        assert order.no_show is True
        assert order.patient_name == "改名"
        assert order not in session.dirty
        assert touched.take(session.sync_session).users == {order.user_id}
    async with runtime.sessions() as session:
        stored = await session.get(Order, order_id)
        assert stored is not None
        assert (stored.status, stored.version, stored.closed_at) == ("EXPIRED", 1, now)
        assert (stored.no_show, stored.patient_name) == (True, "改名")


async def test_an_order_moved_first_is_not_moved_again(runtime: Runtime) -> None:
    now = runtime.clock.now()
    order_id = await _one_unpaid_order(runtime, "tl")
    async with runtime.sessions() as session, session.begin():
        order = await session.get(Order, order_id)
        assert order is not None
        async with runtime.sessions() as other, other.begin():
            # A payment got there first: PAID, version 1.
            first = await other.get(Order, order_id)
            assert first is not None
            assert await orders.transition(other, first, OrderStatus.PAID, paid_at=now)
        moved = await orders.transition(
            session, order, OrderStatus.EXPIRED, closed_at=now, cancel_reason="超时未支付"
        )
        assert not moved
        assert (order.status, order.version, order.paid_at) == ("PAID", 1, now)
        assert order.closed_at is None
