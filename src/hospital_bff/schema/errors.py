"""Expected failures as data: the UserError interface and one type per ErrorCode.

Each type is named after its code (SLOT_FULL -> SlotFullError) so a client can switch on
`__typename` or on `code`, whichever it prefers. Each mutation's result lists only the ones
it can return (schema/results.py).
"""

from __future__ import annotations

import strawberry

from hospital_bff.schema.enums import ErrorCode
from hospital_bff.services.errors import DomainError


@strawberry.interface(description="An expected failure: `code` for programs, `message` for people")
class UserError:
    code: ErrorCode = strawberry.field(description="Stable code; switch on this")
    message: str = strawberry.field(
        description="Explanation for the patient (Chinese, or English with Accept-Language: en)"
    )


@strawberry.type(description="A failure with code INVALID_INPUT")
class InvalidInputError(UserError):
    pass


@strawberry.type(description="A failure with code INVALID_ID_NUMBER")
class InvalidIdNumberError(UserError):
    pass


@strawberry.type(description="A failure with code IDENTITY_MISMATCH")
class IdentityMismatchError(UserError):
    pass


@strawberry.type(description="A failure with code NOT_VERIFIED")
class NotVerifiedError(UserError):
    pass


@strawberry.type(description="A failure with code NOT_FOUND")
class NotFoundError(UserError):
    pass


@strawberry.type(description="A failure with code ALREADY_BOUND")
class AlreadyBoundError(UserError):
    pass


@strawberry.type(description="A failure with code PATIENT_LIMIT_REACHED")
class PatientLimitReachedError(UserError):
    pass


@strawberry.type(description="A failure with code SCHEDULE_NOT_OPEN")
class ScheduleNotOpenError(UserError):
    pass


@strawberry.type(description="A failure with code SLOT_FULL")
class SlotFullError(UserError):
    pass


@strawberry.type(description="A failure with code INELIGIBLE_SEX")
class IneligibleSexError(UserError):
    pass


@strawberry.type(description="A failure with code INELIGIBLE_AGE")
class IneligibleAgeError(UserError):
    pass


@strawberry.type(description="A failure with code BOOKING_LIMIT_REACHED")
class BookingLimitReachedError(UserError):
    pass


@strawberry.type(description="A failure with code DUPLICATE_BOOKING")
class DuplicateBookingError(UserError):
    pass


@strawberry.type(description="A failure with code USER_RESTRICTED")
class UserRestrictedError(UserError):
    pass


@strawberry.type(description="A failure with code INVALID_STATE")
class InvalidStateError(UserError):
    pass


@strawberry.type(description="A failure with code ORDER_EXPIRED")
class OrderExpiredError(UserError):
    pass


@strawberry.type(
    description="A failure with code ORDER_CLOSED: cancelled, failed or refunded, not payable"
)
class OrderClosedError(UserError):
    pass


@strawberry.type(description="A failure with code PAY_AT_HOSPITAL")
class PayAtHospitalError(UserError):
    pass


@strawberry.type(description="A failure with code CANCEL_NOT_ALLOWED")
class CancelNotAllowedError(UserError):
    pass


@strawberry.type(description="A failure with code UPSTREAM_UNAVAILABLE")
class UpstreamUnavailableError(UserError):
    pass


@strawberry.type(description="A failure with code RATE_LIMITED")
class RateLimitedError(UserError):
    pass


@strawberry.type(
    description="A failure with code TRY_AGAIN: too many bookings at once; nothing was taken, "
    "send the same request again in a moment"
)
class TryAgainError(UserError):
    pass


@strawberry.type(description="A failure with code FORBIDDEN")
class ForbiddenError(UserError):
    pass


@strawberry.type(
    description="A failure with code PLACES_AVAILABLE: the schedule has free places; book one"
)
class PlacesAvailableError(UserError):
    pass


@strawberry.type(description="A failure with code ALREADY_WAITING")
class AlreadyWaitingError(UserError):
    pass


@strawberry.type(description="A failure with code CHECK_IN_NOT_OPEN")
class CheckInNotOpenError(UserError):
    pass


@strawberry.type(description="A failure with code CHECK_IN_CLOSED")
class CheckInClosedError(UserError):
    pass


@strawberry.type(description="A failure with code ALREADY_CHECKED_IN")
class AlreadyCheckedInError(UserError):
    pass


@strawberry.type(description="A failure with code TOO_FAR_FROM_HOSPITAL")
class TooFarFromHospitalError(UserError):
    pass


ERROR_TYPES: dict[ErrorCode, type[UserError]] = {
    ErrorCode.INVALID_INPUT: InvalidInputError,
    ErrorCode.INVALID_ID_NUMBER: InvalidIdNumberError,
    ErrorCode.IDENTITY_MISMATCH: IdentityMismatchError,
    ErrorCode.NOT_VERIFIED: NotVerifiedError,
    ErrorCode.NOT_FOUND: NotFoundError,
    ErrorCode.ALREADY_BOUND: AlreadyBoundError,
    ErrorCode.PATIENT_LIMIT_REACHED: PatientLimitReachedError,
    ErrorCode.SCHEDULE_NOT_OPEN: ScheduleNotOpenError,
    ErrorCode.SLOT_FULL: SlotFullError,
    ErrorCode.INELIGIBLE_SEX: IneligibleSexError,
    ErrorCode.INELIGIBLE_AGE: IneligibleAgeError,
    ErrorCode.BOOKING_LIMIT_REACHED: BookingLimitReachedError,
    ErrorCode.DUPLICATE_BOOKING: DuplicateBookingError,
    ErrorCode.USER_RESTRICTED: UserRestrictedError,
    ErrorCode.INVALID_STATE: InvalidStateError,
    ErrorCode.ORDER_EXPIRED: OrderExpiredError,
    ErrorCode.ORDER_CLOSED: OrderClosedError,
    ErrorCode.PAY_AT_HOSPITAL: PayAtHospitalError,
    ErrorCode.CANCEL_NOT_ALLOWED: CancelNotAllowedError,
    ErrorCode.UPSTREAM_UNAVAILABLE: UpstreamUnavailableError,
    ErrorCode.RATE_LIMITED: RateLimitedError,
    ErrorCode.TRY_AGAIN: TryAgainError,
    ErrorCode.FORBIDDEN: ForbiddenError,
    ErrorCode.PLACES_AVAILABLE: PlacesAvailableError,
    ErrorCode.ALREADY_WAITING: AlreadyWaitingError,
    ErrorCode.CHECK_IN_NOT_OPEN: CheckInNotOpenError,
    ErrorCode.CHECK_IN_CLOSED: CheckInClosedError,
    ErrorCode.ALREADY_CHECKED_IN: AlreadyCheckedInError,
    ErrorCode.TOO_FAR_FROM_HOSPITAL: TooFarFromHospitalError,
}
ALL_ERROR_TYPES: tuple[type[UserError], ...] = tuple(ERROR_TYPES.values())


def from_domain(error: DomainError, lang: str) -> UserError:
    """The error type of `error.code`, with its message in the caller's language."""
    code = ErrorCode(error.code)
    return ERROR_TYPES[code](code=code, message=error.localized(lang))
