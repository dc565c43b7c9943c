"""What the booking rules (services/eligibility.py) are checked against, as BookingService
reads it: the schedule's facts from the HIS's answer, and the user's restriction with the
patient's active visits with us, in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.his_models import Department, Schedule
from hospital_bff.services.accounts import patients
from hospital_bff.services.eligibility import BookedVisit, ScheduleFacts, UserFacts
from hospital_bff.services.errors import NotFound, NotVerified
from hospital_bff.services.money import orders
from hospital_bff.store import core
from hospital_bff.store.models import HospitalUser, Order, PatientBinding


def schedule_facts(
    schedule: Schedule, department: Department | None, remaining: int | None = None
) -> ScheduleFacts:
    restriction = department.restriction if department else None
    ends = max((s.ends_at for s in schedule.slots), default=None)
    period_end = ends or _day_end(schedule)
    status = schedule.status
    if status == "OPEN" and schedule.remaining <= 0:
        status = "FULL"
    return ScheduleFacts(
        status=status,
        date=schedule.date,
        period_ends_at=period_end,
        release_at=schedule.release_at,
        remaining=schedule.remaining if remaining is None else remaining,
        department_id=schedule.department_id,
        department_name=department.name if department else "",
        sex_restriction=restriction.sex if restriction else None,
        min_age=restriction.min_age if restriction else None,
        max_age=restriction.max_age if restriction else None,
    )


def _day_end(schedule: Schedule) -> datetime:
    return datetime.combine(schedule.date, time(23, 59), tzinfo=schedule.release_at.tzinfo)


_USERS: sa.Table = HospitalUser.__table__  # type: ignore[attr-defined]
_ORDERS: sa.Table = Order.__table__  # type: ignore[attr-defined]
# The user's restriction, with a row for each of the patient's active visits with us on the
# days asked (orders.ACTIVE_VISIT), or one with NULLs for none; no row: no such user.
_USER_AND_OURS = (
    sa.select(_USERS.c.restricted_until, *orders.VISIT_COLUMNS)
    .select_from(_USERS.outerjoin(_ORDERS, orders.ACTIVE_VISIT))
    .where(_USERS.c.id == sa.bindparam("user"))
)


async def user_and_ours(
    session: AsyncSession, user_id: str, his_patient_id: str, days: Iterable[date]
) -> tuple[UserFacts, dict[date, list[BookedVisit]]]:
    """What the rules ask of the user, and the patient's active visits with us on `days`:
    one statement (a trip to SQLite's thread costs ~0.2 ms of a booking's CPU)."""
    days = set(days)
    params = {"user": user_id, **orders.active_visits_params(his_patient_id, days)}
    rows = (await core.run(session, _USER_AND_OURS, params)).all()
    if not rows:
        raise NotVerified()
    user = UserFacts(restricted_until=rows[0][0])
    return user, orders.visits_by_day((row[1:] for row in rows), days)


# One row whatever is found: the order this key made (NULLs for none), beside the caller's
# active binding of the patient (NULLs for none).
_ONE = sa.select(sa.literal(1).label("one")).subquery("one")
_KEY_AND_BINDING = (
    select(Order, PatientBinding)
    .select_from(_ONE)
    .outerjoin(Order, orders.BY_KEY)
    .outerjoin(PatientBinding, patients.ACTIVE_BINDING)
)


async def made_or_binding(
    session: AsyncSession, user_id: str, key: str, patient_id: str
) -> Order | PatientBinding:
    """A booking's first read, one statement where it was two: the order its key already
    made, if any, else the caller's active binding of the patient (NotFound, as
    `patients.binding_of`, if there is none)."""
    params = {"user_id": user_id, "key": key, "patient_id": patient_id}
    made, binding = (await session.exec(_KEY_AND_BINDING, params=params)).one()
    if made is not None:
        return made
    if binding is None:
        raise NotFound("就诊人", "patient")
    return binding
