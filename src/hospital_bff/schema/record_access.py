"""Who may read a patient's records, as the patient sees and governs it (`myRecordAccess`)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from hospital_bff.schema.enums import Relation, described
from hospital_bff.services import record_access as policy
from hospital_bff.store import models

# The domain's enums, shown to clients as they are: one fact, one place.
RecordScope = policy.RecordScope
AccessBasis = policy.AccessBasis
RecordReadKind = policy.RecordReadKind
described(
    policy.RecordScope,
    "What a grant opens: REPORTS, PRESCRIPTIONS",
    {
        "REPORTS": "The patient's lab and exam reports",
        "PRESCRIPTIONS": "The patient's prescriptions and medication guidance",
    },
)
described(
    policy.AccessBasis,
    "Why a read was allowed: SELF (the patient), GUARDIAN (of a minor), GRANT",
    {
        "SELF": "The reader is the patient",
        "GUARDIAN": "The reader bound the patient as their minor child",
        "GRANT": "The patient granted the reader access",
    },
)
described(
    policy.RecordReadKind,
    "What was read: one REPORT, the REPORT_LIST, or the PRESCRIPTION_LIST",
    {
        "REPORT": "One report, opened",
        "REPORT_LIST": "The list of the patient's reports",
        "PRESCRIPTION_LIST": "The list of the patient's prescriptions",
    },
)


@strawberry.type(description="The patient's leave for one user to read their records")
class RecordGrant:
    id: strawberry.ID = strawberry.field(description="Grant ID (for revokeRecordAccess)")
    binding_id: strawberry.ID = strawberry.field(description="The grantee's binding of the patient")
    scopes: list[RecordScope] = strawberry.field(description="What it opens")
    ends_on: date = strawberry.field(description="The last day it is good for")
    created_at: datetime = strawberry.field(description="When the patient gave it")
    revoked_at: datetime | None = strawberry.field(description="When the patient took it back")
    in_force: bool = strawberry.field(description="Whether it opens anything today")

    @classmethod
    def from_row(cls, g: models.RecordGrant, today: date) -> RecordGrant:
        return cls(
            id=strawberry.ID(g.id),
            binding_id=strawberry.ID(g.binding_id),
            scopes=[policy.RecordScope(s) for s in g.scopes],
            ends_on=g.ends_on,
            created_at=g.created_at,
            revoked_at=g.revoked_at,
            in_force=g.revoked_at is None and today <= g.ends_on,
        )


@strawberry.type(description="Another user who bound the patient (to book or pay for them)")
class RecordBinder:
    binding_id: strawberry.ID = strawberry.field(
        description="Their binding of the patient: grant access with this ID"
    )
    user_name: str = strawberry.field(description="Their name, masked")
    relation: Relation = strawberry.field(description="How they said they are related")
    bound_at: datetime = strawberry.field(description="When they bound the patient")
    grant: RecordGrant | None = strawberry.field(description="The grant in force to them, if any")


@strawberry.type(description="One read of the patient's records")
class RecordReadEntry:
    reader_name: str = strawberry.field(description="Who read, masked")
    by_patient: bool = strawberry.field(description="True when the patient read it themselves")
    kind: RecordReadKind = strawberry.field(description="What was read")
    record_ids: list[strawberry.ID] = strawberry.field(description="The records shown")
    basis: AccessBasis = strawberry.field(description="Why it was allowed")
    at: datetime = strawberry.field(description="When")


@strawberry.type(description="Who can read the caller's own records, and who has")
class RecordAccess:
    patient_id: strawberry.ID = strawberry.field(description="The caller as a patient")
    bound_by: list[RecordBinder] = strawberry.field(
        description="Other users who bound the caller; they read nothing without a grant"
    )
    grants: list[RecordGrant] = strawberry.field(description="Every grant, newest first")
    reads: list[RecordReadEntry] = strawberry.field(description="The latest reads, newest first")

    @classmethod
    def from_view(cls, view: policy.RecordAccessView, today: date) -> RecordAccess:
        return cls(
            patient_id=strawberry.ID(view.patient.his_patient_id),
            bound_by=[
                RecordBinder(
                    binding_id=strawberry.ID(b.binding.id),
                    user_name=b.user_name,
                    relation=Relation(b.binding.relation),
                    bound_at=b.binding.bound_at,
                    grant=RecordGrant.from_row(b.grant, today) if b.grant else None,
                )
                for b in view.bound_by
            ],
            grants=[RecordGrant.from_row(g, today) for g in view.grants],
            reads=[
                RecordReadEntry(
                    reader_name=r.reader_name,
                    by_patient=r.by_patient,
                    kind=policy.RecordReadKind(r.read.kind),
                    record_ids=[strawberry.ID(i) for i in r.read.record_ids],
                    basis=policy.AccessBasis(r.read.basis),
                    at=r.read.at,
                )
                for r in view.reads
            ],
        )


@strawberry.input(description="Let a user who bound you read your records until a date")
class GrantRecordAccessInput:
    binding_id: strawberry.ID = strawberry.field(
        description="Their binding of you, from myRecordAccess.boundBy"
    )
    scopes: list[RecordScope] = strawberry.field(description="REPORTS and/or PRESCRIPTIONS")
    ends_on: date = strawberry.field(description="The last day (at most a year ahead)")


@strawberry.type(description="Access granted")
class GrantRecordAccessSuccess:
    grant: RecordGrant = strawberry.field(description="The grant")


@strawberry.type(description="Access revoked")
class RevokeRecordAccessSuccess:
    grant: RecordGrant = strawberry.field(description="The grant, now revoked")
