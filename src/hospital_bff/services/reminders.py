"""Visit reminders: the evening before, each confirmed patient is told when to arrive."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from hospital_bff.runtime import Runtime
from hospital_bff.services import notices, uow
from hospital_bff.services.money.rules import OrderStatus
from hospital_bff.services.notices import NoticeKind
from hospital_bff.store.models import Order


async def send_reminders(runtime: Runtime, day: date) -> int:
    sent = 0
    async with uow.unit_of_work(runtime) as session:
        rows = (
            await session.exec(
                select(Order).where(
                    Order.visit_date == day, Order.status == OrderStatus.CONFIRMED.value
                )
            )
        ).all()
        for order in rows:
            arrival = f"{order.suggested_arrival:%H:%M}" if order.suggested_arrival else "按时"
            if await notices.notify(
                session,
                now=runtime.clock.now(),
                user_id=order.user_id,
                kind=NoticeKind.VISIT_REMINDER,
                title="就诊提醒",
                body=(
                    f"{order.patient_name}明天（{day}）在{order.location or '门诊'}就诊，"
                    f"序号 {order.ticket_number}，建议 {arrival} 到达。"
                ),
                dedupe_key=f"VISIT_REMINDER:{order.id}",
                patient_id=order.his_patient_id,
                order_id=order.id,
            ):
                sent += 1
    return sent
