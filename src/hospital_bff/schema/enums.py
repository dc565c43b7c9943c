"""The contract's enums, values exactly as the clients know them."""

from __future__ import annotations

from enum import Enum

import strawberry

from hospital_bff.services.money.rules import OrderKind as OrderKind
from hospital_bff.services.money.rules import OrderStatus as OrderStatus
from hospital_bff.services.money.rules import PaymentChannel as PaymentChannel
from hospital_bff.services.money.rules import PaymentStatus as PaymentStatus
from hospital_bff.services.money.rules import RefundMode as RefundMode
from hospital_bff.services.money.rules import RefundStatus as RefundStatus
from hospital_bff.services.notices import NoticeKind as NoticeKind


@strawberry.enum(description="Where the account signs in from")
class Platform(Enum):
    WECHAT = "WECHAT"
    ALIPAY = "ALIPAY"


@strawberry.enum
class Sex(Enum):
    MALE = "MALE"
    FEMALE = "FEMALE"


@strawberry.enum(description="How the patient is related to the user who binds them")
class Relation(Enum):
    SELF = "SELF"
    CHILD = "CHILD"
    PARENT = "PARENT"
    SPOUSE = "SPOUSE"
    OTHER = "OTHER"


@strawberry.enum(
    description="Self-pay or medical insurance; insured patients pay bills at the hospital"
)
class Insurance(Enum):
    SELF_PAY = "SELF_PAY"
    MEDICAL_INSURANCE = "MEDICAL_INSURANCE"


@strawberry.enum
class Period(Enum):
    MORNING = "MORNING"
    AFTERNOON = "AFTERNOON"
    EVENING = "EVENING"


@strawberry.enum
class ScheduleStatus(Enum):
    OPEN = "OPEN"
    FULL = "FULL"
    SUSPENDED = "SUSPENDED"
    CLOSED = "CLOSED"


# The money path's enums are the domain's own (services/money/rules.py), registered here with
# the schema's descriptions: one fact, written once. Their names and values are the contract.
strawberry.enum(OrderKind)
strawberry.enum(OrderStatus, description="Where an order stands on the money path")
strawberry.enum(PaymentStatus)
strawberry.enum(
    PaymentChannel,
    name="PayChannel",
    description="H5: the bank's cashier page in a browser; JSAPI: paid inside WeChat",
)
strawberry.enum(RefundStatus)
strawberry.enum(
    RefundMode,
    description="REVERSAL: same-day reversal, at once; REFUND: refund call, at once; "
    "BATCH: next-day reconciliation batch, within 7 days",
)


@strawberry.enum
class ReportKind(Enum):
    LAB = "LAB"
    EXAM = "EXAM"


@strawberry.enum
class ReportStatus(Enum):
    PENDING = "PENDING"
    FINAL = "FINAL"


@strawberry.enum
class ResultFlag(Enum):
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    LOW = "LOW"
    ABNORMAL = "ABNORMAL"


strawberry.enum(NoticeKind, description="What a notice tells the patient")


@strawberry.enum(description="Stable codes of expected failures, for programs")
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
