from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hospital_bff.clock import SHANGHAI
from hospital_bff.config import Settings
from hospital_bff.services.eligibility import (
    ELIGIBLE,
    RULES,
    BookingCounts,
    BookingLimits,
    PatientFacts,
    ScheduleFacts,
    UserFacts,
    Verdict,
    age_allowed,
    check_eligibility,
    has_capacity,
    not_duplicate,
    schedule_open,
    sex_allowed,
    user_not_restricted,
    within_limits,
)

NOW = datetime(2024, 6, 1, 10, 0, tzinfo=SHANGHAI)
VISIT_DAY = date(2024, 6, 3)


def make_schedule(**overrides: Any) -> ScheduleFacts:
    fields: dict[str, Any] = {
        "status": "OPEN",
        "date": VISIT_DAY,
        "period_ends_at": datetime(2024, 6, 3, 12, 0, tzinfo=SHANGHAI),
        "release_at": datetime(2024, 5, 27, 8, 0, tzinfo=SHANGHAI),
        "remaining": 5,
        "department_id": "D-GYN",
        "department_name": "妇科",
        "sex_restriction": None,
        "min_age": None,
        "max_age": None,
    }
    fields.update(overrides)
    return ScheduleFacts(**fields)


def make_patient(**overrides: Any) -> PatientFacts:
    fields: dict[str, Any] = {"sex": "FEMALE", "birth_date": date(1990, 3, 7)}
    fields.update(overrides)
    return PatientFacts(**fields)


def make_counts(**overrides: int) -> BookingCounts:
    fields = {"active_on_schedule": 0, "active_in_department_that_day": 0, "active_that_day": 0}
    fields.update(overrides)
    return BookingCounts(**fields)


def check(
    *,
    now: datetime = NOW,
    user: UserFacts | None = None,
    patient: PatientFacts | None = None,
    schedule: ScheduleFacts | None = None,
    counts: BookingCounts | None = None,
    limits: BookingLimits | None = None,
) -> Verdict:
    return check_eligibility(
        now,
        user or UserFacts(restricted_until=None),
        patient or make_patient(),
        schedule or make_schedule(),
        counts or make_counts(),
        limits or BookingLimits(),
    )


def test_the_baseline_is_eligible() -> None:
    assert check() == ELIGIBLE == Verdict(True, None, None, None)


PAEDIATRICS = make_schedule(department_name="儿科", max_age=14)


@pytest.mark.parametrize(
    ("kwargs", "code", "reason"),
    [
        # --- user
        (
            {"user": UserFacts(restricted_until=NOW + timedelta(days=30))},
            "USER_RESTRICTED",
            "您的账号暂停网上预约和缴费，2024年7月1日 10:00后恢复",
        ),
        ({"user": UserFacts(restricted_until=NOW + timedelta(seconds=1))}, "USER_RESTRICTED", None),
        ({"user": UserFacts(restricted_until=NOW)}, None, None),  # the restriction has ended
        ({"user": UserFacts(restricted_until=NOW - timedelta(days=1))}, None, None),
        # --- schedule open
        ({"schedule": make_schedule(status="SUSPENDED")}, "SCHEDULE_NOT_OPEN", "该号源已停诊"),
        ({"schedule": make_schedule(status="CLOSED")}, "SCHEDULE_NOT_OPEN", "该号源已停止预约"),
        (
            {"schedule": make_schedule(release_at=NOW + timedelta(hours=22))},
            "SCHEDULE_NOT_OPEN",
            "该号源将于2024年6月2日 08:00开放预约",
        ),
        ({"schedule": make_schedule(release_at=NOW)}, None, None),  # released this instant
        (
            {"schedule": make_schedule(period_ends_at=NOW)},
            "SCHEDULE_NOT_OPEN",
            "该号源就诊时间已过",
        ),
        ({"schedule": make_schedule(period_ends_at=NOW + timedelta(minutes=1))}, None, None),
        # --- sex (the paper: men may not book obstetrics and gynaecology)
        (
            {
                "patient": make_patient(sex="MALE"),
                "schedule": make_schedule(sex_restriction="FEMALE"),
            },
            "INELIGIBLE_SEX",
            "该科室仅接待女性患者",
        ),
        (
            {
                "patient": make_patient(sex="FEMALE"),
                "schedule": make_schedule(sex_restriction="MALE"),
            },
            "INELIGIBLE_SEX",
            "该科室仅接待男性患者",
        ),
        ({"schedule": make_schedule(sex_restriction="FEMALE")}, None, None),
        ({"patient": make_patient(sex="MALE")}, None, None),  # no restriction
        # --- age (the paper: no one over 14 in paediatrics); age on the VISIT day, 2024-06-03
        (
            {"patient": make_patient(birth_date=date(2010, 6, 3)), "schedule": PAEDIATRICS},
            None,  # 14 on the visit day
            None,
        ),
        (
            {"patient": make_patient(birth_date=date(2009, 6, 4)), "schedule": PAEDIATRICS},
            None,  # still 14, turns 15 the day after the visit
            None,
        ),
        (
            {"patient": make_patient(birth_date=date(2009, 6, 3)), "schedule": PAEDIATRICS},
            "INELIGIBLE_AGE",  # 15th birthday on the visit day
            "该科室仅接待14岁及以下患者",
        ),
        (
            # 14 when booking (2024-06-01) but 15 on the visit day: refused
            {"patient": make_patient(birth_date=date(2009, 6, 2)), "schedule": PAEDIATRICS},
            "INELIGIBLE_AGE",
            None,
        ),
        (
            {
                "patient": make_patient(birth_date=date(2006, 6, 4)),
                "schedule": make_schedule(min_age=18),
            },
            "INELIGIBLE_AGE",  # 17, turning 18 the day after the visit
            "该科室仅接待18岁及以上患者",
        ),
        (
            {
                "patient": make_patient(birth_date=date(2006, 6, 3)),
                "schedule": make_schedule(min_age=18),
            },
            None,  # 18th birthday on the visit day
            None,
        ),
        # --- duplicate
        ({"counts": make_counts(active_on_schedule=1)}, "DUPLICATE_BOOKING", None),
        (
            {"counts": make_counts(active_on_schedule=1), "limits": BookingLimits(per_schedule=2)},
            None,
            None,
        ),
        # --- limits
        (
            {"counts": make_counts(active_in_department_that_day=1)},
            "BOOKING_LIMIT_REACHED",
            "该就诊人当天在妇科的预约已达上限（1个）",
        ),
        (
            {"counts": make_counts(active_that_day=3)},
            "BOOKING_LIMIT_REACHED",
            "该就诊人当天的预约已达上限（3个）",
        ),
        ({"counts": make_counts(active_that_day=2)}, None, None),
        (
            {
                "counts": make_counts(active_that_day=2),
                "limits": BookingLimits(per_day=2),
            },
            "BOOKING_LIMIT_REACHED",
            None,
        ),
        # --- capacity
        ({"schedule": make_schedule(remaining=0)}, "SLOT_FULL", "该号源已约满"),
        ({"schedule": make_schedule(status="FULL")}, "SLOT_FULL", None),
        ({"schedule": make_schedule(remaining=1)}, None, None),
    ],
)
def test_each_rule(kwargs: dict[str, Any], code: str | None, reason: str | None) -> None:
    verdict = check(**kwargs)
    assert verdict.code == code
    assert verdict.eligible is (code is None)
    if code is None:
        assert verdict == ELIGIBLE
    else:
        assert verdict.reason
        assert verdict.reason_en
    if reason is not None:
        assert verdict.reason == reason


# Every rule failing at once; removing failures one by one from the front walks the order.
ALL_FAILING: dict[str, Any] = {
    "user": UserFacts(restricted_until=NOW + timedelta(days=1)),
    "schedule": make_schedule(
        status="OPEN",
        release_at=NOW + timedelta(days=1),
        sex_restriction="MALE",
        max_age=14,
        remaining=0,
    ),
    "patient": make_patient(sex="FEMALE", birth_date=date(1990, 1, 1)),
    "counts": make_counts(active_on_schedule=1, active_in_department_that_day=1, active_that_day=3),
}
FIXES: list[tuple[str, Any]] = [
    ("user", lambda kw: {**kw, "user": UserFacts(restricted_until=None)}),
    ("schedule", lambda kw: {**kw, "schedule": replace(kw["schedule"], release_at=NOW)}),
    ("sex", lambda kw: {**kw, "schedule": replace(kw["schedule"], sex_restriction=None)}),
    ("age", lambda kw: {**kw, "schedule": replace(kw["schedule"], max_age=None)}),
    ("duplicate", lambda kw: {**kw, "counts": replace(kw["counts"], active_on_schedule=0)}),
    (
        "limits",
        lambda kw: {
            **kw,
            "counts": replace(kw["counts"], active_in_department_that_day=0, active_that_day=0),
        },
    ),
    ("capacity", lambda kw: {**kw, "schedule": replace(kw["schedule"], remaining=1)}),
]
EXPECTED_ORDER = [
    "USER_RESTRICTED",
    "SCHEDULE_NOT_OPEN",
    "INELIGIBLE_SEX",
    "INELIGIBLE_AGE",
    "DUPLICATE_BOOKING",
    "BOOKING_LIMIT_REACHED",
    "SLOT_FULL",
]


def test_the_first_failing_rule_is_the_answer() -> None:
    kwargs = dict(ALL_FAILING)
    seen = []
    for _, fix in FIXES:
        seen.append(check(**kwargs).code)
        kwargs = fix(kwargs)
    assert seen == EXPECTED_ORDER
    assert check(**kwargs) == ELIGIBLE


def test_rules_list_is_in_the_documented_order() -> None:
    assert tuple(RULES) == (
        user_not_restricted,
        schedule_open,
        sex_allowed,
        age_allowed,
        not_duplicate,
        within_limits,
        has_capacity,
    )


def test_department_limit_is_checked_before_the_daily_limit() -> None:
    verdict = check(counts=make_counts(active_in_department_that_day=1, active_that_day=3))
    assert verdict.reason is not None
    assert "妇科" in verdict.reason


@pytest.mark.parametrize(
    ("schedule", "fragment"),
    [
        (make_schedule(status="SUSPENDED"), "suspended"),
        (make_schedule(status="CLOSED"), "closed"),
        (make_schedule(release_at=datetime(2024, 6, 2, 8, 0, tzinfo=SHANGHAI)), "2024-06-02 08:00"),
        (make_schedule(period_ends_at=NOW), "over"),
    ],
)
def test_schedule_reasons_in_english(schedule: ScheduleFacts, fragment: str) -> None:
    verdict = check(schedule=schedule)
    assert verdict.code == "SCHEDULE_NOT_OPEN"
    assert verdict.reason_en is not None
    assert fragment in verdict.reason_en


def test_release_time_is_told_in_shanghai_time() -> None:
    # A release time stored in UTC must still be told as the hospital's local time.
    release_utc = datetime(2024, 6, 1, 16, 0, tzinfo=UTC)
    verdict = check(schedule=make_schedule(release_at=release_utc))
    assert verdict.reason == "该号源将于2024年6月2日 00:00开放预约"


def test_limits_from_settings() -> None:
    settings = Settings(max_active_per_schedule=2, max_per_department_per_day=3, max_per_day=4)
    assert BookingLimits.from_settings(settings) == BookingLimits(2, 3, 4)


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=VISIT_DAY),
    max_age=st.integers(min_value=0, max_value=120),
)
def test_age_limit_agrees_with_the_calendar(born: date, max_age: int) -> None:
    verdict = check(patient=make_patient(birth_date=born), schedule=make_schedule(max_age=max_age))
    # Eligible exactly when the (max_age + 1)th birthday is after the visit day.
    try:
        next_birthday = born.replace(year=born.year + max_age + 1)
    except ValueError:  # 29 February in a non-leap year: the birthday counts from 1 March
        next_birthday = date(born.year + max_age + 1, 3, 1)
    assert verdict.eligible is (next_birthday > VISIT_DAY)
