"""The waitlist's types: a patient's place in line, the place held for them, the inputs."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from hospital_bff.schema.enums import EntryStatus, OfferStatus
from hospital_bff.schema.orders import Order
from hospital_bff.services.waitlist.waiting import WaitlistView
from hospital_bff.store import models


@strawberry.type(description="A place that came back, held for one waiting patient for a while")
class WaitlistOffer:
    id: strawberry.ID = strawberry.field(description="The offer's ID (acceptWaitlistOffer)")
    status: OfferStatus = strawberry.field(description="Where the offer stands")
    slot_id: strawberry.ID = strawberry.field(description="The time slot held")
    schedule_id: strawberry.ID = strawberry.field(description="Its schedule")
    offered_at: datetime = strawberry.field(description="When the place was held")
    expires_at: datetime = strawberry.field(
        description="Until when it is held; then it passes to the next in line"
    )

    @classmethod
    def from_row(cls, o: models.WaitlistOffer) -> WaitlistOffer:
        return cls(
            id=strawberry.ID(o.id),
            status=OfferStatus(o.status),
            slot_id=strawberry.ID(o.slot_id),
            schedule_id=strawberry.ID(o.schedule_id),
            offered_at=o.offered_at,
            expires_at=o.expires_at,
        )


@strawberry.type(description="A patient's place on a waitlist: one schedule, or an expert's days")
class Waitlist:
    id: strawberry.ID = strawberry.field(description="The entry's ID (leaveWaitlist)")
    patient_id: strawberry.ID = strawberry.field(description="Who waits")
    patient_name: str = strawberry.field(description="Their name as bound")
    schedule_id: strawberry.ID | None = strawberry.field(
        description="The schedule waited for; null when waiting for an expert over days"
    )
    expert_id: strawberry.ID | None = strawberry.field(description="The schedule's expert")
    date_from: date = strawberry.field(description="First day waited for")
    date_to: date = strawberry.field(description="Last day waited for, inclusive")
    status: EntryStatus = strawberry.field(description="Where the entry stands")
    joined_at: datetime = strawberry.field(
        description="When the patient joined (first come, first served)"
    )
    position: int = strawberry.field(
        description="1 for the first in line, among those still waiting or offered"
    )
    offer: WaitlistOffer | None = strawberry.field(
        description="The place held for the patient now, if any"
    )

    @classmethod
    def from_view(cls, view: WaitlistView) -> Waitlist:
        e = view.entry
        return cls(
            id=strawberry.ID(e.id),
            patient_id=strawberry.ID(e.his_patient_id),
            patient_name=e.patient_name,
            schedule_id=strawberry.ID(e.schedule_id) if e.schedule_id else None,
            expert_id=strawberry.ID(e.expert_id) if e.expert_id else None,
            date_from=e.date_from,
            date_to=e.date_to,
            status=EntryStatus(e.status),
            joined_at=e.joined_at,
            position=view.position,
            offer=WaitlistOffer.from_row(view.offer) if view.offer else None,
        )


@strawberry.input(
    description="Who waits, and for what: a scheduleId, or an expertId with dateFrom and dateTo"
)
class JoinWaitlistInput:
    patient_id: strawberry.ID = strawberry.field(description="One of the caller's patients")
    schedule_id: strawberry.ID | None = strawberry.field(
        default=None, description="A full schedule to wait for"
    )
    expert_id: strawberry.ID | None = strawberry.field(
        default=None, description="Or an expert, on any day from dateFrom to dateTo"
    )
    date_from: date | None = strawberry.field(default=None, description="First day (with expertId)")
    date_to: date | None = strawberry.field(
        default=None, description="Last day, inclusive (with expertId; at most 14 days by default)"
    )


@strawberry.type(description="On the waitlist")
class JoinWaitlistSuccess:
    waitlist: Waitlist = strawberry.field(description="The patient's place in line")


@strawberry.type(description="Off the waitlist; a place held for the patient went to the next")
class LeaveWaitlistSuccess:
    waitlist_id: strawberry.ID = strawberry.field(description="The entry left")


@strawberry.type(description="Booked: pay the order within its window, as any booking")
class AcceptWaitlistOfferSuccess:
    order: Order = strawberry.field(description="The order, AWAITING_PAYMENT")


@strawberry.type(description="Declined: the place went to the next in line")
class DeclineWaitlistOfferSuccess:
    offer: WaitlistOffer = strawberry.field(description="The declined offer")
