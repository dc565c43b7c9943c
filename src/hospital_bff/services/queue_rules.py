"""The rules of checking in (签到) and of the queue's notices, as pure functions.

Who may check in: the owner (checked by the caller) of a CONFIRMED registration, from
`check_in_opens_minutes` before its slot starts until the slot ends, and, when the hospital
set a radius, from a phone within it. What the queue tells the patient: once when their turn
is near (`queue_near_ahead` or fewer ahead) and once when called; the dedupe keys make
"once" hold across retries, duplicate events and restarts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from hospital_bff.services.errors import DomainError, InvalidInput
from hospital_bff.services.money.rules import OrderKind, OrderStatus
from hospital_bff.services.notices import NoticeKind

EARTH_RADIUS_METERS = 6_371_000.0


class QueueStatus(StrEnum):
    """Where a checked-in patient is in the queue (the HIS's word, docs/his-api.md)."""

    WAITING = "WAITING"
    CALLED = "CALLED"
    MISSED = "MISSED"
    DONE = "DONE"


@dataclass(frozen=True)
class Place:
    """A point on the earth (WGS-84 degrees), as a phone reports it."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class CheckInRules:
    """The hospital's check-in settings."""

    opens_before: timedelta
    hospital: Place | None = None
    radius_meters: int | None = None


@dataclass(frozen=True)
class Visit:
    """What check-in needs to know of an order."""

    kind: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    registration_id: str | None


def distance_meters(a: Place, b: Place) -> float:
    """Great-circle distance (haversine); a few metres off at most over a hospital's radius."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlng = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_METERS * math.asin(min(1.0, math.sqrt(h)))


def check_in_refusal(
    visit: Visit, now: datetime, rules: CheckInRules, place: Place | None
) -> DomainError | None:
    """Why this visit may not check in now from `place`, or None when it may."""
    if place is not None and not (
        -90 <= place.latitude <= 90
        and -180 <= place.longitude <= 180
        and math.isfinite(place.latitude + place.longitude)
    ):
        return InvalidInput("位置坐标无效", message_en="The location is not a valid coordinate")
    if (
        visit.kind != OrderKind.REGISTRATION
        or visit.status != OrderStatus.CONFIRMED
        or visit.registration_id is None
        or visit.starts_at is None
        or visit.ends_at is None
    ):
        return DomainError(
            "只有已确认的挂号可以签到",
            code="INVALID_STATE",
            message_en="Only a confirmed registration can check in",
        )
    opens = visit.starts_at - rules.opens_before
    if now < opens:
        return DomainError(
            f"签到将于{opens:%m月%d日 %H:%M}开放",
            code="CHECK_IN_NOT_OPEN",
            message_en=f"Check-in opens at {opens:%Y-%m-%d %H:%M}",
        )
    if now >= visit.ends_at:
        return DomainError(
            "就诊时段已过，无法签到，请到分诊台咨询",
            code="CHECK_IN_CLOSED",
            message_en="The slot is over; ask at the triage desk",
        )
    if rules.radius_meters is None or rules.hospital is None:
        return None
    if place is None:
        return InvalidInput("请允许获取位置后再签到", message_en="Share your location to check in")
    if distance_meters(place, rules.hospital) > rules.radius_meters:
        return DomainError(
            "请到医院附近再签到",
            code="TOO_FAR_FROM_HOSPITAL",
            message_en="Check in when you are at the hospital",
        )
    return None


def notice_due(status: str, ahead: int, near_ahead: int) -> NoticeKind | None:
    """The notice the queue's current state calls for (its dedupe key sends it once)."""
    if status == QueueStatus.CALLED:
        return NoticeKind.QUEUE_CALLED
    if status == QueueStatus.WAITING and ahead <= near_ahead:
        return NoticeKind.QUEUE_NEAR
    return None
