"""INSERT ... ON CONFLICT DO NOTHING on either dialect: first writer wins, the rest are no-ops."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.store.touched import note_user, note_values


def dialect_insert(session: AsyncSession) -> Any:
    """The INSERT of the session's database, the one with ON CONFLICT (PostgreSQL's or
    SQLite's); SQLite when the session is not bound yet."""
    return _insert_of(dialect_of(session))


def _insert_of(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def dialect_of(session: AsyncSession) -> str:
    """The name of the database the session speaks to (SQLite when not bound yet)."""
    return session.bind.dialect.name if session.bind is not None else "sqlite"


@functools.cache
def _insert_ignoring(table: sa.Table, dialect: str) -> Any:
    """The table's statement, built once: the row's values go as its parameters, so a call
    neither builds a statement nor works out its cache key again (an expiry's notice, a
    booking's rows)."""
    return _insert_of(dialect)(table).on_conflict_do_nothing()


async def insert_ignore(
    session: AsyncSession,
    model: type[SQLModel],
    values: dict[str, Any],
    *,
    owner: str | None = None,
) -> bool:
    """Insert one row unless it collides with a unique key; True if this call inserted it.

    `owner`: the user whose row it is, when the caller has read it already (a notice's
    delivery): noted as is, where the row's owner would otherwise be read through its
    notice or order before the commit (store/touched.py), a statement of its own."""
    table = model.__table__  # type: ignore[attr-defined]
    dialect = dialect_of(session)
    # A Core statement on the unit's connection, as the session ran it (no autoflush: the
    # statement names a table, not a mapped class).
    result = await (await session.connection()).execute(_insert_ignoring(table, dialect), values)
    if result.rowcount:
        # Whose answers it changes (store.touched), as for any row the ORM flushes.
        if owner is not None:
            note_user(session.sync_session, owner)
        else:
            note_values(session.sync_session, table, values)
    return bool(result.rowcount)
