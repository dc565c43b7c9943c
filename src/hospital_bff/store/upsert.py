"""INSERT ... ON CONFLICT DO NOTHING on either dialect: first writer wins, the rest are no-ops."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.store.touched import note_values


async def insert_ignore(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any]
) -> bool:
    """Insert one row unless it collides with a unique key; True if this call inserted it."""
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(**values).on_conflict_do_nothing()
    result = await session.execute(stmt)
    if result.rowcount:  # type: ignore[attr-defined]
        # Whose answers it changes (store.touched), as for any row the ORM flushes.
        note_values(session.sync_session, table, values)
    return bool(result.rowcount)  # type: ignore[attr-defined]
