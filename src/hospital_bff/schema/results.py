"""Each mutation's result: its success type or one of the UserErrors it can actually return.

A union lists exactly the failures its resolver and the services under it raise, so codegen
tells a client which errors to handle (and `... on UserError` still catches them all). What
every mutation shares: INVALID_INPUT, since the edge check (resolvers/edge_input.py) refuses
a bad argument of any of them as data. What reaches an outside system adds
UPSTREAM_UNAVAILABLE; what needs a verified user adds NOT_VERIFIED; staff-only ones FORBIDDEN.

`resolvers.mutations` (`command_result`, `in_one_unit`) maps a DomainError only to a member
of the union it is given; a code the union does not list is a bug (logged, and an internal
error to the client), and tests/api/test_result_unions.py keeps the table below and the
resolvers in step.
"""

from __future__ import annotations

from typing import Annotated, TypeAlias, get_args

import strawberry

from hospital_bff.schema.accounts import (
    BindPatientSuccess,
    RestrictUserSuccess,
    SignInSuccess,
    UnbindPatientSuccess,
    VerifyIdentitySuccess,
)
from hospital_bff.schema.enums import ErrorCode
from hospital_bff.schema.errors import (
    ERROR_TYPES,
    AlreadyBoundError,
    AlreadyCheckedInError,
    AlreadyWaitingError,
    BookingLimitReachedError,
    CancelNotAllowedError,
    CheckInClosedError,
    CheckInNotOpenError,
    DuplicateBookingError,
    ForbiddenError,
    IdentityMismatchError,
    IneligibleAgeError,
    IneligibleSexError,
    InvalidIdNumberError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    NotVerifiedError,
    OrderClosedError,
    OrderExpiredError,
    PatientLimitReachedError,
    PayAtHospitalError,
    PlacesAvailableError,
    RateLimitedError,
    ScheduleNotOpenError,
    SlotFullError,
    TooFarFromHospitalError,
    TryAgainError,
    UpstreamUnavailableError,
    UserError,
    UserRestrictedError,
)
from hospital_bff.schema.notices import AcceptNoticeSubscriptionsSuccess, MarkNoticesReadSuccess
from hospital_bff.schema.orders import (
    BookAppointmentSuccess,
    CancelAppointmentSuccess,
    CheckInSuccess,
    PayBillsSuccess,
    PayOrderSuccess,
)
from hospital_bff.schema.record_access import GrantRecordAccessSuccess, RevokeRecordAccessSuccess
from hospital_bff.schema.staff import (
    ResolveReconciliationFindingSuccess,
    RunReconciliationSuccess,
    SuspendScheduleSuccess,
)
from hospital_bff.schema.waitlist import (
    AcceptWaitlistOfferSuccess,
    DeclineWaitlistOfferSuccess,
    JoinWaitlistSuccess,
    LeaveWaitlistSuccess,
)

# --- accounts and patients ----------------------------------------------------------------

# A code that cannot be one or that the platform refuses is INVALID_INPUT; refused codes and
# sign-ins count per address and per openid (RATE_LIMITED); WeChat or Alipay may be away.
SignInResult = Annotated[
    SignInSuccess | InvalidInputError | RateLimitedError | UpstreamUnavailableError,
    strawberry.union("SignInResult", description="Signed in, or why not"),
]

# The HIS decides (IDENTITY_MISMATCH, UPSTREAM_UNAVAILABLE); attempts are counted; an account
# verified as someone else is INVALID_STATE; a staff token has no account (NOT_VERIFIED).
VerifyIdentityResult = Annotated[
    VerifyIdentitySuccess
    | InvalidInputError
    | InvalidIdNumberError
    | IdentityMismatchError
    | NotVerifiedError
    | NotFoundError
    | InvalidStateError
    | RateLimitedError
    | UpstreamUnavailableError,
    strawberry.union("VerifyIdentityResult", description="Verified, or why not"),
]

BindPatientResult = Annotated[
    BindPatientSuccess
    | InvalidInputError
    | InvalidIdNumberError
    | IdentityMismatchError
    | NotVerifiedError
    | AlreadyBoundError
    | PatientLimitReachedError
    | RateLimitedError
    | UpstreamUnavailableError,
    strawberry.union("BindPatientResult", description="Bound, or why not"),
]

UnbindPatientResult = Annotated[
    UnbindPatientSuccess | InvalidInputError | NotVerifiedError | NotFoundError,
    strawberry.union("UnbindPatientResult", description="Unbound, or why not"),
]

RestrictUserResult = Annotated[
    RestrictUserSuccess | InvalidInputError | NotFoundError | ForbiddenError,
    strawberry.union("RestrictUserResult", description="Restricted, or why not"),
]

# --- booking, payment, cancellation ---------------------------------------------------------

# What the booking path (BookingService.book) refuses, whoever books through it: the booking
# rules' refusals (services/eligibility.py, IneligibleCode), the slot gate's and the HIS's own.
# A union of unions is one flat union, in this order, after the success type.
BookingRefusal: TypeAlias = (
    InvalidInputError
    | NotVerifiedError
    | NotFoundError
    | UserRestrictedError
    | ScheduleNotOpenError
    | SlotFullError
    | IneligibleSexError
    | IneligibleAgeError
    | DuplicateBookingError
    | BookingLimitReachedError
    | InvalidStateError
    | UpstreamUnavailableError
    | TryAgainError
)

BookAppointmentResult = Annotated[
    BookAppointmentSuccess | BookingRefusal,
    strawberry.union("BookAppointmentResult", description="Booked, or why not"),
]

PayOrderResult = Annotated[
    PayOrderSuccess
    | InvalidInputError
    | NotVerifiedError
    | NotFoundError
    | OrderExpiredError
    | OrderClosedError
    | InvalidStateError
    | UserRestrictedError
    | UpstreamUnavailableError,
    strawberry.union("PayOrderResult", description="A payment to complete, or why not"),
]

CancelAppointmentResult = Annotated[
    CancelAppointmentSuccess
    | InvalidInputError
    | NotFoundError
    | CancelNotAllowedError
    | InvalidStateError
    | UpstreamUnavailableError,
    strawberry.union("CancelAppointmentResult", description="Cancelled, or why not"),
]

PayBillsResult = Annotated[
    PayBillsSuccess
    | InvalidInputError
    | NotVerifiedError
    | NotFoundError
    | UserRestrictedError
    | PayAtHospitalError
    | InvalidStateError
    | UpstreamUnavailableError,
    strawberry.union("PayBillsResult", description="An order to pay, or why not"),
]

# --- the waitlist ------------------------------------------------------------------------------

# Joining checks the booking rules (all but capacity): their refusals, or PLACES_AVAILABLE.
JoinWaitlistResult = Annotated[
    JoinWaitlistSuccess
    | InvalidInputError
    | NotVerifiedError
    | NotFoundError
    | UserRestrictedError
    | ScheduleNotOpenError
    | IneligibleSexError
    | IneligibleAgeError
    | DuplicateBookingError
    | BookingLimitReachedError
    | PlacesAvailableError
    | AlreadyWaitingError
    | UpstreamUnavailableError,
    strawberry.union("JoinWaitlistResult", description="On the waitlist, or why not"),
]

LeaveWaitlistResult = Annotated[
    LeaveWaitlistSuccess | InvalidInputError | NotVerifiedError | NotFoundError,
    strawberry.union("LeaveWaitlistResult", description="Off the waitlist, or why not"),
]

# Accepting books through the booking path: its refusals, as bookAppointment's.
AcceptWaitlistOfferResult = Annotated[
    AcceptWaitlistOfferSuccess | BookingRefusal,
    strawberry.union("AcceptWaitlistOfferResult", description="Booked, or why not"),
]

DeclineWaitlistOfferResult = Annotated[
    DeclineWaitlistOfferSuccess
    | InvalidInputError
    | NotVerifiedError
    | NotFoundError
    | InvalidStateError,
    strawberry.union("DeclineWaitlistOfferResult", description="Declined, or why not"),
]

# Check-in's own rules (services/queue_rules.py): not a CONFIRMED registration is
# INVALID_STATE, outside the window CHECK_IN_NOT_OPEN / CHECK_IN_CLOSED, no location while the
# hospital checks distance INVALID_INPUT; someone else's order is NOT_FOUND.
CheckInResult = Annotated[
    CheckInSuccess
    | InvalidInputError
    | NotFoundError
    | InvalidStateError
    | CheckInNotOpenError
    | CheckInClosedError
    | AlreadyCheckedInError
    | TooFarFromHospitalError
    | UpstreamUnavailableError,
    strawberry.union("CheckInResult", description="Checked in, or why not"),
]

# --- notices and records ----------------------------------------------------------------------

MarkNoticesReadResult = Annotated[
    MarkNoticesReadSuccess | InvalidInputError,
    strawberry.union("MarkNoticesReadResult", description="Marked read, or why not"),
]

AcceptNoticeSubscriptionsResult = Annotated[
    AcceptNoticeSubscriptionsSuccess | InvalidInputError | NotVerifiedError,
    strawberry.union("AcceptNoticeSubscriptionsResult", description="Recorded, or why not"),
]

GrantRecordAccessResult = Annotated[
    GrantRecordAccessSuccess | InvalidInputError | NotVerifiedError | NotFoundError,
    strawberry.union("GrantRecordAccessResult", description="Granted, or why not"),
]

RevokeRecordAccessResult = Annotated[
    RevokeRecordAccessSuccess | InvalidInputError | NotVerifiedError | NotFoundError,
    strawberry.union("RevokeRecordAccessResult", description="Revoked, or why not"),
]

# --- staff ----------------------------------------------------------------------------------

SuspendScheduleResult = Annotated[
    SuspendScheduleSuccess
    | InvalidInputError
    | ForbiddenError
    | NotFoundError
    | UpstreamUnavailableError,
    strawberry.union("SuspendScheduleResult", description="Suspended, or why not"),
]

RunReconciliationResult = Annotated[
    RunReconciliationSuccess | InvalidInputError | ForbiddenError | UpstreamUnavailableError,
    strawberry.union("RunReconciliationResult", description="Reconciled, or why not"),
]

ResolveReconciliationFindingResult = Annotated[
    ResolveReconciliationFindingSuccess | InvalidInputError | ForbiddenError | NotFoundError,
    strawberry.union("ResolveReconciliationFindingResult", description="Resolved, or why not"),
]


def members(result: object) -> tuple[type, ...]:
    """The object types of a result union (an `Annotated[A | B, strawberry.union(...)]`)."""
    union, *_metadata = get_args(result)
    return get_args(union)


def errors_of(result: object) -> dict[ErrorCode, type[UserError]]:
    """The UserError types a result union lists, by their code."""
    listed = set(members(result))
    return {code: kind for code, kind in ERROR_TYPES.items() if kind in listed}
