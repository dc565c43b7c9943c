"""Capacity holds: how a slot's places are taken and given back.

A slot's `held` is, at every commit, its active orders plus its PlaceHold rows: a booking
takes a place with a leased hold, its order's commit turns the hold into the order, and
an order's end gives the place back, each in one transaction with the count. A booking
that dies between hold and order leaves only its hold, which the lease sweep frees.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy import bindparam, delete, update
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.money import his_locks
from hospital_bff.services.money.rules import ACTIVE, OrderKind
from hospital_bff.services.waitlist import waiting
from hospital_bff.store.core import run
from hospital_bff.store.models import Order, PlaceHold, SlotInventory
from hospital_bff.store.upsert import dialect_insert, dialect_of

log = structlog.get_logger(__name__)


_SLOTS: sa.Table = SlotInventory.__table__  # type: ignore[attr-defined]
_HOLDS: sa.Table = PlaceHold.__table__  # type: ignore[attr-defined]

# A booking's statements, built once and run as Core (store/core.py): no row of these tables
# has an owner to note, and the booking's session holds none of their objects.
_TAKE = (
    sa.update(_SLOTS)
    .where(_SLOTS.c.slot_id == bindparam("slot"), _SLOTS.c.held < bindparam("below"))
    .values(held=_SLOTS.c.held + 1, capacity=bindparam("set_capacity"), updated_at=bindparam("now"))
)
_HOLD = sa.insert(_HOLDS)
_CLAIM = sa.delete(_HOLDS).where(_HOLDS.c.id == bindparam("hold"))


def _take_and_hold() -> Any:
    """PostgreSQL: the place taken and its hold written in one statement (a data-modifying
    WITH), atomic without a transaction around it; no row when the slot is full or has no
    count yet."""
    took = _TAKE.returning(_SLOTS.c.slot_id).cte("took")
    held = sa.select(
        bindparam("id", type_=_HOLDS.c.id.type),
        took.c.slot_id,
        bindparam("held_until", type_=_HOLDS.c.held_until.type),
        bindparam("created_at", type_=_HOLDS.c.created_at.type),
    ).select_from(took)
    columns = ["id", "slot_id", "held_until", "created_at"]
    return sa.insert(_HOLDS).from_select(columns, held).add_cte(took)


_TAKE_AND_HOLD = _take_and_hold()


def claimed() -> Any:
    """PostgreSQL: the hold claimed, as the WITH of its order's INSERT (orders.py), so the
    order and its place are one statement; the INSERT selects from it (no row: lapsed)."""
    return _CLAIM.returning(_HOLDS.c.id).cte("claimed")


def _taking(slot_id: str, capacity: int, now: datetime) -> dict[str, Any]:
    """`_TAKE`'s parameters (also those of the WITH that takes in `_TAKE_AND_HOLD`)."""
    return {"slot": slot_id, "below": capacity, "set_capacity": capacity, "now": now}


async def hold_place(
    session: AsyncSession,
    hold_id: str,
    slot_id: str,
    schedule_id: str,
    capacity: int,
    now: datetime,
    lease_seconds: int,
) -> bool:
    """Take one place of a slot if one is free, on a lease; atomic across processes. On
    PostgreSQL the place and its hold are one statement, so `uow.statements` may run it."""
    held_until = now + timedelta(seconds=lease_seconds)
    hold = {"id": hold_id, "held_until": held_until, "created_at": now}
    # The slot's row is made by its first booking only: the others take at once (a take that
    # matched nothing is a slot without a row, or a full one).
    if await _take_held(session, slot_id, capacity, now, hold):
        return True
    await session.execute(
        dialect_insert(session)(SlotInventory.__table__)  # type: ignore[attr-defined]
        .values(slot_id=slot_id, schedule_id=schedule_id, capacity=capacity, held=0)
        .on_conflict_do_nothing()
    )
    return await _take_held(session, slot_id, capacity, now, hold)


async def _take_held(
    session: AsyncSession, slot_id: str, capacity: int, now: datetime, hold: dict[str, Any]
) -> bool:
    taking = _taking(slot_id, capacity, now)
    if dialect_of(session) == "postgresql":
        return bool((await run(session, _TAKE_AND_HOLD, taking | hold)).rowcount)
    if not (await run(session, _TAKE, taking)).rowcount:
        return False
    await run(session, _HOLD, {"slot_id": slot_id} | hold)
    return True


async def claim_hold(session: AsyncSession, hold_id: str) -> bool:
    """In the order's own transaction: the hold becomes the order's place. False if its
    lease ran out and the sweep gave the place (and the HIS lock) back meanwhile."""
    return bool((await run(session, _CLAIM, {"hold": hold_id})).rowcount)


async def release_hold(session: AsyncSession, hold_id: str, now: datetime) -> bool:
    """Give back a hold's place if the hold is still there (once, whoever calls)."""
    hold = await session.get(PlaceHold, hold_id)
    if hold is None:
        return False
    result = await session.execute(delete(PlaceHold).where(col(PlaceHold.id) == hold_id))
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    if await session.get(Order, hold_id) is None:
        await release_place(session, hold.slot_id, now)
    return True


async def free_lapsed_hold(runtime: Runtime, hold_id: str) -> bool:
    """A hold past its lease: its booking never committed an order. The place comes back,
    and the HIS lock the booking may have taken (named after the same order) is released."""
    async with uow.unit_of_work(runtime) as session:
        freed = await free_expired_hold(session, hold_id, runtime.clock.now())
    if not freed:
        return False
    # Our own place is back already; the lock goes back now, or by a job if the HIS is away.
    await his_locks.release(runtime, hold_id, OrderKind.REGISTRATION)
    return True


async def expired_holds(runtime: Runtime) -> list[str]:
    """Holds whose lease ran out: their bookings never committed an order."""
    async with uow.unit_of_work(runtime) as session:
        rows = await session.exec(
            select(PlaceHold.id).where(col(PlaceHold.held_until) <= runtime.clock.now())
        )
        return list(rows.all())


async def free_expired_hold(session: AsyncSession, hold_id: str, now: datetime) -> bool:
    """The lease sweep's step for one hold; a hold renewed or already gone is left alone."""
    hold = await session.get(PlaceHold, hold_id)
    if hold is None or hold.held_until > now:
        return False
    return await release_hold(session, hold_id, now)


async def release_place(session: AsyncSession, slot_id: str, now: datetime) -> None:
    """Give a place back; once that commits, it is offered to the slot's waitlist, if anyone
    waits (services/waitlist/offers.py), else it is on sale again."""
    result = await session.execute(
        update(SlotInventory)
        .where(col(SlotInventory.slot_id) == slot_id, col(SlotInventory.held) > 0)
        .values(held=col(SlotInventory.held) - 1, updated_at=now)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        uow.place_freed_after_commit(session, slot_id)
        await waiting.offer_when_freed(session, slot_id)


async def free_in_store(session: AsyncSession, slot_id: str) -> bool:
    """Whether our database has a place of the slot that nobody holds."""
    row = await session.get(SlotInventory, slot_id)
    return row is not None and row.held < row.capacity


def _active_orders(slot_id: Any) -> Any:
    return (
        select(func.count())
        .select_from(Order)
        .where(
            col(Order.slot_id) == slot_id,
            col(Order.status).in_([s.value for s in ACTIVE]),
        )
        .scalar_subquery()
    )


def _holds(slot_id: Any) -> Any:
    return (
        select(func.count())
        .select_from(PlaceHold)
        .where(col(PlaceHold.slot_id) == slot_id)
        .scalar_subquery()
    )


async def resync_places(runtime: Runtime) -> int:
    """Recount every drifted slot, in a transaction of its own."""
    async with uow.unit_of_work(runtime) as session:
        return await _resync_places(session, runtime.clock.now())


async def _resync_places(session: AsyncSession, now: datetime) -> int:
    """Recount every slot whose count differs from its active orders plus its holds.

    No slot is skipped for being busy: bookings in flight are counted by their holds. Each
    slot is locked before it is counted, and every change to what is counted also writes
    the slot's row, so the count is read after any transaction in flight on it commits
    (PostgreSQL reads each statement afresh; SQLite has one writer).
    """
    drifted = list(
        (
            await session.exec(
                select(SlotInventory.slot_id)
                .where(
                    col(SlotInventory.held)
                    != _active_orders(SlotInventory.slot_id) + _holds(SlotInventory.slot_id)
                )
                .order_by(col(SlotInventory.slot_id))
            )
        ).all()
    )
    fixed = 0
    for slot_id in drifted:
        row = (
            await session.exec(
                select(SlotInventory)
                .where(SlotInventory.slot_id == slot_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).one()
        counted = (
            await session.execute(select(_active_orders(slot_id) + _holds(slot_id)))
        ).scalar_one()
        if row.held != counted:
            row.held = counted
            row.updated_at = now
            session.add(row)
            fixed += 1
    await session.flush()
    return fixed
