"""The root Mutation: every field answers a union of its success type and the UserErrors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Union

import strawberry

from hospital_bff.resolvers import accounts, booking, notice_push, record_access, records, staff
from hospital_bff.resolvers.context import Info
from hospital_bff.schema.accounts import (
    BindPatientInput,
    BindPatientSuccess,
    RestrictUserSuccess,
    SignInSuccess,
    UnbindPatientSuccess,
    VerifyIdentityInput,
    VerifyIdentitySuccess,
)
from hospital_bff.schema.enums import PaymentChannel, Platform
from hospital_bff.schema.errors import AnyUserError
from hospital_bff.schema.notices import AcceptNoticeSubscriptionsSuccess, MarkNoticesReadSuccess
from hospital_bff.schema.orders import (
    BookAppointmentInput,
    BookAppointmentSuccess,
    CancelAppointmentSuccess,
    PayBillsInput,
    PayBillsSuccess,
    PayOrderSuccess,
)
from hospital_bff.schema.record_access import (
    GrantRecordAccessInput,
    GrantRecordAccessSuccess,
    RevokeRecordAccessSuccess,
)
from hospital_bff.schema.staff import (
    ResolveReconciliationFindingSuccess,
    RunReconciliationSuccess,
    SuspendScheduleSuccess,
)

SignInResult = Annotated[Union[SignInSuccess, AnyUserError], strawberry.union("SignInResult")]  # noqa: UP007
VerifyIdentityResult = Annotated[
    VerifyIdentitySuccess | AnyUserError, strawberry.union("VerifyIdentityResult")
]
BindPatientResult = Annotated[
    BindPatientSuccess | AnyUserError, strawberry.union("BindPatientResult")
]
UnbindPatientResult = Annotated[
    UnbindPatientSuccess | AnyUserError, strawberry.union("UnbindPatientResult")
]
RestrictUserResult = Annotated[
    RestrictUserSuccess | AnyUserError, strawberry.union("RestrictUserResult")
]
BookAppointmentResult = Annotated[
    BookAppointmentSuccess | AnyUserError, strawberry.union("BookAppointmentResult")
]
PayOrderResult = Annotated[Union[PayOrderSuccess, AnyUserError], strawberry.union("PayOrderResult")]  # noqa: UP007
CancelAppointmentResult = Annotated[
    CancelAppointmentSuccess | AnyUserError, strawberry.union("CancelAppointmentResult")
]
PayBillsResult = Annotated[Union[PayBillsSuccess, AnyUserError], strawberry.union("PayBillsResult")]  # noqa: UP007
MarkNoticesReadResult = Annotated[
    MarkNoticesReadSuccess | AnyUserError, strawberry.union("MarkNoticesReadResult")
]
GrantRecordAccessResult = Annotated[
    GrantRecordAccessSuccess | AnyUserError, strawberry.union("GrantRecordAccessResult")
]
RevokeRecordAccessResult = Annotated[
    RevokeRecordAccessSuccess | AnyUserError, strawberry.union("RevokeRecordAccessResult")
]
AcceptNoticeSubscriptionsResult = Annotated[
    AcceptNoticeSubscriptionsSuccess | AnyUserError,
    strawberry.union("AcceptNoticeSubscriptionsResult"),
]
SuspendScheduleResult = Annotated[
    SuspendScheduleSuccess | AnyUserError, strawberry.union("SuspendScheduleResult")
]
ResolveReconciliationFindingResult = Annotated[
    ResolveReconciliationFindingSuccess | AnyUserError,
    strawberry.union("ResolveReconciliationFindingResult"),
]
RunReconciliationResult = Annotated[
    RunReconciliationSuccess | AnyUserError, strawberry.union("RunReconciliationResult")
]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Exchange a one-time WeChat code for a session token")
    async def sign_in(self, info: Info, platform: Platform, code: str) -> SignInResult:
        return await accounts.sign_in(info, platform.value, code)

    @strawberry.mutation(
        description="Tie this account to the hospital user of a national ID "
        "(name and phone must match)"
    )
    async def verify_identity(self, info: Info, input: VerifyIdentityInput) -> VerifyIdentityResult:
        return await accounts.verify_identity(info, input)

    @strawberry.mutation(description="Bind a person from the hospital's master index (at most 5)")
    async def bind_patient(self, info: Info, input: BindPatientInput) -> BindPatientResult:
        return await accounts.bind_patient(info, input)

    @strawberry.mutation(description="Unbind a patient; their orders stay in the history")
    async def unbind_patient(self, info: Info, patient_id: strawberry.ID) -> UnbindPatientResult:
        return await accounts.unbind_patient(info, str(patient_id))

    @strawberry.mutation(
        description="Hold a slot for a patient and bill it; pay within the window. "
        "Same idempotencyKey, same order"
    )
    async def book_appointment(
        self, info: Info, input: BookAppointmentInput
    ) -> BookAppointmentResult:
        return await booking.book_appointment(info, input)

    @strawberry.mutation(
        description="Start paying an order at the bank; open payUrl for the patient"
    )
    async def pay_order(
        self,
        info: Info,
        order_id: strawberry.ID,
        idempotency_key: str,
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
        self, info: Info, order_id: strawberry.ID, reason: str | None = None
    ) -> CancelAppointmentResult:
        return await booking.cancel_appointment(info, str(order_id), reason)

    @strawberry.mutation(
        description="One order to pay chosen outpatient bills (self-pay patients only)"
    )
    async def pay_bills(self, info: Info, input: PayBillsInput) -> PayBillsResult:
        return await booking.pay_bills(info, input)

    @strawberry.mutation(description="Mark the caller's notices read")
    async def mark_notices_read(
        self, info: Info, ids: list[strawberry.ID]
    ) -> MarkNoticesReadResult:
        return await records.mark_notices_read(info, [str(i) for i in ids])

    @strawberry.mutation(
        description="As the patient: let a user who bound you read your reports and/or "
        "prescriptions until a date (replaces their earlier grant)"
    )
    async def grant_record_access(
        self, info: Info, input: GrantRecordAccessInput
    ) -> GrantRecordAccessResult:
        return await record_access.grant_record_access(info, input)

    @strawberry.mutation(description="As the patient: take a grant back at once")
    async def revoke_record_access(
        self, info: Info, grant_id: strawberry.ID
    ) -> RevokeRecordAccessResult:
        return await record_access.revoke_record_access(info, str(grant_id))

    @strawberry.mutation(
        description="Record the templates the user accepted in WeChat's subscribe prompt "
        "(wx.requestSubscribeMessage / wx-open-subscribe): their notices are pushed to the phone"
    )
    async def accept_notice_subscriptions(
        self, info: Info, template_ids: list[str]
    ) -> AcceptNoticeSubscriptionsResult:
        return await notice_push.accept_notice_subscriptions(info, template_ids)

    @strawberry.mutation(description="Staff: restrict a user from booking until a time")
    async def restrict_user(
        self, info: Info, user_id: strawberry.ID, until: datetime, reason: str
    ) -> RestrictUserResult:
        return await accounts.restrict_user(info, str(user_id), until, reason)

    @strawberry.mutation(
        description="Staff: the expert stops work; every booked order is cancelled "
        "and refunded in full"
    )
    async def suspend_schedule(
        self, info: Info, schedule_id: strawberry.ID, reason: str
    ) -> SuspendScheduleResult:
        return await staff.suspend_schedule(info, str(schedule_id), reason)

    @strawberry.mutation(
        description="Staff: reconcile a past day with the bank's trade bill (safe to repeat)"
    )
    async def run_reconciliation(self, info: Info, date: date) -> RunReconciliationResult:
        return await staff.run_reconciliation(info, date)

    @strawberry.mutation(
        description="Staff: mark a reconciliation finding dealt with, with a note (kept)"
    )
    async def resolve_reconciliation_finding(
        self, info: Info, id: strawberry.ID, note: str
    ) -> ResolveReconciliationFindingResult:
        return await staff.resolve_reconciliation_finding(info, str(id), note)
