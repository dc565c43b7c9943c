"""Restricted users: staff restrict one, and three no-shows in 90 days (configurable)
restrict one for a while. A restricted user may neither book nor pay online (paper §4.2:
挂号、缴费). Booking asks through its first eligibility rule; paying asks here; both read the
same rule, `eligibility.restriction`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.pii import mask_national_ids
from hospital_bff.runtime import Runtime
from hospital_bff.services import audit
from hospital_bff.services.accounts.matching import check_text
from hospital_bff.services.eligibility import UserFacts, restriction
from hospital_bff.services.errors import DomainError, InvalidInput, NotFound, NotVerified
from hospital_bff.services.staff import StaffActor
from hospital_bff.store.models import HospitalUser, Order


class UserRestricted(DomainError):
    code = "USER_RESTRICTED"


async def ensure_not_restricted(session: AsyncSession, user_id: str, now: datetime) -> None:
    """Raise USER_RESTRICTED while the account's restriction lasts."""
    user = await session.get(HospitalUser, user_id)
    if user is None:
        raise NotVerified()
    verdict = restriction(now, UserFacts(restricted_until=user.restricted_until))
    if verdict is not None:
        raise UserRestricted(verdict.reason or "USER_RESTRICTED", message_en=verdict.reason_en)


async def restrict_user(
    runtime: Runtime,
    session: AsyncSession,
    staff: StaffActor,
    user_id: str,
    until: datetime,
    reason: str,
) -> HospitalUser:
    if until.tzinfo is None:
        raise InvalidInput("时间需带时区", message_en="`until` needs a UTC offset")
    user = await session.get(HospitalUser, user_id)
    if user is None:
        raise NotFound("用户", "user")
    user.restricted_until = until
    # Free text from staff: a number typed into it must not land in the table in clear.
    user.restriction_reason = mask_national_ids(check_text(reason, "原因", 256))
    session.add(user)
    audit.record(
        session,
        runtime.clock.now(),
        "RESTRICT_USER",
        user_id=user_id,
        **staff.audit_fields(),
        until=until.isoformat(),
        reason=user.restriction_reason,
    )
    return user


async def record_no_show(
    runtime: Runtime, session: AsyncSession, order: Order
) -> HospitalUser | None:
    """Three no-shows in 90 days (configurable) restrict the user for a while."""
    settings = runtime.settings
    now = runtime.clock.now()
    since = now - timedelta(days=settings.no_show_window_days)
    count = (
        await session.exec(
            select(func.count())
            .select_from(Order)
            .where(
                Order.user_id == order.user_id,
                col(Order.no_show).is_(True),
                col(Order.starts_at) >= since,
            )
        )
    ).one()
    if count < settings.no_show_limit:
        return None
    user = await session.get(HospitalUser, order.user_id)
    if user is None:
        return None
    until = now + timedelta(days=settings.no_show_restriction_days)
    if user.restricted_until is None or user.restricted_until < until:
        user.restricted_until = until
        user.restriction_reason = f"{settings.no_show_window_days}天内爽约{count}次"
        session.add(user)
        audit.record(session, now, "AUTO_RESTRICT", user_id=user.id, no_shows=count)
    return user
