"""Resolvers of the patient's governance of their records: grants, revocations, the trail."""

from __future__ import annotations

from typing import cast

from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.resolvers.context import Info
from hospital_bff.resolvers.mutations import in_one_unit
from hospital_bff.schema.record_access import (
    GrantRecordAccessInput,
    GrantRecordAccessSuccess,
    RecordAccess,
    RecordGrant,
    RevokeRecordAccessSuccess,
)
from hospital_bff.schema.results import GrantRecordAccessResult, RevokeRecordAccessResult
from hospital_bff.services import record_access
from hospital_bff.services.errors import NotVerified

READS_SHOWN = 100


async def my_record_access(info: Info) -> RecordAccess | None:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime
    today = runtime.clock.today()
    async with runtime.sessions() as session:
        view = await record_access.access_view(session, viewer.user_id, today, READS_SHOWN)
    return RecordAccess.from_view(view, today) if view is not None else None


async def grant_record_access(info: Info, input: GrantRecordAccessInput) -> GrantRecordAccessResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> GrantRecordAccessSuccess:
        if viewer.user_id is None:
            raise NotVerified()
        row = await record_access.grant(
            session,
            now=runtime.clock.now(),
            today=runtime.clock.today(),
            user_id=viewer.user_id,
            account_id=viewer.account_id,
            binding_id=str(input.binding_id),
            scopes=[s.value for s in input.scopes],
            ends_on=input.ends_on,
        )
        return GrantRecordAccessSuccess(grant=RecordGrant.from_row(row, runtime.clock.today()))

    return cast("GrantRecordAccessResult", await in_one_unit(info, work, GrantRecordAccessResult))


async def revoke_record_access(info: Info, grant_id: str) -> RevokeRecordAccessResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> RevokeRecordAccessSuccess:
        if viewer.user_id is None:
            raise NotVerified()
        row = await record_access.revoke(
            session,
            now=runtime.clock.now(),
            user_id=viewer.user_id,
            account_id=viewer.account_id,
            grant_id=grant_id,
        )
        return RevokeRecordAccessSuccess(grant=RecordGrant.from_row(row, runtime.clock.today()))

    return cast("RevokeRecordAccessResult", await in_one_unit(info, work, RevokeRecordAccessResult))
