"""The waitlist's statuses and refusals, and the checks of a request to join: pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from hospital_bff.services.errors import DomainError, InvalidInput
from hospital_bff.store.models import WaitlistEntry


class EntryStatus(StrEnum):
    """Where a patient's place on a waitlist stands."""

    WAITING = "WAITING"  # in the queue
    OFFERED = "OFFERED"  # a place is held for them now
    BOOKED = "BOOKED"  # they accepted an offer (an order was opened): the entry is done
    LEFT = "LEFT"  # they left the list (or the patient was unbound)
    DECLINED = "DECLINED"  # they declined an offer: the entry is done
    LAPSED = "LAPSED"  # an offer ran out unanswered: the entry is done
    EXPIRED = "EXPIRED"  # the days waited for are over


LIVE = (EntryStatus.WAITING, EntryStatus.OFFERED)


class OfferStatus(StrEnum):
    """Where a place held for one waiter stands."""

    OPEN = "OPEN"  # held for the waiter until expires_at
    ACCEPTING = "ACCEPTING"  # the waiter accepted; the booking is under way
    ACCEPTED = "ACCEPTED"  # booked: the order (named after the hold) has the place
    DECLINED = "DECLINED"
    LAPSED = "LAPSED"
    FAILED = "FAILED"  # the booking was refused (sold at the window, no longer eligible)


class PlacesAvailable(DomainError):
    """Joining a list while places are free: the app should book instead."""

    code = "PLACES_AVAILABLE"

    def __init__(self) -> None:
        super().__init__(
            "该号源尚有余号，请直接预约", message_en="Places are free: book one instead"
        )


class AlreadyWaiting(DomainError):
    code = "ALREADY_WAITING"

    def __init__(self) -> None:
        super().__init__(
            "该就诊人已在此候补队列中", message_en="This patient is on this waitlist already"
        )


class OfferNotOpen(DomainError):
    code = "INVALID_STATE"

    def __init__(self) -> None:
        super().__init__("该候补号源已失效", message_en="This offer is no longer open")


@dataclass(frozen=True, slots=True)
class Target:
    """What a patient waits for: one schedule, or one expert on any day of a range."""

    schedule_id: str | None
    expert_id: str | None
    date_from: date | None
    date_to: date | None

    def live_key(self, his_patient_id: str) -> str:
        """One live entry per patient per schedule (or per expert): the unique column."""
        if self.schedule_id is not None:
            return f"{his_patient_id}:s:{self.schedule_id}"
        return f"{his_patient_id}:e:{self.expert_id}"


def check_target(target: Target, today: date, max_days: int) -> None:
    """A schedule alone, or an expert with a range of at most `max_days` days from today on."""
    if (target.schedule_id is None) == (target.expert_id is None):
        raise InvalidInput(
            "请选择号源或专家", message_en="Give either scheduleId or expertId with dates"
        )
    if target.schedule_id is not None:
        return
    start, end = target.date_from, target.date_to
    if start is None or end is None:
        raise InvalidInput("请选择日期范围", message_en="dateFrom and dateTo are required")
    if start > end or start < today:
        raise InvalidInput("日期范围无效", message_en="The date range is empty or in the past")
    if end - start >= timedelta(days=max_days):
        raise InvalidInput(
            f"候补日期范围最多{max_days}天",
            message_en=f"A waitlist covers at most {max_days} days",
        )


def end_entry(entry: WaitlistEntry, status: EntryStatus, now: datetime) -> None:
    """The entry leaves the list: its live key is cleared, so the patient may join again."""
    entry.status = status.value
    entry.live_key = None
    entry.ended_at = now
