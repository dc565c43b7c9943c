"""The root Mutation: every field answers a union of its success type and the UserErrors it
can return (schema/results.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from hospital_bff.resolvers import (
    accounts,
    booking,
    notice_push,
    queue,
    record_access,
    records,
    staff,
    waitlist,
)
from hospital_bff.resolvers.context import Info
from hospital_bff.schema.accounts import BindPatientInput, VerifyIdentityInput
from hospital_bff.schema.arguments import CallersOffer, CallersOrder, CallersPatient
from hospital_bff.schema.enums import PaymentChannel, Platform
from hospital_bff.schema.orders import BookAppointmentInput, PayBillsInput
from hospital_bff.schema.queue import CheckInLocation
from hospital_bff.schema.record_access import GrantRecordAccessInput
from hospital_bff.schema.results import (
    AcceptNoticeSubscriptionsResult,
    AcceptWaitlistOfferResult,
    BindPatientResult,
    BookAppointmentResult,
    CancelAppointmentResult,
    CheckInResult,
    DeclineWaitlistOfferResult,
    GrantRecordAccessResult,
    JoinWaitlistResult,
    LeaveWaitlistResult,
    MarkNoticesReadResult,
    PayBillsResult,
    PayOrderResult,
    ResolveReconciliationFindingResult,
    RestrictUserResult,
    RevokeRecordAccessResult,
    RunReconciliationResult,
    SignInResult,
    SuspendScheduleResult,
    UnbindPatientResult,
    VerifyIdentityResult,
)
from hospital_bff.schema.waitlist import JoinWaitlistInput


@strawberry.type(
    description="What a client can change; each answers its success type or a UserError as data"
)
class Mutation:
    @strawberry.mutation(description="Exchange a one-time WeChat code for a session token")
    async def sign_in(
        self,
        info: Info,
        platform: Annotated[Platform, strawberry.argument(description="Where the code comes from")],
        code: Annotated[
            str,
            strawberry.argument(
                description="The one-time code of the platform's OAuth (valid 5 minutes, once)"
            ),
        ],
    ) -> SignInResult:
        return await accounts.sign_in(info, platform.value, code)

    @strawberry.mutation(
        description="Tie this account to the hospital user of a national ID "
        "(name and phone must match)"
    )
    async def verify_identity(
        self,
        info: Info,
        input: Annotated[
            VerifyIdentityInput, strawberry.argument(description="Who the user says they are")
        ],
    ) -> VerifyIdentityResult:
        return await accounts.verify_identity(info, input)

    @strawberry.mutation(description="Bind a person from the hospital's master index (at most 5)")
    async def bind_patient(
        self,
        info: Info,
        input: Annotated[
            BindPatientInput,
            strawberry.argument(description="The person, as the hospital knows them"),
        ],
    ) -> BindPatientResult:
        return await accounts.bind_patient(info, input)

    @strawberry.mutation(description="Unbind a patient; their orders stay in the history")
    async def unbind_patient(
        self,
        info: Info,
        patient_id: CallersPatient,
    ) -> UnbindPatientResult:
        return await accounts.unbind_patient(info, str(patient_id))

    @strawberry.mutation(
        description="Hold a slot for a patient and bill it; pay within the window. "
        "Same idempotencyKey, same order"
    )
    async def book_appointment(
        self,
        info: Info,
        input: Annotated[
            BookAppointmentInput,
            strawberry.argument(description="Who, which slot, and the idempotency key"),
        ],
    ) -> BookAppointmentResult:
        return await booking.book_appointment(info, input)

    @strawberry.mutation(
        description="Start paying an order at the bank; open payUrl for the patient"
    )
    async def pay_order(
        self,
        info: Info,
        order_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="One of the caller's orders, AWAITING_PAYMENT"),
        ],
        idempotency_key: Annotated[
            str,
            strawberry.argument(
                description="Any string of 1-128 characters; the same key answers the same result"
            ),
        ],
        channel: Annotated[
            PaymentChannel,
            strawberry.argument(
                description="H5 (default): open payUrl; JSAPI: inside WeChat, use payment.jsapi"
            ),
        ] = PaymentChannel.H5,
    ) -> PayOrderResult:
        return await booking.pay_order(info, str(order_id), idempotency_key, channel)

    @strawberry.mutation(
        description="Cancel a booking (退号); a paid one is refunded (see order.refund)"
    )
    async def cancel_appointment(
        self,
        info: Info,
        order_id: CallersOrder,
        reason: Annotated[
            str | None,
            strawberry.argument(description="Why, in the patient's words (kept with the order)"),
        ] = None,
    ) -> CancelAppointmentResult:
        return await booking.cancel_appointment(info, str(order_id), reason)

    @strawberry.mutation(
        description="Check in on the visit day (签到): a CONFIRMED registration joins the "
        "hospital's queue, from shortly before its slot until the slot ends; then watch "
        "queueUpdates or order.queue"
    )
    async def check_in(
        self,
        info: Info,
        order_id: CallersOrder,
        location: Annotated[
            CheckInLocation | None,
            strawberry.argument(
                description="The phone's location; needed when the hospital checks that "
                "patients check in nearby"
            ),
        ] = None,
    ) -> CheckInResult:
        return await queue.check_in(info, str(order_id), location)

    @strawberry.mutation(
        description="One order to pay chosen outpatient bills (self-pay patients only)"
    )
    async def pay_bills(
        self,
        info: Info,
        input: Annotated[
            PayBillsInput,
            strawberry.argument(description="Whose bills, which, and the idempotency key"),
        ],
    ) -> PayBillsResult:
        return await booking.pay_bills(info, input)

    @strawberry.mutation(
        description="Wait for a full schedule (or an expert over a few days): when a place "
        "comes back, it is held for the first eligible waiter and a WAITLIST_OFFER notice sent"
    )
    async def join_waitlist(
        self,
        info: Info,
        input: Annotated[
            JoinWaitlistInput, strawberry.argument(description="Who waits, and for what")
        ],
    ) -> JoinWaitlistResult:
        return await waitlist.join_waitlist(info, input)

    @strawberry.mutation(description="Leave a waitlist; a place held for the patient passes on")
    async def leave_waitlist(
        self,
        info: Info,
        waitlist_id: Annotated[
            strawberry.ID, strawberry.argument(description="One of the caller's waitlists")
        ],
    ) -> LeaveWaitlistResult:
        return await waitlist.leave_waitlist(info, str(waitlist_id))

    @strawberry.mutation(
        description="Book the place held for the patient: an order awaiting payment in the "
        "usual window; accepting again answers the same order"
    )
    async def accept_waitlist_offer(
        self,
        info: Info,
        offer_id: CallersOffer,
    ) -> AcceptWaitlistOfferResult:
        return await waitlist.accept_offer(info, str(offer_id))

    @strawberry.mutation(
        description="Decline the place held for the patient: it passes to the next in line, "
        "and the patient leaves that waitlist"
    )
    async def decline_waitlist_offer(
        self,
        info: Info,
        offer_id: CallersOffer,
    ) -> DeclineWaitlistOfferResult:
        return await waitlist.decline_offer(info, str(offer_id))

    @strawberry.mutation(description="Mark the caller's notices read")
    async def mark_notices_read(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description="The notices (at most 200 are read)"),
        ],
    ) -> MarkNoticesReadResult:
        return await records.mark_notices_read(info, [str(i) for i in ids])

    @strawberry.mutation(
        description="As the patient: let a user who bound you read your reports and/or "
        "prescriptions until a date (replaces their earlier grant)"
    )
    async def grant_record_access(
        self,
        info: Info,
        input: Annotated[
            GrantRecordAccessInput, strawberry.argument(description="Whom, what, and until when")
        ],
    ) -> GrantRecordAccessResult:
        return await record_access.grant_record_access(info, input)

    @strawberry.mutation(description="As the patient: take a grant back at once")
    async def revoke_record_access(
        self,
        info: Info,
        grant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The grant (myRecordAccess lists them)")
        ],
    ) -> RevokeRecordAccessResult:
        return await record_access.revoke_record_access(info, str(grant_id))

    @strawberry.mutation(
        description="Record the templates the user accepted in WeChat's subscribe prompt "
        "(wx.requestSubscribeMessage / wx-open-subscribe): their notices are pushed to the phone"
    )
    async def accept_notice_subscriptions(
        self,
        info: Info,
        template_ids: Annotated[
            list[str],
            strawberry.argument(
                description="The template ids WeChat's prompt reported as accepted"
            ),
        ],
    ) -> AcceptNoticeSubscriptionsResult:
        return await notice_push.accept_notice_subscriptions(info, template_ids)

    @strawberry.mutation(description="Staff: restrict a user from booking until a time")
    async def restrict_user(
        self,
        info: Info,
        user_id: Annotated[
            strawberry.ID, strawberry.argument(description="The hospital user (Me.userId)")
        ],
        until: Annotated[
            datetime,
            strawberry.argument(
                description="When booking opens again for them (with a UTC offset)"
            ),
        ],
        reason: Annotated[str, strawberry.argument(description="Why (kept, and shown to staff)")],
    ) -> RestrictUserResult:
        return await accounts.restrict_user(info, str(user_id), until, reason)

    @strawberry.mutation(
        description="Staff: the expert stops work; every booked order is cancelled "
        "and refunded in full"
    )
    async def suspend_schedule(
        self,
        info: Info,
        schedule_id: Annotated[
            strawberry.ID, strawberry.argument(description="The schedule the expert stops")
        ],
        reason: Annotated[
            str, strawberry.argument(description="Why (1-200 characters; told to the patients)")
        ],
    ) -> SuspendScheduleResult:
        return await staff.suspend_schedule(info, str(schedule_id), reason)

    @strawberry.mutation(
        description="Staff: reconcile a past day with the bank's trade bill (safe to repeat)"
    )
    async def run_reconciliation(
        self,
        info: Info,
        date: Annotated[date, strawberry.argument(description="A past day (hospital zone)")],
    ) -> RunReconciliationResult:
        return await staff.run_reconciliation(info, date)

    @strawberry.mutation(
        description="Staff: mark a reconciliation finding dealt with, with a note (kept)"
    )
    async def resolve_reconciliation_finding(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The finding")],
        note: Annotated[
            str, strawberry.argument(description="What was done about it (1-500 characters; kept)")
        ],
    ) -> ResolveReconciliationFindingResult:
        return await staff.resolve_reconciliation_finding(info, str(id), note)
