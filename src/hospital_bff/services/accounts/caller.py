"""The caller as the app shows them (`me`): the account, its hospital user once verified, and
the patients that user has bound."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.services.accounts.patients import bound_patients
from hospital_bff.services.errors import NotFound
from hospital_bff.store.models import Account, HospitalUser, PatientBinding


@dataclass(frozen=True, slots=True)
class Caller:
    account: Account
    user: HospitalUser | None
    patients: list[PatientBinding]


async def caller_of(session: AsyncSession, account: Account, user: HospitalUser | None) -> Caller:
    """The caller, given the account and user a flow has just read or made."""
    patients = await bound_patients(session, user.id) if user is not None else []
    return Caller(account=account, user=user, patients=patients)


async def caller_by_account(session: AsyncSession, account_id: str) -> Caller | None:
    """The caller behind a token's account; None when the account is gone since."""
    account = await session.get(Account, account_id)
    if account is None:
        return None
    user = await session.get(HospitalUser, account.user_id) if account.user_id else None
    return await caller_of(session, account, user)


async def account_of(session: AsyncSession, account_id: str) -> Account:
    """The caller's account; NOT_FOUND when it is gone."""
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound("账户", "account")
    return account
