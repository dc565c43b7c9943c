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
from hospital_bff.services.accounts.signin import Platform
from hospital_bff.services.errors import InvalidInput, NotVerified
from hospital_bff.store.models import Account

MAX_TEMPLATES = 20


async def accept_notice_subscriptions(
    info: Info, template_ids: list[str]
) -> AcceptNoticeSubscriptionsResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> AcceptNoticeSubscriptionsSuccess:
        if viewer.user_id is None or viewer.account_id is None:
            raise NotVerified()
        known = set(runtime.settings.wechat_push_templates.values())
        if len(template_ids) > MAX_TEMPLATES or not set(template_ids) <= known:
            raise InvalidInput("未知的消息模板", message_en="Unknown notice template")
        account = await session.get(Account, viewer.account_id)
        if account is None or account.platform != Platform.WECHAT:
            raise InvalidInput("仅支持微信账号", message_en="Only a WeChat account can subscribe")
        kinds = await notice_push.accept(
            session,
            runtime,
            user_id=viewer.user_id,
            openid=account.external_id,
            template_ids=template_ids,
            now=runtime.clock.now(),
        )
        return AcceptNoticeSubscriptionsSuccess(accepted_kinds=[NoticeKind(k) for k in kinds])

    return cast(
        "AcceptNoticeSubscriptionsResult",
        await in_one_unit(info, work, AcceptNoticeSubscriptionsResult),
    )
