"""Every error of /fhir as an OperationOutcome, with the contract's stable code in
`issue.details.coding` and a status code a FHIR client expects."""

from __future__ import annotations

from fhir.resources.R4B.operationoutcome import OperationOutcome

from hospital_bff.language import Message
from hospital_bff.services.errors import DomainError

# The coding system of our error codes (the contract's ErrorCode values, and the transport's).
ERROR_CODE_SYSTEM = "urn:hospital-bff:error-code"

# A domain error's code: the HTTP status and the FHIR issue type it answers with. A code not
# listed is a business rule the request broke: 422, as FHIR answers a refused operation.
_BY_CODE: dict[str, tuple[int, str]] = {
    "NOT_FOUND": (404, "not-found"),
    "INVALID_INPUT": (400, "invalid"),
    "NOT_VERIFIED": (403, "forbidden"),
    "FORBIDDEN": (403, "forbidden"),
    "UNAUTHENTICATED": (401, "login"),
    "RATE_LIMITED": (429, "throttled"),
    "TRY_AGAIN": (503, "transient"),
    "UPSTREAM_UNAVAILABLE": (503, "transient"),
    "SLOT_FULL": (409, "conflict"),
    "DUPLICATE_BOOKING": (409, "conflict"),
}


class FhirError(Exception):
    """A request /fhir refuses: its status, FHIR issue type, stable code and message."""

    def __init__(
        self, status: int, issue_type: str, code: str, message: Message, **headers: str
    ) -> None:
        super().__init__(message.en)
        self.status = status
        self.issue_type = issue_type
        self.code = code
        self.message = message
        self.headers = headers

    def outcome(self, lang: str) -> OperationOutcome:
        return outcome(self.issue_type, self.code, self.message.in_language(lang))


def from_domain(error: DomainError, lang: str) -> tuple[int, OperationOutcome]:
    """A service's refusal: its status and OperationOutcome."""
    status, issue_type = _BY_CODE.get(error.code, (422, "business-rule"))
    return status, outcome(issue_type, error.code, error.localized(lang))


def outcome(issue_type: str, code: str, text: str, severity: str = "error") -> OperationOutcome:
    return OperationOutcome.model_validate(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": severity,
                    "code": issue_type,
                    "details": {
                        "coding": [{"system": ERROR_CODE_SYSTEM, "code": code}],
                        "text": text,
                    },
                    "diagnostics": text,
                }
            ],
        }
    )


def not_found(what: str = "resource") -> FhirError:
    return FhirError(404, "not-found", "NOT_FOUND", Message("未找到", f"No such {what}"))


def bad_request(zh: str, en: str) -> FhirError:
    return FhirError(400, "invalid", "INVALID_INPUT", Message(zh, en))


def unauthenticated() -> FhirError:
    return FhirError(
        401,
        "login",
        "UNAUTHENTICATED",
        Message("需要登录", "Sign-in required: send Authorization: Bearer <token>"),
        **{"WWW-Authenticate": 'Bearer realm="fhir"'},
    )
