"""Expected failures as data: the UserError interface and one type per ErrorCode.

Each type is named after its code (SLOT_FULL -> SlotFullError) so a client can switch on
`__typename` or on `code`, whichever it prefers.
"""

from __future__ import annotations

from typing import Any

import strawberry

from hospital_bff.schema.enums import ErrorCode
from hospital_bff.services.errors import DomainError


@strawberry.interface(description="An expected failure: `code` for programs, `message` for people")
class UserError:
    code: ErrorCode = strawberry.field(description="Stable code; switch on this")
    message: str = strawberry.field(
        description="Explanation for the patient (Chinese, or English with Accept-Language: en)"
    )


def _type_name(code: ErrorCode) -> str:
    return "".join(part.capitalize() for part in code.value.split("_")) + "Error"


def _make(code: ErrorCode) -> type[Any]:
    cls = type(_type_name(code), (UserError,), {"__doc__": f"The failure {code.value}."})
    return strawberry.type(cls, description=f"A failure with code {code.value}")


ERROR_TYPES: dict[ErrorCode, type[Any]] = {code: _make(code) for code in ErrorCode}
ALL_ERROR_TYPES: tuple[type[Any], ...] = tuple(ERROR_TYPES.values())


def user_error(code: str, message: str) -> Any:
    """An instance of the error type of `code`."""
    error_code = ErrorCode(code)
    return ERROR_TYPES[error_code](code=error_code, message=message)


def from_domain(error: DomainError, lang: str) -> Any:
    return user_error(error.code, error.localized(lang))
