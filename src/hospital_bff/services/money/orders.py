"""Orders: creation, owned look-ups, the one way to move an order's status, and leased holds.

A slot's places (the holds an order's commit turns into its own) are in holds.py.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy import bindparam, exists, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.config import Settings
from hospital_bff.events import order_topic, schedule_topic
from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.metrics import ORDER_TRANSITIONS, count_after_commit
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.eligibility import BookedVisit
from hospital_bff.services.errors import InvalidInput, NotFound
from hospital_bff.services.money import his_locks, holds
from hospital_bff.services.money.rules import (
    ACTIVE,
    PLACE_RELEASED,
    OrderKind,
    OrderStatus,
    PaymentStatus,
    assert_transition,
)
from hospital_bff.services.uow import publish_after_commit
from hospital_bff.store import core, touched
from hospital_bff.store.models import Order, Payment, Refund
from hospital_bff.store.upsert import dialect_of

log = structlog.get_logger(__name__)

# The HIS lock outlives our payment window a little, so a payment at the last second can
# still be confirmed; our sweep releases it when the order expires.
LOCK_MARGIN_SECONDS = 120

_ORDERS: sa.Table = Order.__table__  # type: ignore[attr-defined]


class HoldLapsed(Exception):
    """The booking's hold was given back by the lease sweep before its order committed."""


def his_lock_seconds(settings: Settings) -> int:
    """How long the HIS holds a slot or bills for an order still waiting for its money."""
    return settings.payment_window_seconds + LOCK_MARGIN_SECONDS


def awaiting_payment(
    *,
    order_id: str,
    kind: OrderKind,
    user_id: str,
    his_patient_id: str,
    patient_name: str,
    idempotency_key: str,
    amount: int,
    items: list[dict[str, Any]],
    now: datetime,
    window_seconds: int,
    **fields: Any,
) -> Order:
    """A new order waiting for its money, its window starting now; its HIS lock (named after
    the order) is already taken."""
    return Order(
        id=order_id,
        kind=kind.value,
        status=OrderStatus.AWAITING_PAYMENT.value,
        user_id=user_id,
        his_patient_id=his_patient_id,
        patient_name=patient_name,
        idempotency_key=idempotency_key,
        amount=amount,
        items=items,
        his_lock_id=order_id,
        created_at=now,
        expires_at=now + timedelta(seconds=window_seconds),
        **fields,
    )


MAX_IDEMPOTENCY_KEY = 128


def check_idempotency_key(key: str) -> None:
    """A client's idempotency key is 1-128 characters, or INVALID_INPUT before anything is done."""
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(
            "缺少幂等键",
            message_en=f"idempotencyKey must be 1-{MAX_IDEMPOTENCY_KEY} characters",
        )


# Built once: every booking asks it (twice), and building the statement cost more CPU than
# running it (SQLAlchemy caches the compiled form by the statement's shape either way).
# The order a user's request with this key made (parameters `user_id`, `key`).
BY_KEY = sa.and_(
    col(Order.user_id) == bindparam("user_id"), col(Order.idempotency_key) == bindparam("key")
)
_BY_KEY = select(Order).where(BY_KEY)


async def by_idempotency_key(session: AsyncSession, user_id: str, key: str) -> Order | None:
    """The order a request with this key already made, if any: one key, one order."""
    return (await session.exec(_BY_KEY, params={"user_id": user_id, "key": key})).first()


async def open_order(
    runtime: Runtime, order: Order, *, hold_id: str | None = None
) -> tuple[Order, bool]:
    """Commit a new AWAITING_PAYMENT order with its expiry job; (the order, True).

    A booking's leased hold becomes the order's place in the same commit (HoldLapsed if the
    lease sweep gave it back meanwhile). If a concurrent request with the same idempotency
    key committed first, this one's HIS lock goes back and theirs answers: (theirs, False).
    """
    window = runtime.settings.payment_window_seconds
    kind = OrderKind(order.kind)
    try:
        # One statement (the hold's claim with it): no transaction around it on PostgreSQL.
        async with uow.statements(runtime) as session:
            if not await _insert(session, order, claiming=hold_id):
                raise HoldLapsed(hold_id or "")
            enqueue_after_commit(session, "expire_order", order.id, delay_ms=window * 1000)
            if order.schedule_id:
                publish_after_commit(
                    session, schedule_topic(order.schedule_id), {"id": order.schedule_id}
                )
    except IntegrityError:
        await his_locks.release(runtime, order.id, kind)
        async with uow.unit_of_work(runtime) as session:
            winner = await by_idempotency_key(session, order.user_id, order.idempotency_key)
        if winner is None:
            raise
        return winner, False
    # As the ORM leaves an object it inserted once its session closes: detached, its values
    # the committed ones.
    make_transient_to_detached(order)
    return order, True


_INSERT = sa.insert(_ORDERS)


def _insert_claiming() -> Any:
    """PostgreSQL: the order's row inserted only if its hold is claimed, in one statement."""
    claimed = holds.claimed()
    row = sa.select(*(bindparam(c.key, type_=c.type) for c in _ORDERS.columns))
    columns = [c.key for c in _ORDERS.columns]
    return _INSERT.from_select(columns, row.select_from(claimed)).add_cte(claimed)


_INSERT_CLAIMING = _insert_claiming()


async def _insert(session: AsyncSession, order: Order, *, claiming: str | None = None) -> bool:
    """The new order's row, a Core INSERT of all its values (the ORM's flush of the one new
    object cost ~0.3 ms more); its owner noted for store/touched.py as a flush would have.
    With `claiming`, the booking's hold becomes the order's place with it; False (nothing
    written) if the lease sweep gave that place back first."""
    values = {column.key: getattr(order, column.key) for column in _ORDERS.columns}
    if claiming is None:
        await core.run(session, _INSERT, values)
    elif dialect_of(session) == "postgresql":
        if not (await core.run(session, _INSERT_CLAIMING, values | {"hold": claiming})).rowcount:
            return False
    else:
        if not await holds.claim_hold(session, claiming):
            return False
        await core.run(session, _INSERT, values)
    touched.note_values(session.sync_session, _ORDERS, values)
    return True


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


@functools.cache
def _transition(names: tuple[str, ...]) -> Any:
    """`transition`'s statement for these other columns, built once: built at each call, its
    cache key was worked out again each time (a statement that names every column)."""
    return (
        update(_ORDERS)
        .where(
            _ORDERS.c.id == bindparam("was_id"),
            _ORDERS.c.status == bindparam("was_status"),
            _ORDERS.c.version == bindparam("was_version"),
        )
        .values(
            status=bindparam("set_status"),
            version=bindparam("set_version"),
            **{name: bindparam(f"set_{name}") for name in names},
        )
        .returning(*_ORDERS.c)
    )


async def transition(
    session: AsyncSession, order: Order, target: OrderStatus, **fields: Any
) -> bool:
    """Move `order` to `target` if nobody moved it first; False when someone did.

    The status and version in the WHERE clause make each transition happen once, whichever
    of a webhook, a poll, a sweep or a retry gets there first.

    One Core statement that returns the row as it now is, set on `order` as a refresh
    would: through the ORM the UPDATE read its row's owner first (store/touched.py) and
    the refresh read the row again, three statements where one does (an expiry's most).
    """
    assert_transition(OrderStatus(order.status), target)
    await session.flush()  # what the ORM's execute flushed first (a no-op when clean)
    params = {f"set_{name}": value for name, value in fields.items()}
    params.update(
        was_id=order.id,
        was_status=order.status,
        was_version=order.version,
        set_status=target.value,
        set_version=order.version + 1,
    )
    conn = await session.connection()
    row = (await conn.execute(_transition(tuple(sorted(fields))), params)).mappings().first()
    if row is None:
        await session.refresh(order)
        return False
    touched.note_user(session.sync_session, row["user_id"])
    for name, value in row.items():
        set_committed_value(order, name, value)
    count_after_commit(session, ORDER_TRANSITIONS, order.kind, order.status)
    publish_after_commit(session, order_topic(order.id), {"id": order.id, "status": order.status})
    # Only a change of the schedule's places is news to its watchers: a paid or confirmed
    # order keeps the place it took when it was opened.
    if order.schedule_id and target in PLACE_RELEASED:
        publish_after_commit(session, schedule_topic(order.schedule_id), {"id": order.schedule_id})
    return True


async def succeeded_payment(session: AsyncSession, order_id: str) -> Payment | None:
    """The payment that paid for an order: of two that succeeded, the one kept has no refund
    (the other was refunded as soon as it was settled)."""
    refunded = exists().where(col(Refund.payment_id) == col(Payment.id))
    query = (
        select(Payment)
        .where(Payment.order_id == order_id, Payment.status == PaymentStatus.SUCCEEDED.value)
        .order_by(refunded, col(Payment.paid_at))
    )
    return (await session.exec(query)).first()


# --- booking counts ---------------------------------------------------------------------------


# What the booking limits count of ours: a patient's active registrations for visits on some
# days (the days go as one expanding parameter). Built once: every booking asks it, with the
# user's restriction (services/booking.py), as the other side of an outer join.
ACTIVE_VISIT = sa.and_(
    _ORDERS.c.his_patient_id == bindparam("patient"),
    _ORDERS.c.kind == OrderKind.REGISTRATION.value,
    _ORDERS.c.status.in_([s.value for s in ACTIVE]),
    _ORDERS.c.visit_date.in_(bindparam("days", expanding=True)),
)
VISIT_COLUMNS = (_ORDERS.c.id, _ORDERS.c.schedule_id, _ORDERS.c.department_id, _ORDERS.c.visit_date)


def active_visits_params(his_patient_id: str, days: Iterable[date]) -> dict[str, Any]:
    """ACTIVE_VISIT's parameters."""
    return {"patient": his_patient_id, "days": sorted(set(days))}


def visits_by_day(rows: Iterable[Any], days: Iterable[date]) -> dict[date, list[BookedVisit]]:
    """VISIT_COLUMNS' rows by day, every day asked present (a row of NULLs is no visit)."""
    found: dict[date, list[BookedVisit]] = {d: [] for d in days}
    for oid, sid, did, day in rows:
        if oid is not None and day in found:
            found[day].append(
                BookedVisit(order_id=oid, schedule_id=sid or "", department_id=did or "")
            )
    return found


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
