"""The booking door's reads of the database (booking_door.py), batched: whether a caller's
account has a verified user, and whether an order of that user has the idempotency key, for
every request at the door at one moment, in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine

from hospital_bff.services.group_commit import GroupCommit
from hospital_bff.store.db import read_connection
from hospital_bff.store.models import Account, Order

# The callers' users, and which of the keys asked their orders have: one read for every
# request at the door at that moment (a burst's SLOT_FULLs share it).
_order = Order.__table__  # type: ignore[attr-defined]
_account = Account.__table__  # type: ignore[attr-defined]


def _lookup(accounts: sa.ColumnElement[bool], keys: sa.ColumnElement[bool]) -> sa.Select[Any]:
    return (
        sa.select(_account.c.id, _account.c.user_id, _order.c.idempotency_key)
        .select_from(
            _account.outerjoin(_order, sa.and_(_order.c.user_id == _account.c.user_id, keys))
        )
        .where(accounts)
    )


# On PostgreSQL each list is one array parameter (`= ANY($1)`): the statement's text is the
# same whatever the batch's size, so each connection prepares it once. An expanding IN is a
# new text for every pair of list lengths, and asyncpg prepared one on most of a burst's
# reads (135 prepares for 207 reads, each a round trip, its plan, and the result's
# description objects for the collector to walk). SQLite has no arrays: the expanding IN.
_ARRAY_LOOKUP: Final = _lookup(
    _account.c.id == sa.any_(sa.bindparam("accounts", type_=ARRAY(sa.String))),
    _order.c.idempotency_key == sa.any_(sa.bindparam("keys", type_=ARRAY(sa.String))),
)
_IN_LOOKUP: Final = _lookup(
    _account.c.id.in_(sa.bindparam("accounts", expanding=True)),
    _order.c.idempotency_key.in_(sa.bindparam("keys", expanding=True)),
)
# Requests asked about in one statement at most (two parameters each, well inside SQLite's).
MAX_BATCH: Final = 200


class Lookups:
    """The door's reads of the database, batched (services/group_commit.py): every request
    that asks while a read is under way is asked about in the next one. Each request's read
    starts after it asked the gate, as the slow path reads the key after taking its ticket."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._lookup = _ARRAY_LOOKUP if engine.dialect.name == "postgresql" else _IN_LOOKUP
        self._batches: GroupCommit[tuple[str, str], tuple[bool, bool]] = GroupCommit(
            "booking_door_reads", self._read, max_batch=MAX_BATCH
        )

    async def ask(self, account_id: str, key: str) -> tuple[bool, bool]:
        """(the account exists with a verified user, an order of that user has the key)."""
        return await self._batches.submit((account_id, key))

    async def _read(self, batch: Sequence[tuple[str, str]]) -> list[tuple[bool, bool]]:
        params = {
            "accounts": sorted({a for a, _ in batch}),
            "keys": sorted({k for _, k in batch}),
        }
        async with read_connection(self.engine) as conn:
            rows = (await conn.execute(self._lookup, params)).all()
        found: dict[str, tuple[str | None, set[str]]] = {}
        for account_id, user_id, key in rows:
            _, keys = found.setdefault(account_id, (user_id, set()))
            if key is not None:
                keys.add(key)
        answers = []
        for account_id, key in batch:
            user_id, keys = found.get(account_id, (None, set()))
            answers.append((user_id is not None, key in keys))
        return answers
