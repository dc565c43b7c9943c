"""What /fhir serves, in one table: the router answers exactly these interactions and the
CapabilityStatement lists exactly these, so the two cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

FHIR_VERSION = "4.3.0"  # R4B, of the R4 family (fhir.resources' R4B models)
MEDIA_TYPE = "application/fhir+json"
SMART_PATH = "/.well-known/smart-configuration"


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str
    documentation: str


@dataclass(frozen=True)
class Operation:
    name: str
    documentation: str


@dataclass(frozen=True)
class Served:
    """One resource type: whether `read` is served, its search parameters (search-type is
    served when there are any, or when `search` is set), and its type-level operations."""

    type: str
    documentation: str
    read: bool = True
    search: bool = True
    params: tuple[SearchParam, ...] = ()
    operations: tuple[Operation, ...] = field(default_factory=tuple)

    @property
    def interactions(self) -> list[str]:
        return (["read"] if self.read else []) + (["search-type"] if self.search else [])


_PATIENT = SearchParam("patient", "reference", "Patient/<id>: one of the caller's patients")

SERVED: tuple[Served, ...] = (
    Served(
        "Patient",
        "The patients bound to the caller (themselves, family); any other id is not found",
        params=(SearchParam("_id", "token", "A patient id"),),
    ),
    Served(
        "Practitioner",
        "The hospital's experts",
        params=(
            SearchParam("organization", "reference", "Organization/<department id>: its experts"),
        ),
    ),
    Served("Organization", "The hospital's clinical departments (partOf: the parent)"),
    Served(
        "Schedule",
        "An expert's clinic in one period of one day",
        params=(
            SearchParam("actor", "reference", "Practitioner/<id> (required)"),
            SearchParam("date", "date", "The clinic's day: eq, ge, le (default the next 7 days)"),
        ),
    ),
    Served(
        "Slot",
        "A time slot of a schedule; free while it has places and the schedule is open",
        params=(
            SearchParam("schedule", "reference", "Schedule/<id> (required)"),
            SearchParam("start", "date", "The slot's start: eq, ge, gt, le, lt"),
            SearchParam("status", "token", "free or busy"),
        ),
    ),
    Served(
        "Appointment",
        "The caller's registrations, each an order of the app (extension order-status)",
        params=(_PATIENT, SearchParam("status", "token", "proposed ... noshow")),
        operations=(
            Operation(
                "find",
                "POST Parameters(patient, organization | practitioner, start[, end]): proposed "
                "Appointments for the free slots the patient may book",
            ),
            Operation(
                "hold",
                "POST Parameters(appointment-reference = a proposal of $find): the place is "
                "held and the order awaits payment (pending)",
            ),
            Operation(
                "book",
                "POST Parameters(appointment-reference = a held or proposed Appointment): the "
                "payment opens, its cashier in extension payment; or appointment-resource with "
                "status cancelled: cancelled, and refunded as the app's cancellation is",
            ),
        ),
    ),
    Served(
        "DiagnosticReport",
        "Lab and exam reports, read as the record-access rules allow (and audited)",
        params=(_PATIENT,),
    ),
    Served(
        "MedicationRequest",
        "One drug of a prescription (groupIdentifier: the prescription), as the rules allow",
        read=False,
        params=(_PATIENT,),
    ),
)
SERVED_BY_TYPE = {s.type: s for s in SERVED}


def capability_statement(base: str, now: datetime) -> CapabilityStatement:
    resources: list[dict[str, Any]] = [
        {
            "type": s.type,
            "documentation": s.documentation,
            "interaction": [{"code": i} for i in s.interactions],
            "searchParam": [
                {"name": p.name, "type": p.type, "documentation": p.documentation} for p in s.params
            ]
            or None,
            "operation": [
                {
                    "name": o.name,
                    "definition": f"{base}/OperationDefinition/Appointment-{o.name}",
                    "documentation": o.documentation,
                }
                for o in s.operations
            ]
            or None,
        }
        for s in SERVED
    ]
    return CapabilityStatement.model_validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": now,
            "kind": "instance",
            "software": {"name": "hospital-bff"},
            "implementation": {"description": "hospital-bff FHIR front door", "url": base},
            "fhirVersion": FHIR_VERSION,
            "format": ["json", MEDIA_TYPE],
            "rest": [
                {
                    "mode": "server",
                    "documentation": "JSON only; errors are OperationOutcome (docs/fhir.md)",
                    "security": {
                        "service": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.hl7.org/CodeSystem/"
                                        "restful-security-service",
                                        "code": "SMART-on-FHIR",
                                    }
                                ]
                            }
                        ],
                        "description": "Authorization: Bearer <the token signIn issues>",
                    },
                    "resource": resources,
                }
            ],
        }
    )


def smart_configuration(public_url: str) -> dict[str, Any]:
    """SMART App Launch discovery: the bearer tokens are the app's own, issued by the GraphQL
    signIn mutation (a WeChat or Alipay code in, a token out) at /graphql."""
    return {
        "token_endpoint": f"{public_url}/graphql",
        "grant_types_supported": [],
        "token_endpoint_auth_methods_supported": [],
        "capabilities": ["client-public", "context-standalone-patient", "permission-patient"],
        "scopes_supported": ["patient/*.read", "patient/Appointment.write"],
    }
