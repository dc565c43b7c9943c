"""Resolver of the WeChat subscribe prompt's outcome: which notice templates the user accepted."""

from __future__ import annotations

from typing import cast

from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.resolvers.context import Info
from hospital_bff.resolvers.mutations import in_one_unit
from hospital_bff.schema.enums import NoticeKind
from hospital_bff.schema.notices import AcceptNoticeSubscriptionsSuccess
from hospital_bff.schema.results import AcceptNoticeSubscriptionsResult
from hospital_bff.services import notice_push


async def accept_notice_subscriptions(
    info: Info, template_ids: list[str]
) -> AcceptNoticeSubscriptionsResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> AcceptNoticeSubscriptionsSuccess:
        kinds = await notice_push.accept_from_prompt(
            session,
            runtime,
            user_id=viewer.user_id,
            account_id=viewer.account_id,
            template_ids=template_ids,
        )
        return AcceptNoticeSubscriptionsSuccess(accepted_kinds=[NoticeKind(k) for k in kinds])

    return cast(
        "AcceptNoticeSubscriptionsResult",
        await in_one_unit(info, work, AcceptNoticeSubscriptionsResult),
    )
