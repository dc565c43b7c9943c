"""Core statements built once, run on a unit's connection.

A hot statement built at each call and run through the ORM cost more CPU than SQLite spent on
it: the expression built, its cache key worked out, the ORM's execution (entity loading, and
for an UPDATE or DELETE the session's objects matched against its WHERE). One built once,
with bind parameters, and run as Core skips all that. It is only for rows the session holds
no objects of and whose owners store/touched.py need not note (or notes otherwise).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import CursorResult
from sqlmodel.ext.asyncio.session import AsyncSession

# Rows of any width.
Result = CursorResult[*tuple[Any, ...]]


async def run(session: AsyncSession, statement: Any, params: dict[str, Any]) -> Result:
    """`statement` on the unit's connection, after the session's pending changes (flushed
    first, as the session's own execute would have)."""
    await session.flush()
    result: Result = await (await session.connection()).execute(statement, params)
    return result
