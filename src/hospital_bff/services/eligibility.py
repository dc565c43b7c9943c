"""Who may book which slot: the business checks of the paper's section 4.2, as pure functions.

The rules run in this fixed order and the first that fails is the answer:

1. user        USER_RESTRICTED        the account is barred from booking and paying (no-shows)
2. schedule    SCHEDULE_NOT_OPEN      suspended, closed, not yet released, or already over
3. sex         INELIGIBLE_SEX         e.g. no male patients in obstetrics and gynaecology
4. age         INELIGIBLE_AGE         e.g. no one over 14 in paediatrics, age taken on the visit day
5. duplicate   DUPLICATE_BOOKING      the patient already holds this slot
6. limits      BOOKING_LIMIT_REACHED  per department per day, then per day (every channel)
7. capacity    SLOT_FULL              nothing left to sell

Capacity comes last on purpose: a patient who may not book a slot at all should be told why,
not that it happens to be full today (it may have a free place tomorrow and still be refused).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Final, Literal

from hospital_bff.clock import SHANGHAI
from hospital_bff.national_id import Sex, age_on

if TYPE_CHECKING:
    from hospital_bff.config import Settings

ScheduleStatus = Literal["OPEN", "FULL", "SUSPENDED", "CLOSED"]
IneligibleCode = Literal[
    "USER_RESTRICTED",
    "SCHEDULE_NOT_OPEN",
    "SLOT_FULL",
    "INELIGIBLE_SEX",
    "INELIGIBLE_AGE",
    "DUPLICATE_BOOKING",
    "BOOKING_LIMIT_REACHED",
]

_SEX_ZH: Final[dict[Sex, str]] = {"MALE": "男性", "FEMALE": "女性"}
_SEX_EN: Final[dict[Sex, str]] = {"MALE": "male", "FEMALE": "female"}


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """What the rules need to know about the patient being booked for."""

    sex: Sex
    birth_date: date


@dataclass(frozen=True, slots=True)
class UserFacts:
    """What the rules need to know about the account doing the booking."""

    restricted_until: datetime | None


@dataclass(frozen=True, slots=True)
class ScheduleFacts:
    """One doctor's session on one day, and who it may take."""

    status: ScheduleStatus
    date: date
    period_ends_at: datetime
    release_at: datetime
    remaining: int
    department_id: str
    department_name: str
    sex_restriction: Sex | None
    min_age: int | None
    max_age: int | None


@dataclass(frozen=True, slots=True)
class BookingCounts:
    """The patient's active (awaiting payment or confirmed) bookings that the limits look at."""

    active_on_schedule: int
    active_in_department_that_day: int
    active_that_day: int


@dataclass(frozen=True, slots=True)
class BookedVisit:
    """One active booking of the patient on the day in question, from whichever channel."""

    order_id: str | None  # ours; None for a registration at the window or a kiosk
    schedule_id: str
    department_id: str


def count_bookings(
    ours: Sequence[BookedVisit],
    at_his: Sequence[BookedVisit],
    schedule_id: str,
    department_id: str,
) -> BookingCounts:
    """Our active orders plus the HIS's active registrations of that day, each booking once.

    The HIS knows our orders too once they are confirmed (by our order ID); our unpaid and
    unconfirmed ones it knows only as locks, so ours are the list and the HIS adds the rest:
    the window's, the kiosks', another channel's."""
    known = {v.order_id for v in ours}
    every = [*ours, *(v for v in at_his if v.order_id is None or v.order_id not in known)]
    return BookingCounts(
        active_on_schedule=sum(1 for v in every if v.schedule_id == schedule_id),
        active_in_department_that_day=sum(1 for v in every if v.department_id == department_id),
        active_that_day=len(every),
    )


@dataclass(frozen=True, slots=True)
class BookingLimits:
    """How many active bookings one patient may hold."""

    per_schedule: int = 1
    per_department_per_day: int = 1
    per_day: int = 3

    @classmethod
    def from_settings(cls, settings: Settings) -> BookingLimits:
        return cls(
            per_schedule=settings.max_active_per_schedule,
            per_department_per_day=settings.max_per_department_per_day,
            per_day=settings.max_per_day,
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """May this patient book this slot now; if not, a code for programs and reasons for people."""

    eligible: bool
    code: IneligibleCode | None = None
    reason: str | None = None
    reason_en: str | None = None


ELIGIBLE: Final = Verdict(eligible=True)
DEFAULT_LIMITS: Final = BookingLimits()


@dataclass(frozen=True, slots=True)
class BookingRequest:
    """Everything one rule may look at."""

    now: datetime
    user: UserFacts
    patient: PatientFacts
    schedule: ScheduleFacts
    counts: BookingCounts
    limits: BookingLimits


Rule = Callable[[BookingRequest], Verdict | None]


def _refuse(code: IneligibleCode, reason: str, reason_en: str) -> Verdict:
    return Verdict(eligible=False, code=code, reason=reason, reason_en=reason_en)


def _when_zh(at: datetime) -> str:
    local = at.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _when_en(at: datetime) -> str:
    return f"{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def restriction(now: datetime, user: UserFacts) -> Verdict | None:
    """The paper bars a restricted account from booking and from paying (挂号、缴费) alike;
    booking's first rule and bill payment both ask this."""
    until = user.restricted_until
    if until is None or now >= until:
        return None
    return _refuse(
        "USER_RESTRICTED",
        f"您的账号暂停网上预约和缴费，{_when_zh(until)}后恢复",
        f"Online booking and payment are suspended for your account until {_when_en(until)}",
    )


def user_not_restricted(r: BookingRequest) -> Verdict | None:
    return restriction(r.now, r.user)


def schedule_open(r: BookingRequest) -> Verdict | None:
    s = r.schedule
    if s.status == "SUSPENDED":
        return _refuse("SCHEDULE_NOT_OPEN", "该号源已停诊", "This session has been suspended")
    if s.status == "CLOSED":
        return _refuse(
            "SCHEDULE_NOT_OPEN", "该号源已停止预约", "This session is closed for booking"
        )
    if r.now >= s.period_ends_at:
        return _refuse("SCHEDULE_NOT_OPEN", "该号源就诊时间已过", "This session is already over")
    if r.now < s.release_at:
        return _refuse(
            "SCHEDULE_NOT_OPEN",
            f"该号源将于{_when_zh(s.release_at)}开放预约",
            f"Booking for this session opens at {_when_en(s.release_at)}",
        )
    return None


def sex_allowed(r: BookingRequest) -> Verdict | None:
    wanted = r.schedule.sex_restriction
    if wanted is None or r.patient.sex == wanted:
        return None
    return _refuse(
        "INELIGIBLE_SEX",
        f"该科室仅接待{_SEX_ZH[wanted]}患者",
        f"This department only sees {_SEX_EN[wanted]} patients",
    )


def age_allowed(r: BookingRequest) -> Verdict | None:
    s = r.schedule
    # The age that matters is the one on the day of the visit, not on the day of booking.
    age = age_on(r.patient.birth_date, s.date)
    if s.min_age is not None and age < s.min_age:
        return _refuse(
            "INELIGIBLE_AGE",
            f"该科室仅接待{s.min_age}岁及以上患者",
            f"This department only sees patients aged {s.min_age} or over",
        )
    if s.max_age is not None and age > s.max_age:
        return _refuse(
            "INELIGIBLE_AGE",
            f"该科室仅接待{s.max_age}岁及以下患者",
            f"This department only sees patients aged {s.max_age} or under",
        )
    return None


def not_duplicate(r: BookingRequest) -> Verdict | None:
    if r.counts.active_on_schedule < r.limits.per_schedule:
        return None
    return _refuse(
        "DUPLICATE_BOOKING",
        "该就诊人已预约此号源，请勿重复预约",
        "This patient already has a booking for this session",
    )


def within_limits(r: BookingRequest) -> Verdict | None:
    c, lim = r.counts, r.limits
    if c.active_in_department_that_day >= lim.per_department_per_day:
        return _refuse(
            "BOOKING_LIMIT_REACHED",
            f"该就诊人当天在{r.schedule.department_name}的预约已达上限"
            f"（{lim.per_department_per_day}个）",
            f"This patient already has {lim.per_department_per_day} booking(s) in "
            f"{r.schedule.department_name} that day, the most allowed",
        )
    if c.active_that_day >= lim.per_day:
        return _refuse(
            "BOOKING_LIMIT_REACHED",
            f"该就诊人当天的预约已达上限（{lim.per_day}个）",
            f"This patient already has {lim.per_day} booking(s) that day, the most allowed",
        )
    return None


def has_capacity(r: BookingRequest) -> Verdict | None:
    if r.schedule.status != "FULL" and r.schedule.remaining > 0:
        return None
    return _refuse("SLOT_FULL", "该号源已约满", "This session is fully booked")


# The order is the contract described in the module docstring; tests pin it.
RULES: Final[tuple[Rule, ...]] = (
    user_not_restricted,
    schedule_open,
    sex_allowed,
    age_allowed,
    not_duplicate,
    within_limits,
    has_capacity,
)


def check_eligibility(
    now: datetime,
    user: UserFacts,
    patient: PatientFacts,
    schedule: ScheduleFacts,
    counts: BookingCounts,
    limits: BookingLimits = DEFAULT_LIMITS,
) -> Verdict:
    """The first failing rule's verdict, or ELIGIBLE."""
    request = BookingRequest(now, user, patient, schedule, counts, limits)
    for rule in RULES:
        verdict = rule(request)
        if verdict is not None:
            return verdict
    return ELIGIBLE
