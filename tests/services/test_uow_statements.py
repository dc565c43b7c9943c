"""services/uow.py `statements`, and the booking's single-statement writes that run in it
(holds.hold_place, orders.open_order): on PostgreSQL each statement is its own transaction,
so a write that must hold together is one statement; what the unit made true (its jobs, its
events) leaves after it as after a commit, and nothing leaves from a unit that raised."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from sqlmodel import select

from conftest import START
from fixtures.accounts import verified_patient
from hospital_bff.events import catalogue_topic
from hospital_bff.jobs import enqueue
from hospital_bff.runtime import Runtime
from hospital_bff.services import personal_generations, uow
from hospital_bff.services.money import holds, orders
from hospital_bff.services.money.rules import OrderKind
from hospital_bff.store import touched
from hospital_bff.store.models import Order, PlaceHold, SlotInventory

SLOT = "slot-test-uow-0800"
SCHEDULE = "sch-test-uow"


async def test_on_postgresql_each_statement_is_a_transaction_of_its_own(
    runtime: Runtime, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite: `statements` is `unit_of_work` (a test below)")
    xid = sa.text("SELECT txid_current()")  # the transaction's id (one is given if none yet)
    async with uow.statements(runtime) as session:
        first, second = [(await session.execute(xid)).scalar_one() for _ in range(2)]
    assert first != second, "no BEGIN was sent: each statement was a transaction"
    async with uow.unit_of_work(runtime) as session:
        first, second = [(await session.execute(xid)).scalar_one() for _ in range(2)]
    assert first == second


async def test_its_jobs_leave_after_it_and_not_when_it_raises(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def send_now(actor_name: str, *args: Any, delay_ms: int | None = None) -> None:
        sent.append((actor_name, args))

    monkeypatch.setattr(enqueue, "send_now", send_now)
    async with uow.statements(runtime) as session:
        enqueue.enqueue_after_commit(session, "expire_order", "ord_a")
        assert not sent, "not before the unit ends"
    assert sent == [("expire_order", ("ord_a",))]

    async def refused() -> None:
        async with uow.statements(runtime) as session:
            enqueue.enqueue_after_commit(session, "expire_order", "ord_b")
            raise RuntimeError("the rules said no")

    with pytest.raises(RuntimeError):
        await refused()
    assert sent == [("expire_order", ("ord_a",))], "a unit that raised sends nothing"


async def test_on_sqlite_a_unit_that_raises_after_its_write_keeps_nothing(
    runtime: Runtime, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL: each statement is kept as it runs (the test above)")

    async def written_then_raised() -> None:
        async with uow.statements(runtime) as session:
            assert await _hold(session, "ord_x", capacity=1)
            raise RuntimeError("after the write")

    with pytest.raises(RuntimeError):
        await written_then_raised()
    assert await _held(runtime) == (0, [])


async def test_a_place_is_taken_with_its_hold_and_never_beyond_capacity(
    runtime: Runtime,
) -> None:
    for n in range(3):
        async with uow.statements(runtime) as session:
            assert await _hold(session, f"ord_{n}", capacity=3), "the first made the slot's row"
    async with uow.statements(runtime) as session:
        assert not await _hold(session, "ord_3", capacity=3), "full"
    assert await _held(runtime) == (3, ["ord_0", "ord_1", "ord_2"]), "no hold without its place"


async def test_an_order_claims_its_hold_in_its_own_write_or_is_not_written(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, _ = await verified_patient(client, runtime)
    async with uow.statements(runtime) as session:
        assert await _hold(session, "ord_mine", capacity=2)
    mine = _order("ord_mine", "k1", user_id)
    order, created = await orders.open_order(runtime, mine, hold_id="ord_mine")
    assert created and order.id == "ord_mine"
    assert await _held(runtime) == (1, []), "the hold became the order's place"
    # The lease sweep gave the place back first: no hold to claim, no order.
    with pytest.raises(orders.HoldLapsed):
        await orders.open_order(runtime, _order("ord_late", "k2", user_id), hold_id="ord_late")
    async with runtime.sessions() as session:
        assert (await session.get(Order, "ord_mine")) is not None
        assert (await session.get(Order, "ord_late")) is None


async def test_a_second_order_with_the_same_key_leaves_its_hold_in_place(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, _ = await verified_patient(client, runtime)
    async with uow.statements(runtime) as session:
        assert await _hold(session, "ord_first", capacity=2)
        assert await _hold(session, "ord_second", capacity=2)
    first, created = await orders.open_order(
        runtime, _order("ord_first", "same", user_id), hold_id="ord_first"
    )
    assert created
    # The INSERT collides on the key: the claim in the same statement is undone with it, so
    # the booking's own clean-up (a hold it did not turn into an order) gives the place back.
    winner, created = await orders.open_order(
        runtime, _order("ord_second", "same", user_id), hold_id="ord_second"
    )
    assert not created and winner.id == first.id
    assert await _held(runtime) == (2, ["ord_second"])


async def _hold(session: Any, hold_id: str, *, capacity: int) -> bool:
    now = _now()
    return await holds.hold_place(session, hold_id, SLOT, SCHEDULE, capacity, now, 30)


async def _held(runtime: Runtime) -> tuple[int, list[str]]:
    """The slot's count, and its holds."""
    async with runtime.sessions() as session:
        inventory = await session.get(SlotInventory, SLOT)
        hold_ids = sorted((await session.exec(select(PlaceHold.id))).all())
    return (inventory.held if inventory else 0), hold_ids


def _now() -> datetime:
    return START


def _order(order_id: str, key: str, user_id: str) -> Order:
    return orders.awaiting_payment(
        order_id=order_id,
        kind=OrderKind.REGISTRATION,
        user_id=user_id,
        his_patient_id="pat-uow",
        patient_name="张三",
        idempotency_key=key,
        amount=1000,
        items=[{"code": "REG", "name": "挂号费", "amount": 1000}],
        now=_now(),
        window_seconds=600,
        slot_id=SLOT,
        schedule_id=SCHEDULE,
        department_id="dep-test",
        department_name=None,
        expert_id="exp-test",
        expert_name=None,
        expert_title=None,
        visit_date=date(2026, 12, 8),
        period="AM",
        starts_at=_now() + timedelta(days=4),
        ends_at=_now() + timedelta(days=4, minutes=30),
        location=None,
    )


# --- what a unit tells Redis after it ----------------------------------------------------------


def needs_redis(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("the embedded default tells its generations and listeners in the process")


@asynccontextmanager
async def hearing(runtime: Runtime, topic: str) -> AsyncIterator[Any]:
    """A subscriber of the topic's channel, its confirmation read."""
    listener = runtime.redis.pubsub()
    await listener.subscribe(runtime.events.hub.prefix + topic)
    await listener.get_message(timeout=1)
    try:
        yield listener
    finally:
        await listener.aclose()


async def test_generations_and_events_leave_in_one_round_trip(
    runtime: Runtime, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_redis(backend)
    key = personal_generations.user_key("usr_told")
    [before] = await personal_generations.read(runtime, [key])
    pipelines = 0
    real = runtime.redis.pipeline

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal pipelines
        pipelines += 1
        return real(*args, **kwargs)

    async def alone(topic: str, payload: dict[str, Any]) -> None:
        raise AssertionError("published alone, in a round trip of its own")

    async with hearing(runtime, "schedule:sch-told") as listener:
        monkeypatch.setattr(runtime.redis, "pipeline", counted)
        monkeypatch.setattr(runtime.events, "publish", alone)
        async with uow.unit_of_work(runtime) as session:
            touched.note_user(session.sync_session, "usr_told")
            uow.publish_after_commit(session, "schedule:sch-told", {"id": "sch-told"})
        assert pipelines == 1
        message = await listener.get_message(timeout=5)
    assert message is not None and json.loads(message["data"]) == {"id": "sch-told"}
    [after] = await personal_generations.read(runtime, [key])
    assert int(after) == int(before or 0) + 1


async def test_redis_away_after_the_commit_loses_the_telling_not_the_unit(
    runtime: Runtime, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_redis(backend)

    def away(*args: Any, **kwargs: Any) -> Any:
        raise RedisConnectionError("Redis is away")

    monkeypatch.setattr(runtime.redis, "pipeline", away)
    async with uow.unit_of_work(runtime) as session:
        touched.note_user(session.sync_session, "usr_away")
        uow.publish_after_commit(session, "schedule:sch-away", {"id": "sch-away"})
    # Committed, and nothing raised: kept answers lapse by their short lifetimes.


async def test_a_schedule_change_is_told_in_the_event_publish_would_send(
    runtime: Runtime, backend: str
) -> None:
    needs_redis(backend)
    heard: list[tuple[str, int]] = []
    runtime.catalogue.listeners.append(lambda *told: heard.append(told))
    async with hearing(runtime, catalogue_topic()) as listener:
        await runtime.catalogue.invalidate_schedules("dep-内科")
        message = await listener.get_message(timeout=5)
    assert message is not None
    [(department, version)] = heard
    assert department == "dep-内科"
    assert message["data"] == json.dumps({"departmentId": department, "version": version})


async def test_a_redis_that_runs_no_scripts_is_told_as_before(
    runtime: Runtime, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_redis(backend)

    async def refused(**_: Any) -> Any:
        raise ResponseError("NOPERM this user has no permissions to run the 'evalsha' command")

    monkeypatch.setattr(runtime.catalogue, "_next_and_tell", refused)
    heard: list[int] = []
    runtime.catalogue.listeners.append(lambda _, version: heard.append(version))
    async with hearing(runtime, catalogue_topic()) as listener:
        for _ in range(2):
            await runtime.catalogue.invalidate_schedules("dep-nk")
        messages = [await listener.get_message(timeout=5) for _ in heard]
    assert heard[1] == heard[0] + 1
    for version, message in zip(heard, messages, strict=True):
        assert message is not None
        assert json.loads(message["data"]) == {"departmentId": "dep-nk", "version": version}
