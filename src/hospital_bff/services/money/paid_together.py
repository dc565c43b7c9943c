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

The batch is read as Core rows (`locked_rows`: the few columns these steps judge by), not as
ORM objects: building, tracking and then setting two mapped objects per payment was a fifth
of a batch's CPU, for rows that the statements above change without them. The rare payment
whose money is not kept is read through the ORM then, for the one-payment way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
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


# Each order's paid_at is its payment's (one payment per order in a batch), read in place.
_PAID_AT = (
    sa.select(_PAYMENTS.c.paid_at)
    .where(
        _PAYMENTS.c.order_id == _ORDERS.c.id,
        _PAYMENTS.c.id.in_(sa.bindparam("payment_ids", expanding=True)),
    )
    .scalar_subquery()
)
_MARK_PAID = (
    sa.update(_ORDERS)
    .where(
        sa.tuple_(_ORDERS.c.id, _ORDERS.c.version).in_(sa.bindparam("versions", expanding=True)),
        _ORDERS.c.status == _AWAITING,
    )
    .values(status=_PAID, version=_ORDERS.c.version + 1, paid_at=_PAID_AT)
    .returning(_ORDERS.c.id)
)
# The payments of these bank order numbers with their orders, the orders locked for update
# (in their id order, so that two units locking overlapping sets queue, never deadlock), as
# `payments.locked_payments` reads them, as rows.
_LOCKED = (
    sa.select(
        _PAYMENTS.c.out_trade_no,
        _PAYMENTS.c.id.label("payment_id"),
        _PAYMENTS.c.amount.label("payment_amount"),
        _ORDERS.c.id.label("order_id"),
        _ORDERS.c.kind,
        _ORDERS.c.status,
        _ORDERS.c.version,
        _ORDERS.c.expires_at,
        _ORDERS.c.amount,
        _ORDERS.c.user_id,
    )
    .join_from(_PAYMENTS, _ORDERS, _ORDERS.c.id == _PAYMENTS.c.order_id)
    .where(_PAYMENTS.c.out_trade_no.in_(sa.bindparam("out_trade_nos", expanding=True)))
    .order_by(_ORDERS.c.id)
    .with_for_update(of=_ORDERS)
)


async def locked_rows(session: AsyncSession, out_trade_nos: Sequence[str]) -> dict[str, Any]:
    """Our payments of these bank order numbers with their orders (locked), one Core row each
    by out_trade_no: payment_id, payment_amount, order_id and the order's kind, status,
    version, expires_at, amount and user_id."""
    if not out_trade_nos:
        return {}
    conn = await session.connection()
    result = await conn.execute(_LOCKED, {"out_trade_nos": list(out_trade_nos)})
    return {row.out_trade_no: row for row in result}


@dataclass(frozen=True, slots=True)
class Arrived:
    """A payment whose money the bank says arrived: its row with its order's (locked, as
    `locked_rows` reads them) and the bank's answer."""

    row: Any
    tx: Transaction


async def money_arrived_together(
    service: PaymentService, session: AsyncSession, batch: Sequence[Arrived]
) -> list[Settled]:
    """`PaymentService._money_arrived` for each of `batch` (payments of distinct orders), in
    the caller's unit; one outcome per item, in order."""
    if not batch:
        return []
    assert len({a.row.order_id for a in batch}) == len(batch), "one payment per order"
    now = service.rt.clock.now()
    conn = await session.connection()
    sync = session.sync_session
    for a in batch:
        touched.note_user(sync, a.row.user_id)
    ids = [a.row.payment_id for a in batch]
    won_rows = (await conn.execute(_WIN, {"ids": ids, "now": now})).all()
    won = {payment_id for payment_id, _ in won_rows}
    others_open = {payment_id for payment_id, flag in won_rows if flag}
    outcomes: dict[str, Settled] = {}
    lost = [pid for pid in ids if pid not in won]
    if lost:
        # Settled before (by us, or marked paid by the reconciliation): final now too.
        await conn.execute(_MAKE_FINAL, {"ids": lost, "now": now})
        outcomes.update(dict.fromkeys(lost, Settled.ALREADY_SETTLED))
    arrived = [a for a in batch if a.row.payment_id in won]
    if not arrived:
        return [outcomes[pid] for pid in ids]
    details = [
        {
            "payment_id": a.row.payment_id,
            "tx_id": a.tx.transaction_id,
            "success_time": a.tx.success_time or now,
        }
        for a in arrived
    ]
    await conn.execute(_PAID_DETAILS, details)
    paid_in: Counter[str] = Counter()
    fen_in: Counter[str] = Counter()
    for a in arrived:
        paid_in[a.row.kind] += 1
        fen_in[a.row.kind] += _paid_amount(a)
    for kind, count in paid_in.items():
        count_after_commit(session, PAYMENTS_SUCCEEDED, kind, amount=count)
        count_after_commit(session, PAYMENTS_SUCCEEDED_FEN, kind, amount=fen_in[kind])
    # Any other bank order of these orders is no longer wanted: the poll closes it.
    if others_open:
        order_ids = [a.row.order_id for a in arrived if a.row.payment_id in others_open]
        others = await conn.execute(_OTHERS_OPEN, {"order_ids": order_ids, "ids": list(won)})
        for (other_id,) in others:
            enqueue_after_commit(session, "poll_payment", other_id)
    verdicts = {a.row.payment_id: _verdict(a, now) for a in arrived}
    kept = [a for a in arrived if verdicts[a.row.payment_id] is ArrivedMoney.KEEP]
    moved = await _mark_paid(session, conn, kept)
    for a in arrived:
        verdict = verdicts[a.row.payment_id]
        if verdict is ArrivedMoney.KEEP and a.row.order_id in moved:
            outcomes[a.row.payment_id] = Settled.PAID
            continue
        # Money not kept (rare): the one-payment way, on the rows as they now are.
        payment = await session.get(Payment, a.row.payment_id)
        order = await session.get(Order, a.row.order_id)
        assert payment is not None
        assert order is not None
        if verdict is ArrivedMoney.KEEP:
            # Another payment (or the expiry) moved the order first: judge again on what it is.
            verdict = arrived_money(
                OrderStatus(order.status),
                payment.paid_at or now,
                order.expires_at,
                exact_amount=True,
            )
        outcomes[a.row.payment_id] = await service.refund_arrived(session, order, payment, verdict)
    return [outcomes[pid] for pid in ids]


def _paid_amount(a: Arrived) -> int:
    return a.tx.amount.total if a.tx.amount else int(a.row.payment_amount)


def _verdict(a: Arrived, now: datetime) -> ArrivedMoney:
    return arrived_money(
        OrderStatus(a.row.status),
        a.tx.success_time or now,
        a.row.expires_at,
        exact_amount=_paid_amount(a) == a.row.amount,
    )


async def _mark_paid(session: AsyncSession, conn: AsyncConnection, kept: list[Arrived]) -> set[str]:
    """`orders.transition(order, PAID, paid_at=...)` for each of `kept` in one statement (the
    same guard: the status and version as read); the ids of the orders it moved."""
    if not kept:
        return set()
    for a in kept:
        assert_transition(OrderStatus(a.row.status), OrderStatus.PAID)
    params = {
        "versions": [(a.row.order_id, a.row.version) for a in kept],
        "payment_ids": [a.row.payment_id for a in kept],
    }
    moved = set((await conn.execute(_MARK_PAID, params)).scalars())
    for a in kept:
        order_id = a.row.order_id
        if order_id not in moved:
            continue
        count_after_commit(session, ORDER_TRANSITIONS, a.row.kind, _PAID)
        publish_after_commit(session, order_topic(order_id), {"id": order_id, "status": _PAID})
        # A paid order keeps the place it took: no news for the schedule's watchers.
        enqueue_after_commit(session, "confirm_order", order_id)
    return moved
