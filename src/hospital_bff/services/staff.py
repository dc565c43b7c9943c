"""Staff members and their sessions: who may use the staff tools, and which tokens still work.

Each staff token is a session row: our own tokens carry its id as `jti`; a token of the
hospital's OpenID Connect provider is recorded the first time it is seen. Disabling a member
or revoking a session therefore takes effect at the next request, not when the token expires.
Like every service here, these functions never commit: the CLI or the request does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.store.models import StaffMember, StaffSession
from hospital_bff.tokens import IssuedToken, TokenService

MAX_NAME = 64
MAX_DISPLAY_NAME = 128


class StaffAdminError(ValueError):
    """A staff administration command that cannot be carried out (unknown name, duplicate)."""


class StaffAuditFields(TypedDict):
    """Who, in an audit row: `subject` is its column, the ids go into its detail."""

    subject: str
    staff_id: str
    staff_session: str


@dataclass(frozen=True, slots=True)
class StaffActor:
    """Who acts through the staff tools: the member and the session, for the audit trail."""

    staff_id: str
    name: str
    session_id: str

    def audit_fields(self) -> StaffAuditFields:
        return {"subject": self.name, "staff_id": self.staff_id, "staff_session": self.session_id}


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME or not cleaned.isprintable() or " " in cleaned:
        raise StaffAdminError(f"a staff name is 1-{MAX_NAME} printable characters, no spaces")
    return cleaned


async def find_member(session: AsyncSession, name: str) -> StaffMember | None:
    return (await session.exec(select(StaffMember).where(StaffMember.name == name))).first()


async def member(session: AsyncSession, name: str) -> StaffMember:
    found = await find_member(session, name)
    if found is None:
        raise StaffAdminError(f"no staff member named {name!r}")
    return found


async def add_member(
    session: AsyncSession,
    now: datetime,
    name: str,
    display_name: str | None = None,
    *,
    oidc_subject: str | None = None,
) -> StaffMember:
    name = _clean_name(name)
    display = (display_name or name).strip()
    if not display or len(display) > MAX_DISPLAY_NAME:
        raise StaffAdminError(f"a display name is 1-{MAX_DISPLAY_NAME} characters")
    if await find_member(session, name) is not None:
        raise StaffAdminError(f"a staff member named {name!r} exists already")
    row = StaffMember(name=name, display_name=display, oidc_subject=oidc_subject, created_at=now)
    session.add(row)
    await session.flush()
    return row


async def disable_member(session: AsyncSession, now: datetime, name: str) -> int:
    """Disable the member and revoke every open session; the number revoked."""
    row = await member(session, name)
    if row.active:
        row.active, row.disabled_at = False, now
        session.add(row)
    return await revoke_all(session, now, row.name)


async def enable_member(session: AsyncSession, name: str) -> StaffMember:
    """Active again; the sessions revoked when it was disabled stay revoked."""
    row = await member(session, name)
    row.active, row.disabled_at = True, None
    session.add(row)
    return row


async def list_members(session: AsyncSession) -> list[StaffMember]:
    return list((await session.exec(select(StaffMember).order_by(col(StaffMember.name)))).all())


async def open_session(
    session: AsyncSession,
    tokens: TokenService,
    now: datetime,
    row: StaffMember,
    *,
    ttl_seconds: int | None = None,
) -> tuple[StaffSession, IssuedToken]:
    """Record a session for an active member and sign its token (`jti` = session id)."""
    if not row.active:
        raise StaffAdminError(f"staff member {row.name!r} is disabled")
    session_id = uuid.uuid4().hex
    issued = tokens.issue(row.id, "STAFF", None, jti=session_id, ttl_seconds=ttl_seconds)
    record = StaffSession(
        id=session_id, staff_id=row.id, issued_at=now, expires_at=issued.expires_at
    )
    session.add(record)
    await session.flush()
    return record, issued


async def revoke_session(session: AsyncSession, now: datetime, session_id: str) -> StaffSession:
    record = await session.get(StaffSession, session_id)
    if record is None:
        raise StaffAdminError(f"no staff session {session_id!r}")
    if record.revoked_at is None:
        record.revoked_at = now
        session.add(record)
    return record


async def revoke_all(session: AsyncSession, now: datetime, name: str) -> int:
    """Revoke every session of the member that has not expired or been revoked yet."""
    row = await member(session, name)
    open_sessions = (
        await session.exec(
            select(StaffSession).where(
                StaffSession.staff_id == row.id,
                col(StaffSession.revoked_at).is_(None),
                col(StaffSession.expires_at) > now,
            )
        )
    ).all()
    for record in open_sessions:
        record.revoked_at = now
        session.add(record)
    return len(open_sessions)


def ttl_from_hours(hours: float | None) -> int | None:
    if hours is None:
        return None
    if not 0 < hours <= 24 * 7:
        raise StaffAdminError("--ttl-hours is more than 0 and at most a week")
    return int(timedelta(hours=hours).total_seconds())
