"""The contract's enums, values exactly as the clients know them, each value described.

Every enum goes through `described`: the schema's description of the type and of each value
(GraphiQL and codegen show them to front-end developers). A value added to an enum without a
description fails at import, so no value reaches a client unexplained.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry

from hospital_bff.services.accounts.patients import Relation as Relation
from hospital_bff.services.accounts.signin import Platform as Platform
from hospital_bff.services.money.rules import OrderKind as OrderKind
from hospital_bff.services.money.rules import OrderStatus as OrderStatus
from hospital_bff.services.money.rules import PaymentChannel as PaymentChannel
from hospital_bff.services.money.rules import PaymentStatus as PaymentStatus
from hospital_bff.services.money.rules import RefundMode as RefundMode
from hospital_bff.services.money.rules import RefundStatus as RefundStatus
from hospital_bff.services.notices import NoticeKind as NoticeKind
from hospital_bff.services.queue_rules import QueueStatus as QueueStatus
from hospital_bff.services.waitlist.rules import EntryStatus as EntryStatus
from hospital_bff.services.waitlist.rules import OfferStatus as OfferStatus

E = TypeVar("E", bound=Enum)


def described(
    cls: type[E], description: str, values: dict[str, str], *, name: str | None = None
) -> type[E]:
    """Register `cls` as a GraphQL enum with a description for the type and every value.

    The domain's own enums are registered as they are (one fact, written once); only their
    descriptions live here, beside the schema's other words for clients."""
    members = {member.name for member in cls}
    if set(values) != members:
        raise ValueError(f"{cls.__name__}: describe exactly {sorted(members)}")
    strawberry.enum(cls, name=name, description=description)
    for value in cls.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return cls


described(
    Platform,
    "Where the account signs in from",
    {
        "WECHAT": "A WeChat official account or mini-program (signIn with WeChat's OAuth code)",
        "ALIPAY": "An Alipay mini-program (signIn with Alipay's auth code)",
    },
)


class Sex(Enum):
    MALE = "MALE"
    FEMALE = "FEMALE"


described(
    Sex,
    "A patient's sex, as the hospital records it (some departments take only one)",
    {"MALE": "Male", "FEMALE": "Female"},
)


described(
    Relation,
    "How the patient is related to the user who binds them",
    {
        "SELF": "The verified user themselves (bound at verification)",
        "CHILD": "The user's child; a minor child's records are open to the user",
        "PARENT": "The user's parent",
        "SPOUSE": "The user's spouse",
        "OTHER": "Anyone else the user books for",
    },
)


class Insurance(Enum):
    SELF_PAY = "SELF_PAY"
    MEDICAL_INSURANCE = "MEDICAL_INSURANCE"


described(
    Insurance,
    "Self-pay or medical insurance; insured patients pay bills at the hospital",
    {
        "SELF_PAY": "Pays everything; may pay outpatient bills online (payBills)",
        "MEDICAL_INSURANCE": "Insured: outpatient bills are paid at the hospital (PAY_AT_HOSPITAL)",
    },
)


class Period(Enum):
    MORNING = "MORNING"
    AFTERNOON = "AFTERNOON"
    EVENING = "EVENING"


described(
    Period,
    "The part of the day a schedule covers",
    {
        "MORNING": "Morning clinic (上午)",
        "AFTERNOON": "Afternoon clinic (下午)",
        "EVENING": "Evening clinic (夜间)",
    },
)


class ScheduleStatus(Enum):
    OPEN = "OPEN"
    FULL = "FULL"
    SUSPENDED = "SUSPENDED"
    CLOSED = "CLOSED"


described(
    ScheduleStatus,
    "Whether a schedule can be booked now",
    {
        "OPEN": "Places are free and booking is open",
        "FULL": "Every place is taken; one may free up when an order expires or is cancelled",
        "SUSPENDED": "The expert stopped work (停诊); booked orders were cancelled and refunded",
        "CLOSED": "Booking has ended for this schedule (or the session is over)",
    },
)


# The money path's enums are the domain's own (services/money/rules.py), registered here with
# the schema's descriptions: one fact, written once. Their names and values are the contract.
described(
    OrderKind,
    "What an order pays for",
    {
        "REGISTRATION": "A registration (挂号): one place on a schedule",
        "CLINIC_PAYMENT": "Outpatient bills (门诊缴费) chosen by the patient",
    },
)
described(
    OrderStatus,
    "Where an order stands on the money path",
    {
        "AWAITING_PAYMENT": "Slot held (or bills locked), bill issued, payment window running",
        "PAID": "The bank took the money; the HIS has not confirmed yet",
        "CONFIRMED": "The HIS confirmed the registration or the bill payment",
        "EXPIRED": "Not paid within the window; the hold is released",
        "CANCELLED": "Cancelled by the patient, or by a suspension; `refund` says what happens "
        "to the money",
        "FAILED": "Money taken but the HIS refused to confirm; `refund` says what happens to "
        "the money",
        "COMPLETED": "The visit took place",
    },
)
described(
    PaymentStatus,
    "The bank's view of one payment",
    {
        "PENDING": "Opened at the bank; the patient has not paid yet",
        "SUCCEEDED": "The bank took the money",
        "CLOSED": "Closed unpaid (the window ended, or the order was cancelled)",
        "FAILED": "The bank refused the payment",
    },
)
described(
    PaymentChannel,
    "H5: the bank's cashier page in a browser; JSAPI: paid inside WeChat",
    {
        "H5": "The bank's cashier page in a browser: open payment.payUrl",
        "JSAPI": "Inside WeChat: call WeixinJSBridge with payment.jsapi",
    },
    name="PayChannel",
)
described(
    RefundStatus,
    "Where the money going back to the patient is",
    {
        "PENDING": "Decided; not yet sent to the bank",
        "PROCESSING": "Sent to the bank; the money is on its way",
        "SUCCEEDED": "The money is back with the patient",
        "FAILED": "The bank could not refund; the hospital's staff follow it up",
    },
)
described(
    RefundMode,
    "REVERSAL: same-day reversal, at once; REFUND: refund call, at once; "
    "BATCH: next-day reconciliation batch, within 7 days",
    {
        "REVERSAL": "Same-day reversal: the money is back at once",
        "REFUND": "A refund call to the bank: the money is back at once",
        "BATCH": "The next-day reconciliation batch: the money is back within 7 days",
    },
)


class ReportKind(Enum):
    LAB = "LAB"
    EXAM = "EXAM"


described(
    ReportKind,
    "Which department issued a report",
    {"LAB": "A laboratory test (检验): values per item", "EXAM": "An examination (检查): imaging"},
)


class ReportStatus(Enum):
    PENDING = "PENDING"
    FINAL = "FINAL"


described(
    ReportStatus,
    "Whether a report is finished",
    {
        "PENDING": "Sampled or examined; results not out yet",
        "FINAL": "Signed off; results and conclusion are final",
    },
)


class ResultFlag(Enum):
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    LOW = "LOW"
    ABNORMAL = "ABNORMAL"


described(
    ResultFlag,
    "How a result compares with its reference range",
    {
        "NORMAL": "Within the reference range",
        "HIGH": "Above the reference range (↑)",
        "LOW": "Below the reference range (↓)",
        "ABNORMAL": "Outside the normal finding, for a result without a numeric range",
    },
)


described(
    NoticeKind,
    "What a notice tells the patient",
    {
        "ORDER_CONFIRMED": "The registration or bill payment is confirmed by the hospital",
        "ORDER_EXPIRED": "An order was not paid in time and is closed",
        "ORDER_CANCELLED": "An order was cancelled (by the patient or the hospital)",
        "ORDER_FAILED": "The hospital could not confirm a paid order; the money comes back",
        "REFUND_SUCCEEDED": "A refund reached the patient",
        "EXPERT_SUSPENDED": "The expert stopped work; the booking is cancelled and refunded",
        "REPORT_READY": "A lab or exam report is ready to read",
        "VISIT_REMINDER": "A reminder of an upcoming visit",
        "WAITLIST_OFFER": "A place came back and is held for a waiting patient for a few "
        "minutes: accept it (acceptWaitlistOffer) or decline it",
        "QUEUE_NEAR": "A checked-in patient's turn is near (a few patients ahead)",
        "QUEUE_CALLED": "A checked-in patient is called to the consulting room",
    },
)


described(
    QueueStatus,
    "Where a checked-in patient is in the visit day's queue",
    {
        "WAITING": "Checked in, waiting to be called",
        "CALLED": "Called to the consulting room (see room)",
        "MISSED": "Called and did not come, or marked absent; ask at the triage desk",
        "DONE": "Seen by the doctor",
    },
)


class ErrorCode(Enum):
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    IDENTITY_MISMATCH = "IDENTITY_MISMATCH"
    NOT_VERIFIED = "NOT_VERIFIED"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_BOUND = "ALREADY_BOUND"
    PATIENT_LIMIT_REACHED = "PATIENT_LIMIT_REACHED"
    SCHEDULE_NOT_OPEN = "SCHEDULE_NOT_OPEN"
    SLOT_FULL = "SLOT_FULL"
    INELIGIBLE_SEX = "INELIGIBLE_SEX"
    INELIGIBLE_AGE = "INELIGIBLE_AGE"
    BOOKING_LIMIT_REACHED = "BOOKING_LIMIT_REACHED"
    DUPLICATE_BOOKING = "DUPLICATE_BOOKING"
    USER_RESTRICTED = "USER_RESTRICTED"
    INVALID_STATE = "INVALID_STATE"
    ORDER_EXPIRED = "ORDER_EXPIRED"
    ORDER_CLOSED = "ORDER_CLOSED"
    PAY_AT_HOSPITAL = "PAY_AT_HOSPITAL"
    CANCEL_NOT_ALLOWED = "CANCEL_NOT_ALLOWED"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    RATE_LIMITED = "RATE_LIMITED"
    TRY_AGAIN = "TRY_AGAIN"
    FORBIDDEN = "FORBIDDEN"
    PLACES_AVAILABLE = "PLACES_AVAILABLE"
    ALREADY_WAITING = "ALREADY_WAITING"
    CHECK_IN_NOT_OPEN = "CHECK_IN_NOT_OPEN"
    CHECK_IN_CLOSED = "CHECK_IN_CLOSED"
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"
    TOO_FAR_FROM_HOSPITAL = "TOO_FAR_FROM_HOSPITAL"


described(
    ErrorCode,
    "Stable codes of expected failures, for programs",
    {
        "INVALID_INPUT": "An argument is malformed, out of range or unknown",
        "INVALID_ID_NUMBER": "Not a valid 18-character resident ID number",
        "IDENTITY_MISMATCH": "Name, ID number and phone do not match the hospital's records",
        "NOT_VERIFIED": "Verify the identity first (verifyIdentity)",
        "NOT_FOUND": "No such object, or not the caller's (the two look the same)",
        "ALREADY_BOUND": "This patient is bound already",
        "PATIENT_LIMIT_REACHED": "The user has bound as many patients as allowed",
        "SCHEDULE_NOT_OPEN": "The schedule is suspended, closed, over or not yet open",
        "SLOT_FULL": "No place is left in this slot",
        "INELIGIBLE_SEX": "The department does not see patients of this sex",
        "INELIGIBLE_AGE": "The patient's age is outside the department's range",
        "BOOKING_LIMIT_REACHED": "The patient holds as many bookings as allowed",
        "DUPLICATE_BOOKING": "The patient is booked on this schedule already",
        "USER_RESTRICTED": "The user may not book or pay online until restrictedUntil",
        "INVALID_STATE": "The object is not in a state that allows this now",
        "ORDER_EXPIRED": "The payment window has ended; book again",
        "ORDER_CLOSED": "The order is cancelled, failed or refunded, and cannot be paid",
        "PAY_AT_HOSPITAL": "Medical-insurance patients pay outpatient bills at the hospital",
        "CANCEL_NOT_ALLOWED": "Visited, invoice printed, or past the visit: cannot cancel",
        "UPSTREAM_UNAVAILABLE": "The HIS, the bank or the sign-in platform is away; try again",
        "RATE_LIMITED": "Too many attempts; try again later",
        "TRY_AGAIN": "Too many bookings at once: nothing was taken; send the same request again",
        "FORBIDDEN": "The caller may not do this (staff only)",
        "PLACES_AVAILABLE": "Places are free on this schedule: book one instead of waiting",
        "ALREADY_WAITING": "The patient is on this waitlist already",
        "CHECK_IN_NOT_OPEN": "Check-in has not opened yet (it opens before the slot starts)",
        "CHECK_IN_CLOSED": "Check-in has closed: the slot is over",
        "ALREADY_CHECKED_IN": "The registration is checked in already; see order.queue",
        "TOO_FAR_FROM_HOSPITAL": "Check in near the hospital (the phone's location is too far)",
    },
)


described(
    EntryStatus,
    "Where a patient's place on a waitlist stands",
    {
        "WAITING": "In line for a place",
        "OFFERED": "A place is held for the patient now: see offer",
        "BOOKED": "The patient accepted an offer; the order is among their orders",
        "LEFT": "The patient left the waitlist",
        "DECLINED": "The patient declined an offer; the place went to the next",
        "LAPSED": "An offer ran out unanswered; the place went to the next",
        "EXPIRED": "The days waited for are over",
    },
    name="WaitlistStatus",
)

described(
    OfferStatus,
    "Where a place held for one waiting patient stands",
    {
        "OPEN": "Held for the patient until expiresAt: accept or decline it",
        "ACCEPTING": "Accepted; the booking is under way",
        "ACCEPTED": "Booked: an order awaits payment in the usual window",
        "DECLINED": "Declined; the place went to the next in line",
        "LAPSED": "Not answered in time; the place went to the next in line",
        "FAILED": "The hospital could not book it (sold at the window, or no longer allowed)",
    },
    name="WaitlistOfferStatus",
)
