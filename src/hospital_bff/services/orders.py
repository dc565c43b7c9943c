"""Orders: owned look-ups, the one way to move an order's status, and capacity holds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.events import order_topic, schedule_topic
from hospital_bff.metrics import ORDER_TRANSITIONS
from hospital_bff.services.errors import NotFound
from hospital_bff.services.order_rules import OrderStatus, assert_transition
from hospital_bff.services.uow import publish_after_commit
from hospital_bff.store.models import Order, SlotInventory

ACTIVE = (OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID, OrderStatus.CONFIRMED)


async def owned_order(session: AsyncSession, user_id: str | None, order_id: str) -> Order:
    """The caller's order; someone else's answers exactly like a missing one."""
    order = await session.get(Order, order_id) if user_id else None
    if order is None or order.user_id != user_id:
        raise NotFound("订单", "order")
    return order


async def lock_order(session: AsyncSession, order_id: str) -> Order | None:
    """Read an order for update: concurrent jobs and webhooks on one order queue here."""
    query = select(Order).where(Order.id == order_id).with_for_update()
    return (await session.exec(query)).first()


async def transition(
    session: AsyncSession, order: Order, target: OrderStatus, **fields: Any
) -> bool:
    """Move `order` to `target` if nobody moved it first; False when someone did.

    The status and version in the WHERE clause make each transition happen once, whichever
    of a webhook, a poll, a sweep or a retry gets there first.
    """
    assert_transition(OrderStatus(order.status), target)
    result = await session.execute(
        update(Order)
        .where(
            col(Order.id) == order.id,
            col(Order.status) == order.status,
            col(Order.version) == order.version,
        )
        .values(status=target.value, version=order.version + 1, **fields)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        await session.refresh(order)
        return False
    await session.refresh(order)
    ORDER_TRANSITIONS.labels(order.kind, order.status).inc()
    publish_after_commit(session, order_topic(order.id), {"id": order.id, "status": order.status})
    if order.schedule_id:
        publish_after_commit(session, schedule_topic(order.schedule_id), {"id": order.schedule_id})
    return True


# --- capacity holds -------------------------------------------------------------------------------


async def hold_place(
    session: AsyncSession, slot_id: str, schedule_id: str, capacity: int, now: datetime
) -> bool:
    """Take one place of a slot if one is free; atomic across processes on both dialects."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(SlotInventory.__table__)  # type: ignore[attr-defined]
        .values(slot_id=slot_id, schedule_id=schedule_id, capacity=capacity, held=0)
        .on_conflict_do_nothing()
    )
    result = await session.execute(
        update(SlotInventory)
        .where(
            col(SlotInventory.slot_id) == slot_id,
            col(SlotInventory.held) < capacity,
        )
        .values(held=col(SlotInventory.held) + 1, capacity=capacity, updated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_place(session: AsyncSession, slot_id: str, now: datetime) -> None:
    await session.execute(
        update(SlotInventory)
        .where(col(SlotInventory.slot_id) == slot_id, col(SlotInventory.held) > 0)
        .values(held=col(SlotInventory.held) - 1, updated_at=now)
    )


# A booking holds its place before asking the HIS and inserts its order after: a slot touched
# this recently may have bookings in flight that no order shows yet.
RESYNC_QUIET_SECONDS = 120


async def resync_places(session: AsyncSession, now: datetime) -> int:
    """Recount the holds of quiet slots from their active orders, in one atomic statement: a
    crash between a hold and its order, or an order's end and its release, cannot keep a
    place taken for long, and a booking in flight is never counted out."""
    active = (
        select(func.count())
        .select_from(Order)
        .where(
            col(Order.slot_id) == col(SlotInventory.slot_id),
            col(Order.status).in_([s.value for s in ACTIVE]),
        )
        .scalar_subquery()
    )
    quiet_since = now - timedelta(seconds=RESYNC_QUIET_SECONDS)
    result = await session.execute(
        update(SlotInventory)
        .where(
            or_(
                col(SlotInventory.updated_at).is_(None), col(SlotInventory.updated_at) < quiet_since
            ),
            col(SlotInventory.held) != active,
        )
        .values(held=active)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- booking counts ---------------------------------------------------------------------------


async def active_counts(
    session: AsyncSession, his_patient_id: str, schedule_id: str, department_id: str, day: date
) -> tuple[int, int, int]:
    """Active bookings of a patient: on this schedule, in this department that day, that day."""
    base = select(Order).where(
        Order.his_patient_id == his_patient_id,
        Order.kind == "REGISTRATION",
        col(Order.status).in_([s.value for s in ACTIVE]),
        Order.visit_date == day,
    )
    rows = list((await session.exec(base)).all())
    return (
        sum(1 for o in rows if o.schedule_id == schedule_id),
        sum(1 for o in rows if o.department_id == department_id),
        len(rows),
    )


async def page(
    session: AsyncSession,
    user_id: str,
    *,
    patient_id: str | None,
    statuses: list[str] | None,
    first: int,
    after: tuple[datetime, str] | None,
) -> list[Order]:
    query = select(Order).where(Order.user_id == user_id)
    if patient_id is not None:
        query = query.where(Order.his_patient_id == patient_id)
    if statuses:
        query = query.where(col(Order.status).in_(statuses))
    if after is not None:
        at, oid = after
        query = query.where(
            (col(Order.created_at) < at) | ((col(Order.created_at) == at) & (col(Order.id) < oid))
        )
    query = query.order_by(col(Order.created_at).desc(), col(Order.id).desc()).limit(first + 1)
    return list((await session.exec(query)).all())
