"""Money that arrived for many payments, applied with a few set-based statements.

`PaymentService._money_arrived` settles one payment in four statements of its own (the
payment's guarded UPDATE, its order's other payments, the order's guarded transition and its
read back), and each bulk UPDATE through the ORM reads its rows' owners first: at a batch of
notifications that was most of a notification's CPU. Here a batch of payments whose money
arrived takes the same steps for all of them at once:

1. `UPDATE payments SET status = SUCCEEDED ... WHERE id IN (...) AND status != SUCCEEDED
   RETURNING id`: the same guard as one payment's UPDATE, so a payment settled before (by a
   poll, the reconciliation) is ALREADY_SETTLED and made final, as there;
2. their transaction ids and success times, one executemany;
3. every other bank order of their orders not yet final, one read, made only when the first
   statement found one: each is polled (closed);
4. the orders the money is kept for, `UPDATE orders SET status = PAID ... WHERE (id, version)
   IN (...) AND status = AWAITING_PAYMENT RETURNING id`: the transition's own guard. An order
   moved first (nothing returned for it) is read again and judged again, as there.

Money not kept (an amount that differs, a window ended, an order closed) takes the one-payment
way, `PaymentService.refund_arrived`, in the same unit: rare, and refunds are not batched.

The caller (services/money/notifications.py) hands in payments of distinct orders, each with
its order locked, so no two steps of the batch touch one row. The rows' owners are noted for
the kept personal answers from the orders already read (store/touched.py), not read again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.bank_models import Transaction
from hospital_bff.events import order_topic
from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.metrics import (
    ORDER_TRANSITIONS,
    PAYMENTS_SUCCEEDED,
    PAYMENTS_SUCCEEDED_FEN,
    count_after_commit,
)
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import (
    ArrivedMoney,
    OrderStatus,
    PaymentStatus,
    Settled,
    arrived_money,
    assert_transition,
)
from hospital_bff.services.uow import publish_after_commit
from hospital_bff.store import touched
from hospital_bff.store.models import Order, Payment

_PAYMENTS: sa.Table = Payment.__table__  # type: ignore[attr-defined]
_ORDERS: sa.Table = Order.__table__  # type: ignore[attr-defined]

_SUCCEEDED = PaymentStatus.SUCCEEDED.value
_AWAITING = OrderStatus.AWAITING_PAYMENT.value
_PAID = OrderStatus.PAID.value

# Statements built once: their compiled forms are cached by SQLAlchemy for every batch size
# (the IN lists are expanding parameters).
_OTHER = _PAYMENTS.alias("other")
# Whether the payment's order has another bank order not final (looked up below only then).
# The updated row's columns named whole: SQLAlchemy writes a RETURNING clause's own columns
# unqualified, which inside the subquery would name the other payment's.
_OTHERS_OPEN_FLAG = (
    sa.exists()
    .where(
        _OTHER.c.order_id == sa.literal_column(f"{_PAYMENTS.name}.order_id"),
        _OTHER.c.id != sa.literal_column(f"{_PAYMENTS.name}.id"),
        _OTHER.c.final_at.is_(None),
    )
    .label("others_open")
)
_WIN = (
    sa.update(_PAYMENTS)
    .where(_PAYMENTS.c.id.in_(sa.bindparam("ids", expanding=True)))
    .where(_PAYMENTS.c.status != _SUCCEEDED)
    .values(status=_SUCCEEDED, final_at=sa.bindparam("now"))
    .returning(_PAYMENTS.c.id, _OTHERS_OPEN_FLAG)
)
_PAID_DETAILS = (
    sa.update(_PAYMENTS)
    .where(_PAYMENTS.c.id == sa.bindparam("payment_id"))
    .values(transaction_id=sa.bindparam("tx_id"), paid_at=sa.bindparam("success_time"))
)
_MAKE_FINAL = (
    sa.update(_PAYMENTS)
    .where(_PAYMENTS.c.id.in_(sa.bindparam("ids", expanding=True)))
    .where(_PAYMENTS.c.final_at.is_(None))
    .values(final_at=sa.bindparam("now"))
)
_OTHERS_OPEN = sa.select(_PAYMENTS.c.id).where(
    _PAYMENTS.c.order_id.in_(sa.bindparam("order_ids", expanding=True)),
    _PAYMENTS.c.id.not_in(sa.bindparam("ids", expanding=True)),
    _PAYMENTS.c.final_at.is_(None),
)


@dataclass(frozen=True, slots=True)
class Arrived:
    """A payment whose money the bank says arrived, with its order (locked) and the answer."""

    payment: Payment
    order: Order
    tx: Transaction


async def money_arrived_together(
    service: PaymentService, session: AsyncSession, batch: Sequence[Arrived]
) -> list[Settled]:
    """`PaymentService._money_arrived` for each of `batch` (payments of distinct orders), in
    the caller's unit; one outcome per item, in order."""
    if not batch:
        return []
    assert len({a.order.id for a in batch}) == len(batch), "one payment per order"
    now = service.rt.clock.now()
    conn = await session.connection()
    sync = session.sync_session
    for a in batch:
        touched.note_user(sync, a.order.user_id)
    ids = [a.payment.id for a in batch]
    won_rows = (await conn.execute(_WIN, {"ids": ids, "now": now})).all()
    won = {payment_id for payment_id, _ in won_rows}
    others_open = {payment_id for payment_id, flag in won_rows if flag}
    outcomes: dict[str, Settled] = {}
    lost = [pid for pid in ids if pid not in won]
    if lost:
        # Settled before (by us, or marked paid by the reconciliation): final now too.
        await conn.execute(_MAKE_FINAL, {"ids": lost, "now": now})
        outcomes.update(dict.fromkeys(lost, Settled.ALREADY_SETTLED))
    arrived = [a for a in batch if a.payment.id in won]
    if not arrived:
        return [outcomes[pid] for pid in ids]
    details = [
        {
            "payment_id": a.payment.id,
            "tx_id": a.tx.transaction_id,
            "success_time": a.tx.success_time or now,
        }
        for a in arrived
    ]
    await conn.execute(_PAID_DETAILS, details)
    paid_in: Counter[str] = Counter()
    fen_in: Counter[str] = Counter()
    for a, d in zip(arrived, details, strict=True):
        for name, value in (
            ("status", _SUCCEEDED),
            ("transaction_id", d["tx_id"]),
            ("paid_at", d["success_time"]),
            ("final_at", now),
        ):
            set_committed_value(a.payment, name, value)
        paid_in[a.order.kind] += 1
        fen_in[a.order.kind] += a.tx.amount.total if a.tx.amount else a.payment.amount
    for kind, count in paid_in.items():
        count_after_commit(session, PAYMENTS_SUCCEEDED, kind, amount=count)
        count_after_commit(session, PAYMENTS_SUCCEEDED_FEN, kind, amount=fen_in[kind])
    # Any other bank order of these orders is no longer wanted: the poll closes it.
    if others_open:
        order_ids = [a.order.id for a in arrived if a.payment.id in others_open]
        others = await conn.execute(_OTHERS_OPEN, {"order_ids": order_ids, "ids": list(won)})
        for (other_id,) in others:
            enqueue_after_commit(session, "poll_payment", other_id)
    verdicts = {a.payment.id: _verdict(a, now) for a in arrived}
    kept = [a for a in arrived if verdicts[a.payment.id] is ArrivedMoney.KEEP]
    moved = await _mark_paid(session, conn, kept)
    for a in arrived:
        verdict = verdicts[a.payment.id]
        if verdict is ArrivedMoney.KEEP:
            if a.order.id in moved:
                outcomes[a.payment.id] = Settled.PAID
                continue
            # Another payment (or the expiry) moved the order first: judge again on what it is.
            await session.refresh(a.order)
            verdict = arrived_money(
                OrderStatus(a.order.status),
                a.payment.paid_at or now,
                a.order.expires_at,
                exact_amount=True,
            )
        outcomes[a.payment.id] = await service.refund_arrived(session, a.order, a.payment, verdict)
    return [outcomes[pid] for pid in ids]


def _verdict(a: Arrived, now: datetime) -> ArrivedMoney:
    paid_amount = a.tx.amount.total if a.tx.amount else a.payment.amount
    return arrived_money(
        OrderStatus(a.order.status),
        a.tx.success_time or now,
        a.order.expires_at,
        exact_amount=paid_amount == a.order.amount,
    )


async def _mark_paid(session: AsyncSession, conn: AsyncConnection, kept: list[Arrived]) -> set[str]:
    """`orders.transition(order, PAID, paid_at=...)` for each of `kept` in one statement (the
    same guard: the status and version as read); the ids of the orders it moved."""
    if not kept:
        return set()
    for a in kept:
        assert_transition(OrderStatus(a.order.status), OrderStatus.PAID)
    # Each order's paid_at is its payment's (one payment per order in `kept`), read in place.
    paid_at = (
        sa.select(_PAYMENTS.c.paid_at)
        .where(
            _PAYMENTS.c.order_id == _ORDERS.c.id,
            _PAYMENTS.c.id.in_(sa.bindparam("payment_ids", expanding=True)),
        )
        .scalar_subquery()
    )
    statement = (
        sa.update(_ORDERS)
        .where(
            sa.tuple_(_ORDERS.c.id, _ORDERS.c.version).in_(
                sa.bindparam("versions", expanding=True)
            ),
            _ORDERS.c.status == _AWAITING,
        )
        .values(status=_PAID, version=_ORDERS.c.version + 1, paid_at=paid_at)
        .returning(_ORDERS.c.id)
    )
    params = {
        "versions": [(a.order.id, a.order.version) for a in kept],
        "payment_ids": [a.payment.id for a in kept],
    }
    moved = set((await conn.execute(statement, params)).scalars())
    for a in kept:
        order = a.order
        if order.id not in moved:
            continue
        set_committed_value(order, "status", _PAID)
        set_committed_value(order, "version", order.version + 1)
        set_committed_value(order, "paid_at", a.payment.paid_at)
        count_after_commit(session, ORDER_TRANSITIONS, order.kind, _PAID)
        publish_after_commit(session, order_topic(order.id), {"id": order.id, "status": _PAID})
        # A paid order keeps the place it took: no news for the schedule's watchers.
        enqueue_after_commit(session, "confirm_order", order.id)
    return moved
