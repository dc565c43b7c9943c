"""Check-in's rules and the queue's notices, table-driven (services/queue_rules.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from hospital_bff.clock import SHANGHAI
from hospital_bff.services.notices import NoticeKind
from hospital_bff.services.queue_rules import (
    CheckInRules,
    Place,
    Visit,
    check_in_refusal,
    distance_meters,
    notice_due,
)

STARTS = datetime(2026, 11, 28, 8, 0, tzinfo=SHANGHAI)
ENDS = STARTS + timedelta(minutes=30)
HOSPITAL = Place(39.9087, 116.3975)
NEARBY = Place(39.9100, 116.3975)  # ~145 m north
ACROSS_TOWN = Place(39.9900, 116.3975)  # ~9 km north
OPEN = CheckInRules(opens_before=timedelta(minutes=60))
FENCED = CheckInRules(opens_before=timedelta(minutes=60), hospital=HOSPITAL, radius_meters=500)


def visit(
    status: str = "CONFIRMED", kind: str = "REGISTRATION", reg: str | None = "reg-1"
) -> Visit:
    return Visit(kind=kind, status=status, starts_at=STARTS, ends_at=ENDS, registration_id=reg)


def at(hh: int, mm: int) -> datetime:
    return datetime(2026, 11, 28, hh, mm, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("case", "the_visit", "now", "rules", "place", "code"),
    [
        ("in the window", visit(), at(7, 30), OPEN, None, None),
        ("the window's first minute", visit(), at(7, 0), OPEN, None, None),
        ("during the slot", visit(), at(8, 29), OPEN, None, None),
        ("too early", visit(), at(6, 59), OPEN, None, "CHECK_IN_NOT_OPEN"),
        ("the day before", visit(), at(7, 30) - timedelta(days=1), OPEN, None, "CHECK_IN_NOT_OPEN"),
        ("the slot is over", visit(), at(8, 30), OPEN, None, "CHECK_IN_CLOSED"),
        ("not paid yet", visit("AWAITING_PAYMENT"), at(7, 30), OPEN, None, "INVALID_STATE"),
        ("paid, not confirmed", visit("PAID"), at(7, 30), OPEN, None, "INVALID_STATE"),
        ("cancelled", visit("CANCELLED"), at(7, 30), OPEN, None, "INVALID_STATE"),
        ("visited", visit("COMPLETED"), at(7, 30), OPEN, None, "INVALID_STATE"),
        ("a bill payment", visit(kind="CLINIC_PAYMENT"), at(7, 30), OPEN, None, "INVALID_STATE"),
        ("no HIS registration", visit(reg=None), at(7, 30), OPEN, None, "INVALID_STATE"),
        ("near, fenced", visit(), at(7, 30), FENCED, NEARBY, None),
        ("far, fenced", visit(), at(7, 30), FENCED, ACROSS_TOWN, "TOO_FAR_FROM_HOSPITAL"),
        ("no place, fenced", visit(), at(7, 30), FENCED, None, "INVALID_INPUT"),
        ("far, not fenced", visit(), at(7, 30), OPEN, ACROSS_TOWN, None),
        ("a bad place", visit(), at(7, 30), OPEN, Place(91, 0), "INVALID_INPUT"),
        ("a bad place first", visit("CANCELLED"), at(7, 30), OPEN, Place(0, 181), "INVALID_INPUT"),
        ("not a number", visit(), at(7, 30), OPEN, Place(float("nan"), 0), "INVALID_INPUT"),
        ("too early beats too far", visit(), at(6, 0), FENCED, ACROSS_TOWN, "CHECK_IN_NOT_OPEN"),
    ],
)
def test_check_in_refusal(
    case: str,
    the_visit: Visit,
    now: datetime,
    rules: CheckInRules,
    place: Place | None,
    code: str | None,
) -> None:
    refusal = check_in_refusal(the_visit, now, rules, place)
    assert (refusal.code if refusal else None) == code, case


def test_distance_is_the_great_circle() -> None:
    assert distance_meters(HOSPITAL, HOSPITAL) == 0
    assert 140 < distance_meters(HOSPITAL, NEARBY) < 150
    # One degree of latitude is ~111.2 km anywhere.
    assert 111_000 < distance_meters(Place(0, 0), Place(1, 0)) < 111_400


@pytest.mark.parametrize(
    ("status", "ahead", "due"),
    [
        ("WAITING", 5, None),
        ("WAITING", 4, None),
        ("WAITING", 3, NoticeKind.QUEUE_NEAR),
        ("WAITING", 1, NoticeKind.QUEUE_NEAR),
        ("WAITING", 0, NoticeKind.QUEUE_NEAR),
        ("CALLED", 0, NoticeKind.QUEUE_CALLED),
        ("MISSED", 0, None),
        ("DONE", 0, None),
    ],
)
def test_notice_due(status: str, ahead: int, due: NoticeKind | None) -> None:
    assert notice_due(status, ahead, near_ahead=3) == due
