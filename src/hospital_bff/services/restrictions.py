"""A restricted account (too many no-shows) may neither book nor pay online (paper §4.2:
挂号、缴费). Booking asks through its first eligibility rule; paying bills asks here; both
read the same rule, `eligibility.restriction`."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.services.accounts import NotVerified
from hospital_bff.services.eligibility import UserFacts, restriction
from hospital_bff.services.errors import DomainError
from hospital_bff.store.models import HospitalUser


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
