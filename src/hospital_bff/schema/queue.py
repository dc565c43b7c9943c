"""Check-in and the queue on the visit day (签到, 排队叫号), as the patient's phone shows them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hospital_bff.datasources.his_models import QueueEntry
from hospital_bff.schema.enums import QueueStatus


@strawberry.type(description="A checked-in registration's place in the visit day's queue")
class QueueState:
    status: QueueStatus = strawberry.field(description="Waiting, called, missed or seen")
    position: int | None = strawberry.field(
        description="1 for the next to be called, 2 for the one after…; null unless WAITING"
    )
    ahead: int = strawberry.field(description="Patients waiting in front (0 unless WAITING)")
    estimated_call_at: datetime | None = strawberry.field(
        description="The hospital's estimate of the call, while WAITING"
    )
    checked_in_at: datetime = strawberry.field(description="When the patient checked in")
    called_at: datetime | None = strawberry.field(description="When the patient was called")
    room: str | None = strawberry.field(description="Where to go once called")

    @classmethod
    def from_dto(cls, e: QueueEntry) -> QueueState:
        return cls(
            status=QueueStatus(e.status),
            position=e.position,
            ahead=e.ahead,
            estimated_call_at=e.estimated_call_at,
            checked_in_at=e.checked_in_at,
            called_at=e.called_at,
            room=e.room,
        )


@strawberry.input(description="Where the phone is (WGS-84), when the hospital checks distance")
class CheckInLocation:
    latitude: float = strawberry.field(description="Latitude in degrees, -90 to 90")
    longitude: float = strawberry.field(description="Longitude in degrees, -180 to 180")
