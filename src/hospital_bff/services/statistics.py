"""The hospital's figures for the patient channel, per day: what the paper reports.

Each figure is counted on the day its event happened, in the hospital's zone:
- `booked`: registration orders created (whether or not they were then paid);
- `registrations`: our registrations for visits that day that the HIS holds (confirmed or
  completed, not cancelled), the same thing the HIS counts in its all-channel total, so the
  ratio of the two is the channel's share;
- `payments`: money that arrived (both order kinds), by the bank's success time;
- `refunds`: refunds owed that day, by mode (REVERSAL, REFUND, BATCH), whatever their state;
- `cancellations`: registrations the patient cancelled; `suspensions`: registrations cancelled
  because their expert stopped work (the cancellation came after the suspension);
- `no_shows`: registrations for visits that day the patient missed.
With a department, only that department's registrations (and their money) are counted; bill
payments belong to no department.

Grouping by day runs in SQL on both dialects; the per-day totals of the HIS are asked for
separately, and a day the HIS cannot answer has no share rather than a wrong one.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import structlog
from sqlalchemy import ColumnElement, and_
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import UpstreamError
from hospital_bff.runtime import Runtime
from hospital_bff.services.errors import InvalidInput
from hospital_bff.services.money.rules import OrderKind, OrderStatus, PaymentStatus
from hospital_bff.store.models import Order, Payment, Refund, SuspendedSchedule

log = structlog.get_logger(__name__)

MAX_DAYS = 92
# The HIS is asked about each day; a few at a time keep a quarter's figures from flooding it.
_HIS_CONCURRENCY = 4


@dataclass(frozen=True, slots=True)
class RefundFigures:
    mode: str
    count: int
    amount: int


@dataclass(slots=True)
class DayFigures:
    day: date
    booked: int = 0
    registrations: int = 0
    his_registrations: int | None = None
    payments: int = 0
    payments_amount: int = 0
    refunds: list[RefundFigures] = field(default_factory=list)
    cancellations: int = 0
    suspensions: int = 0
    no_shows: int = 0

    @property
    def channel_share(self) -> float | None:
        """Ours / the HIS's total; None when the HIS did not answer or counted none."""
        if not self.his_registrations:
            return None
        return self.registrations / self.his_registrations


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("结束日期早于开始日期", message_en="`to` is before `from`")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(
            f"一次最多查询{MAX_DAYS}天", message_en=f"At most {MAX_DAYS} days at a time"
        )


def _local_day(session: AsyncSession, column: Any, tz_name: str, offset: timedelta) -> Any:
    """The hospital-zone date of a timestamp column, as SQL.

    PostgreSQL keeps instants (timestamptz) and converts by zone name; SQLite keeps naive UTC
    text, and the hospital's zone (Asia/Shanghai) has no daylight saving, so a fixed offset.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        return func.date(func.timezone(tz_name, column))
    hours = int(offset.total_seconds() // 3600)
    return func.date(column, f"{hours:+d} hours")


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def _his_total(
    runtime: Runtime, day: date, department_id: str | None, gate: asyncio.Semaphore
) -> int | None:
    async with gate:
        try:
            return await runtime.his.registration_total(day, department_id)
        except UpstreamError as exc:
            log.warning("his_registration_total_unavailable", day=day.isoformat(), error=str(exc))
            return None


async def figures(
    runtime: Runtime, start: date, end: date, department_id: str | None = None
) -> list[DayFigures]:
    """One DayFigures per day from `start` to `end` inclusive (at most MAX_DAYS)."""
    check_range(start, end)
    tz = runtime.clock.tz
    tz_name = str(tz)
    offset = datetime.combine(start, time(), tz).utcoffset() or timedelta()
    since = datetime.combine(start, time(), tz)
    until = datetime.combine(end + timedelta(days=1), time(), tz)
    days = {
        start + timedelta(days=i): DayFigures(start + timedelta(days=i))
        for i in range((end - start).days + 1)
    }

    def of_department() -> list[ColumnElement[bool]]:
        return [col(Order.department_id) == department_id] if department_id else []

    async with runtime.sessions() as session:

        def day_of(column: Any) -> Any:
            return _local_day(session, column, tz_name, offset)

        async def grouped(query: Any) -> Iterable[Any]:
            return (await session.execute(query)).all()

        booked_day = day_of(col(Order.created_at))
        for d, n in await grouped(
            select(booked_day, func.count())
            .where(
                col(Order.kind) == OrderKind.REGISTRATION.value,
                col(Order.created_at) >= since,
                col(Order.created_at) < until,
                *of_department(),
            )
            .group_by(booked_day)
        ):
            days[_as_date(d)].booked = n

        for d, n in await grouped(
            select(col(Order.visit_date), func.count())
            .where(
                col(Order.kind) == OrderKind.REGISTRATION.value,
                col(Order.visit_date) >= start,
                col(Order.visit_date) <= end,
                col(Order.his_registration_id).is_not(None),
                col(Order.status).in_([OrderStatus.CONFIRMED.value, OrderStatus.COMPLETED.value]),
                *of_department(),
            )
            .group_by(col(Order.visit_date))
        ):
            days[_as_date(d)].registrations = n

        for d, n in await grouped(
            select(col(Order.visit_date), func.count())
            .where(
                col(Order.no_show).is_(True),
                col(Order.visit_date) >= start,
                col(Order.visit_date) <= end,
                *of_department(),
            )
            .group_by(col(Order.visit_date))
        ):
            days[_as_date(d)].no_shows = n

        paid_day = day_of(col(Payment.paid_at))
        for d, n, amount in await grouped(
            select(paid_day, func.count(), func.coalesce(func.sum(col(Payment.amount)), 0))
            .join(Order, col(Order.id) == col(Payment.order_id))
            .where(
                col(Payment.status) == PaymentStatus.SUCCEEDED.value,
                col(Payment.paid_at) >= since,
                col(Payment.paid_at) < until,
                *of_department(),
            )
            .group_by(paid_day)
        ):
            days[_as_date(d)].payments = n
            days[_as_date(d)].payments_amount = int(amount)

        refund_day = day_of(col(Refund.created_at))
        refunds: dict[date, list[RefundFigures]] = defaultdict(list)
        for d, mode, n, amount in await grouped(
            select(
                refund_day,
                col(Refund.mode),
                func.count(),
                func.coalesce(func.sum(col(Refund.amount)), 0),
            )
            .join(Order, col(Order.id) == col(Refund.order_id))
            .where(
                col(Refund.created_at) >= since,
                col(Refund.created_at) < until,
                *of_department(),
            )
            .group_by(refund_day, col(Refund.mode))
            .order_by(col(Refund.mode))
        ):
            refunds[_as_date(d)].append(RefundFigures(str(mode), n, int(amount)))
        for d, found in refunds.items():
            days[d].refunds = found

        closed_day = day_of(col(Order.closed_at))
        by_suspension = and_(
            col(SuspendedSchedule.schedule_id).is_not(None),
            col(Order.closed_at) >= col(SuspendedSchedule.suspended_at),
        )
        for d, suspended, n in await grouped(
            select(closed_day, by_suspension, func.count())
            .outerjoin(
                SuspendedSchedule,
                col(SuspendedSchedule.schedule_id) == col(Order.schedule_id),
            )
            .where(
                col(Order.kind) == OrderKind.REGISTRATION.value,
                col(Order.status) == OrderStatus.CANCELLED.value,
                col(Order.closed_at) >= since,
                col(Order.closed_at) < until,
                *of_department(),
            )
            .group_by(closed_day, by_suspension)
        ):
            if suspended:
                days[_as_date(d)].suspensions += n
            else:
                days[_as_date(d)].cancellations += n

    gate = asyncio.Semaphore(_HIS_CONCURRENCY)
    totals = await asyncio.gather(*(_his_total(runtime, d, department_id, gate) for d in days))
    for one, total in zip(days.values(), totals, strict=True):
        one.his_registrations = total
    return list(days.values())
