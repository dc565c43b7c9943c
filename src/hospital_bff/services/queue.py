"""Check-in (签到) and the queue (排队叫号) on the phone: commands over the HIS's queue.

The HIS is the truth of the queue (docs/his-api.md "The queue on the visit day"); the BFF
keeps no copy. It checks its own rules (`queue_rules`), asks the HIS, and on each queue event
reads the entry again, tells the patient's subscriptions to look again, and stores the notices
the new state calls for, once each (their dedupe keys are unique in the notice table, so a
duplicate event, a retry or a restart sends nothing twice).
"""

from __future__ import annotations

from datetime import timedelta

import structlog

from hospital_bff.datasources.errors import UpstreamRejected
from hospital_bff.datasources.his_models import QueueEntry
from hospital_bff.events import queue_topic
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.errors import DomainError
from hospital_bff.services.money.orders import owned_order
from hospital_bff.services.money.rules import OrderKind, OrderStatus
from hospital_bff.services.notices import NoticeKind, describe_order, notify
from hospital_bff.services.personal_generations import bump
from hospital_bff.services.queue_rules import (
    CheckInRules,
    Place,
    Visit,
    check_in_refusal,
    notice_due,
)
from hospital_bff.store.models import Order
from hospital_bff.store.touched import Touched, note_user

log = structlog.get_logger(__name__)

# Orders whose queue the HIS may still hold: checked in and waiting, or seen today.
_QUEUED_STATUSES = {OrderStatus.CONFIRMED, OrderStatus.COMPLETED}


def check_in_rules(runtime: Runtime) -> CheckInRules:
    settings = runtime.settings
    hospital = (
        Place(settings.hospital_latitude, settings.hospital_longitude)
        if settings.hospital_latitude is not None and settings.hospital_longitude is not None
        else None
    )
    return CheckInRules(
        opens_before=timedelta(minutes=settings.check_in_opens_minutes),
        hospital=hospital,
        radius_meters=settings.check_in_radius_meters,
    )


def visit_of(order: Order) -> Visit:
    return Visit(
        kind=order.kind,
        status=order.status,
        starts_at=order.starts_at,
        ends_at=order.ends_at,
        registration_id=order.his_registration_id,
    )


async def check_in(
    runtime: Runtime, user_id: str | None, order_id: str, place: Place | None
) -> tuple[Order, QueueEntry]:
    """Check the caller's registration in at the HIS; its queue entry."""
    async with runtime.sessions() as session:
        order = await owned_order(session, user_id, order_id)
    refusal = check_in_refusal(visit_of(order), runtime.clock.now(), check_in_rules(runtime), place)
    if refusal is not None:
        raise refusal
    registration_id = order.his_registration_id
    assert registration_id is not None  # check_in_refusal refuses an order without one
    if await runtime.his.queue_entry(registration_id) is not None:
        raise DomainError(
            "已签到，请留意叫号", code="ALREADY_CHECKED_IN", message_en="Checked in already"
        )
    try:
        entry = await runtime.his.check_in(registration_id)
    except UpstreamRejected as exc:
        if exc.code != "NOT_CHECKABLE":
            raise
        # Our order says CONFIRMED but the HIS knows better (seen, missed, cancelled at the
        # window): the HIS's event about it will bring the order up to date.
        raise DomainError(
            "该挂号当前无法签到，请到分诊台咨询",
            code="INVALID_STATE",
            message_en="This registration cannot check in now; ask at the triage desk",
        ) from exc
    # Not a row of ours: the HIS's queue. A kept `order { queue }` answer is over now.
    await bump(runtime, Touched(users={order.user_id}))
    await runtime.events.publish(queue_topic(order.id), {"status": entry.status})
    log.info("checked_in", order_id=order.id, position=entry.position)
    return order, entry


async def queue_of(runtime: Runtime, order: Order) -> QueueEntry | None:
    """The order's place in today's queue, or None (not checked in, or not a visit of today)."""
    if (
        order.kind != OrderKind.REGISTRATION
        or order.status not in _QUEUED_STATUSES
        or order.his_registration_id is None
        or order.visit_date != runtime.clock.today()
    ):
        return None
    return await runtime.his.queue_entry(order.his_registration_id)


async def record_queue_event(runtime: Runtime, order_id: str) -> None:
    """A QUEUE_UPDATED or QUEUE_CALLED event for one of our orders: read the entry again (events
    arrive late and out of order), notify what it calls for, and tell the subscriptions."""
    async with runtime.sessions() as session:
        order = await session.get(Order, order_id)
    if order is None or order.his_registration_id is None:
        log.info("queue_event_unmatched", order_id=order_id)
        return
    entry = await runtime.his.queue_entry(order.his_registration_id)
    if entry is None:
        return
    kind = notice_due(entry.status, entry.ahead, runtime.settings.queue_near_ahead)
    async with uow.unit_of_work(runtime) as session:
        # The queue moved at the HIS: what was kept of the order's `queue` is over.
        note_user(session.sync_session, order.user_id)
        if kind is not None:
            title, body = _notice_text(kind, order, entry)
            await notify(
                session,
                now=runtime.clock.now(),
                user_id=order.user_id,
                kind=kind,
                title=title,
                body=body,
                dedupe_key=f"{kind.value}:{order.id}",
                patient_id=order.his_patient_id,
                order_id=order.id,
            )
        uow.publish_after_commit(session, queue_topic(order.id), {"status": entry.status})


def _notice_text(kind: NoticeKind, order: Order, entry: QueueEntry) -> tuple[str, str]:
    if kind == NoticeKind.QUEUE_CALLED:
        room = entry.room or order.location or "诊室"
        return "请到诊室就诊", f"{describe_order(order)}：已叫到您的号，请到{room}就诊。"
    return (
        "即将叫到您的号",
        f"{describe_order(order)}：前面还有{entry.ahead}位，请到诊室门口候诊。",
    )
