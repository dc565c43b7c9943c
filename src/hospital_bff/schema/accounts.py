"""The signed-in person, their patients, and the account mutations' results."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from hospital_bff.resolvers.context import Info
from hospital_bff.schema.enums import Insurance, Relation, Sex
from hospital_bff.schema.waitlist import Waitlist
from hospital_bff.services.waitlist import waiting
from hospital_bff.store.models import PatientBinding


@strawberry.type(description="A person the user may book and pay for (themselves or family)")
class Patient:
    id: strawberry.ID = strawberry.field(description="The patient's ID (stable across re-binding)")
    name: str = strawberry.field(description="Full name, as the hospital has it")
    masked_id_number: str = strawberry.field(
        description="National ID number, masked: 1101**********1234"
    )
    sex: Sex = strawberry.field(description="From the hospital's records")
    birth_date: date = strawberry.field(description="From the hospital's records")
    relation: Relation = strawberry.field(description="How the patient is related to the user")
    insurance: Insurance = strawberry.field(description="Self-pay or medical insurance")
    card_number: str = strawberry.field(description="The hospital card number")

    @classmethod
    def from_binding(cls, b: PatientBinding) -> Patient:
        return cls(
            id=strawberry.ID(b.his_patient_id),
            name=b.name,
            masked_id_number=b.masked_id_number,
            sex=Sex(b.sex),
            birth_date=b.birth_date,
            relation=Relation(b.relation),
            insurance=Insurance(b.insurance),
            card_number=b.card_number,
        )


@strawberry.type(
    description="Who is signed in: a patient's account (WeChat or Alipay) or a staff member"
)
class Me:
    # One id for the life of the sign-in, whatever happens to it: a client cache keys on it,
    # so verifying (which ties the account to a hospital user) must not change it.
    id: strawberry.ID = strawberry.field(
        description="Stable ID of the signed-in account (acc_…), or of the staff member "
        "(stf_…); it never changes, verified or not"
    )
    user_id: strawberry.ID | None = strawberry.field(
        description="The hospital user this account is tied to once the identity is verified "
        "(the ID staff tools name in restrictUser); null before, and for staff"
    )
    verified: bool = strawberry.field(description="Has the identity been verified by national ID")
    masked_name: str | None = strawberry.field(description="The verified name, masked: 张*")
    restricted_until: datetime | None = strawberry.field(
        description="Booking is refused until this time (no-shows, or staff)"
    )
    patients: list[Patient] = strawberry.field(description="Bound patients, oldest binding first")

    @strawberry.field(
        description="The patients' live waitlists (waiting, or with a place held), oldest "
        "first, each with its position in line and its offer; empty for staff"
    )
    async def waitlists(self, info: Info) -> list[Waitlist]:
        if self.user_id is None:
            return []
        async with info.context.runtime.sessions() as session:
            entries = await waiting.live_entries_of(session, str(self.user_id))
            return [Waitlist.from_view(v) for v in await waiting.views(session, entries)]


@strawberry.input(description="Who the user says they are")
class VerifyIdentityInput:
    name: str = strawberry.field(description="Full name as on the ID card")
    id_number: str = strawberry.field(description="18-character resident ID number")
    phone: str = strawberry.field(description="Mobile phone number, 11 digits")


@strawberry.input(description="A person to bind, as the hospital knows them")
class BindPatientInput:
    name: str = strawberry.field(description="Full name as on the ID card")
    id_number: str = strawberry.field(description="18-character resident ID number")
    phone: str = strawberry.field(description="The phone number the hospital has for them")
    relation: Relation = strawberry.field(description="How they are related to the user")


@strawberry.type(description="Signed in: keep the token and send it as Authorization: Bearer")
class SignInSuccess:
    token: str = strawberry.field(description="Session token (JWT)")
    expires_at: datetime = strawberry.field(description="When the token stops working")
    me: Me = strawberry.field(description="Who signed in")


@strawberry.type(description="Identity verified")
class VerifyIdentitySuccess:
    me: Me = strawberry.field(description="The verified user, with their patients")


@strawberry.type(description="Patient bound")
class BindPatientSuccess:
    patient: Patient = strawberry.field(description="The bound patient")


@strawberry.type(description="Patient unbound; their order history is kept")
class UnbindPatientSuccess:
    patient_id: strawberry.ID = strawberry.field(description="The unbound patient")


@strawberry.type(description="The user is restricted")
class RestrictUserSuccess:
    user_id: strawberry.ID = strawberry.field(description="The restricted user")
    restricted_until: datetime = strawberry.field(description="Until when")
