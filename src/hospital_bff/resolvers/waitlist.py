"""Resolvers of the waitlist: join, leave, accept or decline an offer, staff's view."""

from __future__ import annotations

from typing import cast

import strawberry

from hospital_bff.metrics import BOOKING_OUTCOMES
from hospital_bff.resolvers.context import Info
from hospital_bff.resolvers.mutations import command_result
from hospital_bff.schema.errors import UserError
from hospital_bff.schema.orders import Order
from hospital_bff.schema.results import (
    AcceptWaitlistOfferResult,
    DeclineWaitlistOfferResult,
    JoinWaitlistResult,
    LeaveWaitlistResult,
)
from hospital_bff.schema.waitlist import (
    AcceptWaitlistOfferSuccess,
    DeclineWaitlistOfferSuccess,
    JoinWaitlistInput,
    JoinWaitlistSuccess,
    LeaveWaitlistSuccess,
    Waitlist,
    WaitlistOffer,
)
from hospital_bff.services.waitlist import entries, offers, waiting
from hospital_bff.services.waitlist.rules import Target


def _id(value: object | None) -> str | None:
    return None if value is None else str(value)


async def join_waitlist(info: Info, data: JoinWaitlistInput) -> JoinWaitlistResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime
    target = Target(
        schedule_id=_id(data.schedule_id),
        expert_id=_id(data.expert_id),
        date_from=data.date_from,
        date_to=data.date_to,
    )

    async def work() -> JoinWaitlistSuccess:
        entry = await entries.join(runtime, viewer.user_id, str(data.patient_id), target)
        async with runtime.sessions() as session:
            (view,) = await waiting.views(session, [entry])
        return JoinWaitlistSuccess(waitlist=Waitlist.from_view(view))

    return cast("JoinWaitlistResult", await command_result(info, work, JoinWaitlistResult))


async def leave_waitlist(info: Info, waitlist_id: str) -> LeaveWaitlistResult:
    viewer = await info.context.require_viewer()

    async def work() -> LeaveWaitlistSuccess:
        entry = await entries.leave(info.context.runtime, viewer.user_id, waitlist_id)
        return LeaveWaitlistSuccess(waitlist_id=strawberry.ID(entry.id))

    return cast("LeaveWaitlistResult", await command_result(info, work, LeaveWaitlistResult))


async def accept_offer(info: Info, offer_id: str) -> AcceptWaitlistOfferResult:
    viewer = await info.context.require_viewer()

    async def work() -> AcceptWaitlistOfferSuccess:
        order = await offers.accept(info.context.runtime, viewer.user_id, offer_id)
        return AcceptWaitlistOfferSuccess(order=Order.from_row(order))

    answer = cast(
        "AcceptWaitlistOfferResult", await command_result(info, work, AcceptWaitlistOfferResult)
    )
    # An accepted offer is a registration booked, counted with bookAppointment's answers.
    BOOKING_OUTCOMES.labels(answer.code.value if isinstance(answer, UserError) else "OK").inc()
    return answer


async def decline_offer(info: Info, offer_id: str) -> DeclineWaitlistOfferResult:
    viewer = await info.context.require_viewer()

    async def work() -> DeclineWaitlistOfferSuccess:
        offer = await offers.decline(info.context.runtime, viewer.user_id, offer_id)
        return DeclineWaitlistOfferSuccess(offer=WaitlistOffer.from_row(offer))

    return cast(
        "DeclineWaitlistOfferResult", await command_result(info, work, DeclineWaitlistOfferResult)
    )


async def schedule_waitlist(info: Info, schedule_id: str) -> list[Waitlist]:
    """Staff: who waits for a schedule, in the order they are served."""
    await info.context.require_staff()
    return [
        Waitlist.from_view(v) for v in await entries.on_schedule(info.context.runtime, schedule_id)
    ]
