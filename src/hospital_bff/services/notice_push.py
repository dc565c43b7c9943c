"""Notices pushed to the phone through WeChat, so a closed app still hears of them.

Each notice goes to the WeChat openids of its own user only, through the channel set in
`BFF_WECHAT_PUSH`, with the template its kind maps to. Subscription messages go only for
templates the user accepted in WeChat's prompt. Every (notice, openid) gets a delivery row
whose status says what happened; it is marked SENDING (committed) before the call, so a
retry, or a second worker, never sends the same notice twice: a SENDING row found later
means a call whose outcome was lost, recorded as FAILED / OUTCOME_UNKNOWN, not resent.

Over 400 lines: the delivery state machine (a row per notice and openid) and the three
WeChat channels it drives are one concept; a split would put the SENDING rule in two files.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

import structlog
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.config import Settings
from hospital_bff.datasources.errors import UpstreamTimeout, UpstreamUnavailable
from hospital_bff.datasources.wechat import WechatApiError
from hospital_bff.datasources.wechat_push import PushChannel, WechatPushRefused
from hospital_bff.national_id import mask_name
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.accounts.signin import Platform
from hospital_bff.services.errors import InvalidInput, NotVerified
from hospital_bff.services.notices import NoticeKind
from hospital_bff.store.ids import new_id
from hospital_bff.store.models import (
    Account,
    Notice,
    NoticeConsent,
    NoticeDelivery,
    Order,
    PatientBinding,
)
from hospital_bff.store.upsert import insert_ignore

log = structlog.get_logger(__name__)

# At most this many templates in one answer of WeChat's subscribe prompt.
MAX_TEMPLATES = 20

# WeChat's `thing` values take 20 characters at most.
THING_MAX = 20


class DeliveryStatus(StrEnum):
    """Where one notice's push to one openid stands."""

    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    REFUSED = "REFUSED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


class DeliveryReason(StrEnum):
    """Why a delivery was skipped, refused or failed."""

    PUSH_OFF = "PUSH_OFF"
    NO_TEMPLATE = "NO_TEMPLATE"
    NO_WECHAT_ACCOUNT = "NO_WECHAT_ACCOUNT"
    NOT_ACCEPTED = "NOT_ACCEPTED"
    USER_REFUSED = "USER_REFUSED"
    WECHAT_UNAVAILABLE = "WECHAT_UNAVAILABLE"
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
    WECHAT_REJECTED = "WECHAT_REJECTED"


FINAL = {
    DeliveryStatus.SENT,
    DeliveryStatus.REFUSED,
    DeliveryStatus.FAILED,
    DeliveryStatus.SKIPPED,
}

# What the patient sees under each kind; the title already says what happened.
HINTS = {
    NoticeKind.ORDER_CONFIRMED: "请按时到院就诊",
    NoticeKind.ORDER_EXPIRED: "订单超时未支付，已关闭",
    NoticeKind.ORDER_CANCELLED: "已支付费用将原路退回",
    NoticeKind.ORDER_FAILED: "已支付费用将原路退回",
    NoticeKind.REFUND_SUCCEEDED: "款项已退回原支付账户",
    NoticeKind.EXPERT_SUSPENDED: "预约已取消，费用全额退回",
    NoticeKind.REPORT_READY: "请在“报告查询”中查看",
    NoticeKind.VISIT_REMINDER: "请按时到院就诊",
    NoticeKind.WAITLIST_OFFER: "号源为您保留数分钟，请尽快确认并支付",
    NoticeKind.QUEUE_NEAR: "请到诊室门口候诊",
    NoticeKind.QUEUE_CALLED: "请立即到诊室就诊",
}


def _in_flight_limit(settings: Settings) -> timedelta:
    # A call lasts at most a token fetch and two sends; longer, its worker is gone.
    return timedelta(seconds=4 * settings.http_timeout_seconds + 5)


class RetryDelivery(Exception):
    """WeChat was unreachable for some openid of the notice; the job is to run again."""


def _thing(text: str) -> str:
    return text if len(text) <= THING_MAX else text[: THING_MAX - 1] + "…"


def notice_data(notice: Notice, patient_name: str | None, order: Order | None) -> dict[str, str]:
    """The template's data: what happened, to whom (name masked), when, and the visit; never
    an internal ID, an ID number, or a full name (a push shows on a locked screen)."""
    data = {
        "thing1": _thing(notice.title),
        "name2": mask_name(patient_name) if patient_name else "就诊人",
        "time3": f"{notice.created_at:%Y-%m-%d %H:%M}",
        "thing4": _thing(HINTS.get(NoticeKind(notice.kind), notice.title)),
    }
    if order is not None and order.visit_date is not None:
        data["thing5"] = _thing(
            f"{order.visit_date:%m月%d日}{order.department_name or ''}{order.expert_name or ''}"
        )
    return data


async def deliver(runtime: Runtime, notice_id: str) -> dict[str, DeliveryStatus]:
    """Push one notice to its user's openids; raises RetryDelivery while WeChat is down and
    tries remain. Returns the status per openid ("" when there was none to try)."""
    settings = runtime.settings
    now = runtime.clock.now()
    async with uow.unit_of_work(runtime) as session:
        # The notice with its deliveries so far, in one statement (a push per expiry, each
        # statement a round trip).
        found = (
            await session.exec(
                select(Notice, NoticeDelivery)
                .outerjoin(NoticeDelivery, col(NoticeDelivery.notice_id) == col(Notice.id))
                .where(Notice.id == notice_id)
            )
        ).all()
        if not found:
            return {}
        notice = found[0][0]
        existing = [delivery for _, delivery in found if delivery is not None]
        if existing and all(d.status in FINAL for d in existing):
            return {d.openid: DeliveryStatus(d.status) for d in existing}
        template_id = settings.wechat_push_templates.get(notice.kind)
        openids = (
            await session.exec(
                select(Account.external_id).where(
                    Account.user_id == notice.user_id, Account.platform == Platform.WECHAT
                )
            )
        ).all()
        skip: DeliveryReason | None = None
        if settings.wechat_push == "off":
            skip = DeliveryReason.PUSH_OFF
        elif template_id is None:
            skip = DeliveryReason.NO_TEMPLATE
        elif not openids:
            skip = DeliveryReason.NO_WECHAT_ACCOUNT
        owner = notice.user_id
        if skip is not None:
            await _insert(session, notice_id, owner, "", settings.wechat_push, None, now, skip)
            return {"": DeliveryStatus.SKIPPED}
        for openid in openids:
            await _insert(session, notice_id, owner, openid, settings.wechat_push, template_id, now)
        data = await _data_for(session, notice)
    assert template_id is not None
    channel = PushChannel(settings.wechat_push)
    outcomes: dict[str, DeliveryStatus] = {}
    retry = False
    for openid in openids:
        status = await _deliver_one(runtime, notice_id, openid, channel, template_id, data)
        outcomes[openid] = status
        retry = retry or status is DeliveryStatus.PENDING
    if retry:
        raise RetryDelivery(notice_id)
    return outcomes


async def _deliver_one(
    runtime: Runtime,
    notice_id: str,
    openid: str,
    channel: PushChannel,
    template_id: str,
    data: dict[str, str],
) -> DeliveryStatus:
    settings = runtime.settings
    async with uow.unit_of_work(runtime) as session:
        row = (await _deliveries(session, notice_id, openid))[0]
        if row.status == DeliveryStatus.SENDING:
            if row.updated_at > runtime.clock.now() - _in_flight_limit(settings):
                return DeliveryStatus.SENDING  # another worker's call is still under way
            # A call before this one never recorded its answer: it may have been delivered.
            await _finish(
                session,
                row.id,
                runtime.clock.now(),
                DeliveryStatus.FAILED,
                DeliveryReason.OUTCOME_UNKNOWN,
            )
            return DeliveryStatus.FAILED
        if row.status != DeliveryStatus.PENDING:
            return DeliveryStatus(row.status)
        if channel.needs_acceptance and not await _accepted(session, openid, template_id):
            await _finish(
                session,
                row.id,
                runtime.clock.now(),
                DeliveryStatus.SKIPPED,
                DeliveryReason.NOT_ACCEPTED,
            )
            return DeliveryStatus.SKIPPED
        attempts = row.attempts + 1  # read before the update, which also bumps `row`
        claimed = await session.execute(
            update(NoticeDelivery)
            .where(
                col(NoticeDelivery.id) == row.id,
                col(NoticeDelivery.status) == DeliveryStatus.PENDING.value,
            )
            .values(
                status=DeliveryStatus.SENDING.value,
                attempts=NoticeDelivery.attempts + 1,
                updated_at=runtime.clock.now(),
            )
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return DeliveryStatus.SENDING  # another worker has it
    status, reason, msgid = DeliveryStatus.SENT, None, None
    try:
        receipt = await runtime.wechat_push.send(
            channel,
            openid=openid,
            template_id=template_id,
            data=data,
            page=settings.wechat_push_page,
            miniprogram_app_id=settings.wechat_push_miniprogram_app_id,
        )
        msgid = receipt.msgid
    except WechatPushRefused:
        status, reason = DeliveryStatus.REFUSED, DeliveryReason.USER_REFUSED
    except WechatApiError as exc:
        log.warning("wechat_push_rejected", errcode=exc.errcode, notice_id=notice_id)
        status, reason = DeliveryStatus.FAILED, DeliveryReason.WECHAT_REJECTED
    except UpstreamTimeout:
        status, reason = DeliveryStatus.FAILED, DeliveryReason.OUTCOME_UNKNOWN
    except UpstreamUnavailable:
        # WeChat answered nothing usable, so nothing was sent: the next try may send.
        if attempts < settings.wechat_push_attempts:
            status = DeliveryStatus.PENDING
        else:
            status, reason = DeliveryStatus.FAILED, DeliveryReason.WECHAT_UNAVAILABLE
    async with uow.unit_of_work(runtime) as session:
        await _finish(session, row.id, runtime.clock.now(), status, reason, msgid)
        if status is DeliveryStatus.SENT and channel.needs_acceptance:
            await _use_one_off(session, openid, template_id)
        elif status is DeliveryStatus.REFUSED:
            await _forget_acceptance(session, openid, template_id)
    return status


# A notice whose push job was lost (a crash between commit and send) is looked for this
# long, and after this delay (its own job comes first); a PENDING delivery untouched for
# longer than the job's longest backoff has lost its retry.
UNSENT_LOOKBACK = timedelta(days=1)
UNSENT_AFTER = timedelta(minutes=1)
STALLED_AFTER = timedelta(minutes=10)


async def notices_to_push_again(runtime: Runtime) -> list[str]:
    """The sweep's question, in its own transaction: see `unsent_notices`."""
    async with uow.unit_of_work(runtime) as session:
        return await unsent_notices(session, runtime.clock.now())


async def unsent_notices(session: AsyncSession, now: datetime) -> list[str]:
    """Recent notices with no delivery recorded, or a delivery that stopped being retried."""
    no_delivery = (
        select(Notice.id)
        .outerjoin(NoticeDelivery, col(NoticeDelivery.notice_id) == col(Notice.id))
        .where(
            col(Notice.created_at) >= now - UNSENT_LOOKBACK,
            col(Notice.created_at) <= now - UNSENT_AFTER,
            col(NoticeDelivery.id).is_(None),
        )
        .limit(500)
    )
    stalled = (
        select(NoticeDelivery.notice_id)
        .where(
            col(NoticeDelivery.status).in_(
                [DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value]
            ),
            col(NoticeDelivery.updated_at) <= now - STALLED_AFTER,
            col(NoticeDelivery.created_at) >= now - UNSENT_LOOKBACK,
        )
        .limit(500)
    )
    ids = list((await session.exec(no_delivery)).all())
    ids += list((await session.exec(stalled)).all())
    return list(dict.fromkeys(ids))


async def accept_from_prompt(
    session: AsyncSession,
    runtime: Runtime,
    *,
    user_id: str | None,
    account_id: str | None,
    template_ids: Sequence[str],
) -> list[str]:
    """The subscribe prompt's outcome as the caller's app reports it: only a verified user's
    WeChat account can subscribe, and only to our templates (anything else is refused whole,
    not ignored). Returns the notice kinds now covered."""
    if user_id is None or account_id is None:
        raise NotVerified()
    known = set(runtime.settings.wechat_push_templates.values())
    if len(template_ids) > MAX_TEMPLATES or not set(template_ids) <= known:
        raise InvalidInput("未知的消息模板", message_en="Unknown notice template")
    account = await session.get(Account, account_id)
    if account is None or account.platform != Platform.WECHAT:
        raise InvalidInput("仅支持微信账号", message_en="Only a WeChat account can subscribe")
    return await accept(
        session,
        runtime,
        user_id=user_id,
        openid=account.external_id,
        template_ids=template_ids,
        now=runtime.clock.now(),
    )


async def accept(
    session: AsyncSession,
    runtime: Runtime,
    *,
    user_id: str,
    openid: str,
    template_ids: Sequence[str],
    now: datetime,
) -> list[str]:
    """Record the templates the user accepted in WeChat's subscribe prompt; returns the
    notice kinds now covered. A long-term template stays accepted; each one-off acceptance
    allows one message. Unknown template ids are ignored."""
    settings = runtime.settings
    known = set(settings.wechat_push_templates.values())
    one_off = set(settings.wechat_push_one_off_templates)
    for tid in dict.fromkeys(t for t in template_ids if t in known):
        await insert_ignore(
            session,
            NoticeConsent,
            {
                "id": new_id("ncs"),
                "user_id": user_id,
                "openid": openid,
                "template_id": tid,
                "long_term": False,
                "remaining": 0,
                "updated_at": now,
            },
        )
        values: dict[str, object] = {"updated_at": now, "user_id": user_id}
        if tid in one_off:
            values["remaining"] = NoticeConsent.remaining + 1
        else:
            values["long_term"] = True
        await session.execute(
            update(NoticeConsent)
            .where(col(NoticeConsent.openid) == openid, col(NoticeConsent.template_id) == tid)
            .values(**values)
        )
    return await accepted_kinds(session, runtime, openid)


async def accepted_kinds(session: AsyncSession, runtime: Runtime, openid: str) -> list[str]:
    rows = (await session.exec(select(NoticeConsent).where(NoticeConsent.openid == openid))).all()
    ok = {r.template_id for r in rows if r.long_term or r.remaining > 0}
    return sorted(k for k, t in runtime.settings.wechat_push_templates.items() if t in ok)


async def _deliveries(
    session: AsyncSession, notice_id: str, openid: str | None = None
) -> list[NoticeDelivery]:
    query = select(NoticeDelivery).where(NoticeDelivery.notice_id == notice_id)
    if openid is not None:
        query = query.where(NoticeDelivery.openid == openid)
    return list((await session.exec(query)).all())


async def _insert(
    session: AsyncSession,
    notice_id: str,
    owner: str,
    openid: str,
    channel: str,
    template_id: str | None,
    now: datetime,
    skip: DeliveryReason | None = None,
) -> None:
    await insert_ignore(
        session,
        NoticeDelivery,
        {
            "id": new_id("ndl"),
            "notice_id": notice_id,
            "openid": openid,
            "channel": channel,
            "template_id": template_id,
            "status": (DeliveryStatus.SKIPPED if skip else DeliveryStatus.PENDING).value,
            "reason": skip.value if skip else None,
            "msgid": None,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        },
        owner=owner,  # the notice's user, read above: not read again through the notice
    )


async def _finish(
    session: AsyncSession,
    delivery_id: str,
    now: datetime,
    status: DeliveryStatus,
    reason: DeliveryReason | None,
    msgid: str | None = None,
) -> None:
    await session.execute(
        update(NoticeDelivery)
        .where(col(NoticeDelivery.id) == delivery_id)
        .values(
            status=status.value,
            reason=reason.value if reason else None,
            msgid=msgid,
            updated_at=now,
        )
    )


async def _accepted(session: AsyncSession, openid: str, template_id: str) -> bool:
    consent = (
        await session.exec(
            select(NoticeConsent).where(
                NoticeConsent.openid == openid, NoticeConsent.template_id == template_id
            )
        )
    ).first()
    return consent is not None and (consent.long_term or consent.remaining > 0)


async def _use_one_off(session: AsyncSession, openid: str, template_id: str) -> None:
    await session.execute(
        update(NoticeConsent)
        .where(
            col(NoticeConsent.openid) == openid,
            col(NoticeConsent.template_id) == template_id,
            col(NoticeConsent.long_term).is_(False),
            col(NoticeConsent.remaining) > 0,
        )
        .values(remaining=NoticeConsent.remaining - 1)
    )


async def _forget_acceptance(session: AsyncSession, openid: str, template_id: str) -> None:
    # WeChat says the user no longer accepts it (turned off in WeChat, or used up): believe it
    # until the user accepts again.
    await session.execute(
        update(NoticeConsent)
        .where(col(NoticeConsent.openid) == openid, col(NoticeConsent.template_id) == template_id)
        .values(long_term=False, remaining=0)
    )


async def _data_for(session: AsyncSession, notice: Notice) -> dict[str, str]:
    name: str | None = None
    if notice.patient_id:
        binding = (
            await session.exec(
                select(PatientBinding).where(
                    PatientBinding.user_id == notice.user_id,
                    PatientBinding.his_patient_id == notice.patient_id,
                )
            )
        ).first()
        name = binding.name if binding else None
    order = await session.get(Order, notice.order_id) if notice.order_id else None
    if name is None and order is not None:
        name = order.patient_name
    return notice_data(notice, name, order)
