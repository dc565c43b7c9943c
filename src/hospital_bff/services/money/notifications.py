"""The bank's payment notifications, settled together: a group commit.

Each notification used to take three transactions of its own (seen before? settle, remember)
and a Redis lock, and on SQLite every commit waited for the one writer: 34 a second. Here
every notification that arrives while a batch commits joins the next batch, and a batch is
one transaction (services/group_commit.py): every one remembered in one insert, which
also tells which were handled before (the ids it skipped), their payments and orders in one
read (the orders locked), the money that arrived applied to all of them in a few set-based
statements (services/money/paid_together.py), anything else settled by the one
`settle_locked` step. A notification is answered only once the batch that settled it has
committed, so nothing acknowledged to the bank is lost; a batch that fails is settled again
one notification to a unit, so one bad notification answers 500 (the bank retries it) and
the others their own outcome.

The batch needs no Redis lock: the order rows it locks keep two deliveries of one payment
apart (another process's batch queues on them), and a second delivery in the same batch is
a duplicate (the same id, answered as seen), or another notification of the same order,
settled one by one after the others as ALREADY_SETTLED or refunded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import structlog

from hospital_bff.datasources.bank_models import Transaction
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.group_commit import group_commit
from hospital_bff.services.money.paid_together import (
    Arrived,
    locked_rows,
    money_arrived_together,
)
from hospital_bff.services.money.payments import PaymentService, locked_payments
from hospital_bff.services.money.rules import Settled
from hospital_bff.store.models import ProcessedEvent
from hospital_bff.store.upsert import dialect_insert

log = structlog.get_logger(__name__)

SOURCE = "bank"
# A batch waits for more notifications while they keep coming, each within a millisecond of
# the last, for at most 5 ms (services/group_commit.py): the bank waits seconds for an answer.
GATHER_GAP = 0.001
GATHER_MAX = 0.005


def event_key(notice_id: str) -> str:
    return f"{SOURCE}:{notice_id}"


async def settle_notifications(
    runtime: Runtime, items: Sequence[tuple[str, Transaction]]
) -> list[Settled | None]:
    """Settle each (notification id, transaction) once, all in one unit; None for one handled
    before (or earlier in `items`)."""
    service = PaymentService(runtime)
    async with uow.unit_of_work(runtime) as session:
        keys = [event_key(notice_id) for notice_id, _ in items]
        # Remembered first, in the same unit: what the insert skips was handled before (or
        # by a unit that commits meanwhile: on PostgreSQL the insert waits for it), and the
        # batch's own repeats are one row. One statement, where a read of the ids seen and
        # an insert after were two.
        insert = dialect_insert(session)
        table = ProcessedEvent.__table__  # type: ignore[attr-defined]
        now = runtime.clock.now()
        rows = [{"id": key, "source": SOURCE, "received_at": now} for key in dict.fromkeys(keys)]
        remembered = await session.execute(
            insert(table).on_conflict_do_nothing().returning(table.c.id), rows
        )
        seen = set(keys) - set(remembered.scalars())
        pairs = zip(keys, items, strict=True)
        wanted = {tx.out_trade_no for key, (_, tx) in pairs if key not in seen}
        # Read as rows (services/money/paid_together.py); the orders locked all the same.
        locked = await locked_rows(session, sorted(wanted))
        fresh_at: dict[str, int] = {}  # each new notification's first place in `items`
        for i, key in enumerate(keys):
            if key not in seen:
                fresh_at.setdefault(key, i)
        outcomes: list[Settled | None] = [None] * len(items)
        together = _together(items, fresh_at, locked)
        settled = await money_arrived_together(service, session, [a for _, a in together])
        for (i, _), outcome in zip(together, settled, strict=True):
            outcomes[i] = outcome
        done = {i for i, _ in together}
        rest = [i for i in fresh_at.values() if i not in done]
        # The rest, one by one, through the ORM: their orders are locked already, and none
        # is an order of the batch's settled together.
        objects = await locked_payments(
            session, sorted({items[i][1].out_trade_no for i in rest} & set(locked))
        )
        for i in rest:
            tx = items[i][1]
            outcomes[i] = await service.settle_locked(session, objects.get(tx.out_trade_no), tx)
    return outcomes


def _together(
    items: Sequence[tuple[str, Transaction]],
    fresh_at: dict[str, int],
    locked: dict[str, Any],
) -> list[tuple[int, Arrived]]:
    """The new notifications whose money arrived that `money_arrived_together` settles: each
    the batch's only new notification of its order. The rest (not paid, not ours, or another
    of the same order, whose outcome depends on the one before) are settled one by one after
    them, in the batch's order: only notifications of other orders come before any of them,
    and those touch none of their rows."""
    by_order: Counter[str] = Counter()
    for i in fresh_at.values():
        found = locked.get(items[i][1].out_trade_no)
        if found is not None:
            by_order[found.order_id] += 1
    together: list[tuple[int, Arrived]] = []
    for i in sorted(fresh_at.values()):
        tx = items[i][1]
        found = locked.get(tx.out_trade_no)
        if found is not None and tx.is_paid and by_order[found.order_id] == 1:
            together.append((i, Arrived(row=found, tx=tx)))
    return together


async def settle_notification(runtime: Runtime, notice_id: str, tx: Transaction) -> Settled | None:
    """Settle one notification's transaction with the others arriving meanwhile (one
    transaction, `settle_notifications`); None if it was handled before. Returns once the
    transaction that settled it has committed."""

    async def apply(items: Sequence[tuple[str, Transaction]]) -> list[Settled | None]:
        return await settle_notifications(runtime, items)

    batches = group_commit(
        runtime, "bank_notifications", apply, gather_gap=GATHER_GAP, gather_max=GATHER_MAX
    )
    return await batches.submit((notice_id, tx))
