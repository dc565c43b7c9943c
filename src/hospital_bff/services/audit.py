"""The audit trail: who did what, when, from which account. Details never hold an ID number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.pii import mask_national_ids
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
            at=at, action=action, user_id=user_id, account_id=account_id, subject=subject, detail=clean
        )
    )
