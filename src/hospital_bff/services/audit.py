"""The audit trail: who did what, when, from which account. Details never hold an ID number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.pii import mask_national_ids
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.store.models import AuditEntry


def record(
    session: AsyncSession,
    at: datetime,
    action: str,
    *,
    user_id: str | None = None,
    account_id: str | None = None,
    subject: str | None = None,
    **detail: Any,
) -> None:
    clean = {k: mask_national_ids(v) if isinstance(v, str) else v for k, v in detail.items()}
    session.add(
        AuditEntry(
            at=at,
            action=action,
            user_id=user_id,
            account_id=account_id,
            subject=subject,
            detail=clean,
        )
    )


async def record_apart(runtime: Runtime, at: datetime, action: str, **fields: Any) -> None:
    """Record a refusal in its own transaction: the caller's rolls back, this must not."""
    async with uow.unit_of_work(runtime) as session:
        record(session, at, action, **fields)
