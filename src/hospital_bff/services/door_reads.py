"""The booking door's reads of the database (booking_door.py), batched: whether a caller's
account has a verified user, and whether an order of that user has the idempotency key, for
every request at the door at one moment, in one statement."""

from __future__ import annotations

import asyncio
from typing import Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hospital_bff.store.models import Account, Order

# The callers' users, and which of the keys asked their orders have: one read for every
# request at the door at that moment (a burst's SLOT_FULLs share it).
_order = Order.__table__  # type: ignore[attr-defined]
_account = Account.__table__  # type: ignore[attr-defined]
_LOOKUP: Final = (
    sa.select(_account.c.id, _account.c.user_id, _order.c.idempotency_key)
    .select_from(
        _account.outerjoin(
            _order,
            sa.and_(
                _order.c.user_id == _account.c.user_id,
                _order.c.idempotency_key.in_(sa.bindparam("keys", expanding=True)),
            ),
        )
    )
    .where(_account.c.id.in_(sa.bindparam("accounts", expanding=True)))
)
# Requests asked about in one statement at most (two parameters each, well inside SQLite's).
MAX_BATCH: Final = 200


class Lookups:
    """The door's reads of the database, batched: every request that asks while a read is
    under way is asked about in the next one. Each request's read starts after it asked the
    gate, as the slow path reads the key after taking its ticket."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._waiting: list[tuple[str, str, asyncio.Future[tuple[bool, bool]]]] = []
        self._reader: asyncio.Task[None] | None = None

    async def ask(self, account_id: str, key: str) -> tuple[bool, bool]:
        """(the account exists with a verified user, an order of that user has the key)."""
        answer: asyncio.Future[tuple[bool, bool]] = asyncio.get_running_loop().create_future()
        self._waiting.append((account_id, key, answer))
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_all())
        return await answer

    async def _read_all(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                try:
                    found = await self._read(batch)
                except Exception as exc:  # every asker goes the slow way, which says why
                    for _, _, answer in batch:
                        if not answer.done():
                            answer.set_exception(exc)
                    continue
                for account_id, key, answer in batch:
                    if not answer.done():
                        user_id, keys = found.get(account_id, (None, set()))
                        answer.set_result((user_id is not None, key in keys))
        finally:
            self._reader = None

    async def _read(
        self, batch: list[tuple[str, str, asyncio.Future[tuple[bool, bool]]]]
    ) -> dict[str, tuple[str | None, set[str]]]:
        params = {
            "accounts": sorted({a for a, _, _ in batch}),
            "keys": sorted({k for _, k, _ in batch}),
        }
        async with self.engine.connect() as conn:
            rows = (await conn.execute(_LOOKUP, params)).all()
        found: dict[str, tuple[str | None, set[str]]] = {}
        for account_id, user_id, key in rows:
            _, keys = found.setdefault(account_id, (user_id, set()))
            if key is not None:
                keys.add(key)
        return found
