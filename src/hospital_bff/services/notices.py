"""Notices to users: stored once per reason (dedupe key), pushed to open subscriptions
and, by a job, to the phone through WeChat."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.amounts import yuan
from hospital_bff.events import notices_topic
from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.services.money.rules import OrderKind
from hospital_bff.services.uow import publish_after_commit
from hospital_bff.store.ids import new_id
from hospital_bff.store.models import Notice, Order
from hospital_bff.store.upsert import insert_ignore


class NoticeKind(StrEnum):
    """What a notice tells the patient; the app and WeChat's templates key on it."""

    ORDER_CONFIRMED = "ORDER_CONFIRMED"
    ORDER_EXPIRED = "ORDER_EXPIRED"
    ORDER_CANCELLED = "ORDER_CANCELLED"
    ORDER_FAILED = "ORDER_FAILED"
    REFUND_SUCCEEDED = "REFUND_SUCCEEDED"
    EXPERT_SUSPENDED = "EXPERT_SUSPENDED"
    REPORT_READY = "REPORT_READY"
    VISIT_REMINDER = "VISIT_REMINDER"
    WAITLIST_OFFER = "WAITLIST_OFFER"
    QUEUE_NEAR = "QUEUE_NEAR"
    QUEUE_CALLED = "QUEUE_CALLED"


async def notify(
    session: AsyncSession,
    *,
    now: datetime,
    user_id: str,
    kind: NoticeKind,
    title: str,
    body: str,
    dedupe_key: str,
    patient_id: str | None = None,
    order_id: str | None = None,
) -> bool:
    """Store a notice unless one with this dedupe key exists; push it after commit."""
    values: dict[str, Any] = {
        "id": new_id("ntc"),
        "user_id": user_id,
        "dedupe_key": dedupe_key,
        "kind": kind,
        "title": title,
        "body": body,
        "patient_id": patient_id,
        "order_id": order_id,
        "created_at": now,
        "read_at": None,
    }
    inserted = await insert_ignore(session, Notice, values)
    if inserted:
        publish_after_commit(session, notices_topic(user_id), {"id": values["id"]})
        # To the phone as well, once the notice is committed (services/notice_push.py).
        enqueue_after_commit(session, "push_notice", values["id"])
    return inserted


async def exists(session: AsyncSession, dedupe_key: str) -> bool:
    """Whether the notice under this dedupe key was stored (what it told has happened)."""
    found = await session.exec(select(Notice.id).where(Notice.dedupe_key == dedupe_key))
    return found.first() is not None


def kept_registration_key(order_id: str) -> str:
    """The EXPERT_SUSPENDED notice of a registration the HIS would not cancel."""
    return f"{NoticeKind.EXPERT_SUSPENDED}:{order_id}:kept"


def describe_order(order: Order) -> str:
    """An order as the patient knows it (department, expert, date, amount in yuan): notices
    never show our internal IDs, which mean nothing to them."""
    if order.kind == OrderKind.REGISTRATION:
        who = f"{order.department_name or ''} {order.expert_name or ''}".strip()
        return f"挂号 {who} {order.visit_date} {yuan(order.amount)}元".replace("  ", " ").strip()
    return f"门诊缴费 {yuan(order.amount)}元"


async def unread_count(session: AsyncSession, user_id: str) -> int:
    return int(
        (
            await session.exec(
                select(func.count())
                .select_from(Notice)
                .where(Notice.user_id == user_id, col(Notice.read_at).is_(None))
            )
        ).one()
    )


# What a notice stream starts with, at most: the latest unread ones (older ones are in the
# paged list; a stream is for what is new).
UNREAD_ON_START = 50


async def to_stream(session: AsyncSession, user_id: str, event: dict[str, object]) -> list[Notice]:
    """What a user's notice stream sends on an event of their topic: the notice it names (if
    it is theirs), or, at the start and when Redis is back, their latest unread ones."""
    if "id" in event:
        row = await session.get(Notice, str(event["id"]))
        return [row] if row is not None and row.user_id == user_id else []
    return await unread(session, user_id)


async def unread(session: AsyncSession, user_id: str, limit: int = UNREAD_ON_START) -> list[Notice]:
    """The user's latest unread notices, oldest first (the order a stream delivers them)."""
    query = (
        select(Notice)
        .where(Notice.user_id == user_id, col(Notice.read_at).is_(None))
        .order_by(col(Notice.created_at).desc(), col(Notice.id).desc())
        .limit(limit)
    )
    return list(reversed((await session.exec(query)).all()))


async def mark_read(session: AsyncSession, user_id: str, ids: list[str], now: datetime) -> int:
    """Mark the caller's notices read; ids of others' notices are ignored like unknown ones."""
    if ids:
        await session.execute(
            update(Notice)
            .where(
                col(Notice.id).in_(ids),
                col(Notice.user_id) == user_id,
                col(Notice.read_at).is_(None),
            )
            .values(read_at=now)
        )
    return await unread_count(session, user_id)


async def page(
    session: AsyncSession, user_id: str, first: int, after: tuple[datetime, str] | None
) -> list[Notice]:
    query = select(Notice).where(Notice.user_id == user_id)
    if after is not None:
        at, nid = after
        query = query.where(
            or_(
                col(Notice.created_at) < at,
                and_(col(Notice.created_at) == at, col(Notice.id) < nid),
            )
        )
    query = query.order_by(col(Notice.created_at).desc(), col(Notice.id).desc()).limit(first + 1)
    return list((await session.exec(query)).all())
