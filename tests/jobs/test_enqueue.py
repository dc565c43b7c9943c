"""Jobs leave only after the commit that makes them true, and each actor runs on the broker."""

from __future__ import annotations

import asyncio

import dramatiq
import pytest
from sqlalchemy import text

from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.runtime import Runtime


class _Outcomes(dramatiq.Middleware):
    """Records each processed message's actor and the exception it ended with, if any."""

    def __init__(self) -> None:
        self.processed: list[tuple[str, BaseException | None]] = []

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: dramatiq.Message[object],
        *,
        result: object = None,
        exception: BaseException | None = None,
    ) -> None:
        self.processed.append((message.actor_name, exception))


@pytest.fixture
def broker(app: object, runtime: Runtime) -> dramatiq.Broker:
    """The app's in-process broker, its workers running on the test's event loop."""
    b: dramatiq.Broker = app.state.broker  # type: ignore[attr-defined]
    return b


async def test_nothing_is_sent_when_the_transaction_rolls_back(
    runtime: Runtime, broker: dramatiq.Broker
) -> None:
    sent: list[str] = []
    original = broker.enqueue

    def spy(
        message: dramatiq.Message[object], *, delay: int | None = None
    ) -> dramatiq.Message[object]:
        sent.append(message.actor_name)
        return message

    broker.enqueue = spy  # type: ignore[method-assign]
    try:

        async def failing_unit() -> None:
            async with runtime.sessions() as session, session.begin():
                enqueue_after_commit(session, "expire_order", "ord_x")
                raise RuntimeError("business failed")

        with pytest.raises(RuntimeError):
            await failing_unit()
        assert sent == []
        async with runtime.sessions() as session, session.begin():
            await session.execute(text("SELECT 1"))
            enqueue_after_commit(session, "expire_order", "ord_y", delay_ms=1000)
            assert sent == [], "not before the commit"
        assert sent == ["expire_order"]
    finally:
        broker.enqueue = original  # type: ignore[method-assign]


async def test_every_actor_is_declared_on_the_broker(broker: dramatiq.Broker) -> None:
    from hospital_bff.jobs.actors import ALL

    assert {a.actor_name for a in ALL} <= set(broker.get_declared_actors())


async def test_an_actor_for_a_missing_order_is_a_no_op(
    runtime: Runtime, broker: dramatiq.Broker
) -> None:
    """Actors take ids and re-check state: a stale message changes nothing and does not fail."""
    from hospital_bff.jobs.actors import confirm_order, expire_order, release_his_hold, send_refund

    outcomes = _Outcomes()
    broker.add_middleware(outcomes)
    try:
        for actor, arg in (
            (confirm_order, "ord_missing"),
            (expire_order, "ord_missing"),
            (send_refund, "rfd_missing"),
            (release_his_hold, "ord_missing"),
        ):
            actor.send(arg)
        await asyncio.to_thread(broker.join, "default", fail_fast=True, timeout=10_000)
    finally:
        broker.middleware.remove(outcomes)
    assert sorted(outcomes.processed, key=lambda p: p[0]) == [
        ("confirm_order", None),
        ("expire_order", None),
        ("release_his_hold", None),
        ("send_refund", None),
    ]
    async with runtime.sessions() as session:
        for table in ("bff_order", "payment", "refund", "notice"):
            count = (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            assert count == 0, f"{table} changed"
