"""Resolvers of accounts and patients."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.resolvers.context import Info, staff_actor
from hospital_bff.resolvers.mutations import in_one_unit
from hospital_bff.schema.accounts import (
    BindPatientInput,
    BindPatientSuccess,
    Me,
    Patient,
    RestrictUserSuccess,
    SignInSuccess,
    UnbindPatientSuccess,
    VerifyIdentityInput,
    VerifyIdentitySuccess,
)
from hospital_bff.schema.results import (
    BindPatientResult,
    RestrictUserResult,
    SignInResult,
    UnbindPatientResult,
    VerifyIdentityResult,
)
from hospital_bff.services.accounts import identity, patients, restrictions, signin
from hospital_bff.services.errors import NotVerified
from hospital_bff.services.staff import StaffActor
from hospital_bff.store.models import Account, HospitalUser


async def _me(session: AsyncSession, account: Account, user: HospitalUser | None) -> Me:
    bound = await patients.bound_patients(session, user.id) if user else []
    return Me(
        id=strawberry.ID(account.id),
        user_id=strawberry.ID(user.id) if user else None,
        verified=user is not None,
        masked_name=user.masked_name if user else None,
        restricted_until=user.restricted_until if user else None,
        patients=[Patient.from_binding(p) for p in bound],
    )


def _staff_me(staff: StaffActor) -> Me:
    return Me(
        id=strawberry.ID(staff.staff_id),
        user_id=None,
        verified=False,
        masked_name=None,
        restricted_until=None,
        patients=[],
    )


async def me(info: Info) -> Me | None:
    """The caller. No token or a bad one is UNAUTHENTICATED, as the contract says, but only at
    `me`: the field is nullable, so the public data of the same query stays."""
    viewer = await info.context.require_viewer()
    if viewer.staff is not None:
        return _staff_me(viewer.staff)
    runtime = info.context.runtime
    async with runtime.sessions() as session:
        account = await session.get(Account, viewer.account_id) if viewer.account_id else None
        if account is None:
            return None  # gone since the token was checked: as signed out
        user = await session.get(HospitalUser, account.user_id) if account.user_id else None
        return await _me(session, account, user)


async def sign_in(info: Info, platform: str, code: str) -> SignInResult:
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> SignInSuccess:
        result = await signin.sign_in(runtime, session, platform, code, info.context.client_address)
        return SignInSuccess(
            token=result.token.token,
            expires_at=result.token.expires_at,
            me=await _me(session, result.account, result.user),
        )

    return cast("SignInResult", await in_one_unit(info, work, SignInResult))


async def verify_identity(info: Info, data: VerifyIdentityInput) -> VerifyIdentityResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> VerifyIdentitySuccess:
        if viewer.account_id is None:
            raise NotVerified()
        user = await identity.verify_identity(
            runtime,
            session,
            viewer.account_id,
            info.context.client_address,
            data.name,
            data.id_number,
            data.phone,
        )
        account = await session.get(Account, viewer.account_id)
        assert account is not None  # verify_identity found it (NOT_FOUND otherwise)
        return VerifyIdentitySuccess(me=await _me(session, account, user))

    return cast("VerifyIdentityResult", await in_one_unit(info, work, VerifyIdentityResult))


async def bind_patient(info: Info, data: BindPatientInput) -> BindPatientResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> BindPatientSuccess:
        if viewer.user_id is None:
            raise NotVerified()
        binding = await patients.bind_patient(
            runtime,
            session,
            viewer.user_id,
            viewer.account_id,
            info.context.client_address,
            data.name,
            data.id_number,
            data.phone,
            data.relation.value,
        )
        return BindPatientSuccess(patient=Patient.from_binding(binding))

    return cast("BindPatientResult", await in_one_unit(info, work, BindPatientResult))


async def unbind_patient(info: Info, patient_id: str) -> UnbindPatientResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> UnbindPatientSuccess:
        if viewer.user_id is None:
            raise NotVerified()
        await patients.unbind_patient(
            runtime, session, viewer.user_id, viewer.account_id, patient_id
        )
        return UnbindPatientSuccess(patient_id=strawberry.ID(patient_id))

    return cast("UnbindPatientResult", await in_one_unit(info, work, UnbindPatientResult))


async def restrict_user(
    info: Info, user_id: str, until: datetime, reason: str
) -> RestrictUserResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> RestrictUserSuccess:
        staff = staff_actor(viewer)
        user = await restrictions.restrict_user(runtime, session, staff, user_id, until, reason)
        assert user.restricted_until is not None
        return RestrictUserSuccess(
            user_id=strawberry.ID(user.id), restricted_until=user.restricted_until
        )

    return cast("RestrictUserResult", await in_one_unit(info, work, RestrictUserResult))
