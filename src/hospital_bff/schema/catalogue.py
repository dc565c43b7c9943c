"""Departments, experts, schedules and slots as the patient browses them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from hospital_bff.datasources import his_models as his
from hospital_bff.resolvers import catalogue as resolve
from hospital_bff.resolvers.context import Info
from hospital_bff.schema.enums import Period, ScheduleStatus, Sex

if TYPE_CHECKING:
    from hospital_bff.schema.booking import Eligibility


@strawberry.type(description="Who a department may see: by sex and by age on the visit day")
class Restriction:
    sex: Sex | None = strawberry.field(description="Only this sex may book; null for anyone")
    min_age: int | None = strawberry.field(description="Youngest age (full years) on the visit day")
    max_age: int | None = strawberry.field(description="Oldest age (full years) on the visit day")


@strawberry.type(description="A clinical department of the hospital")
class Department:
    id: strawberry.ID = strawberry.field(description="Opaque department ID")
    name: str = strawberry.field(description="Name, in Chinese")
    intro: str = strawberry.field(description="What the department treats")
    location: str = strawberry.field(description="Where it is, e.g. 门诊楼3层B区")
    parent_id: strawberry.Private[str | None]

    @strawberry.field(description="Who may book; null when anyone may")
    def restriction(self) -> Restriction | None:
        return self._restriction

    _restriction: strawberry.Private[Restriction | None]

    @strawberry.field(description="Sub-departments, if any")
    async def children(self, info: Info) -> list[Department]:
        catalogue = await info.context.loaders.catalogue()
        return [Department.from_dto(d) for d in catalogue.children_of(str(self.id))]

    @strawberry.field(description="The department's experts")
    async def experts(self, info: Info) -> list[Expert]:
        catalogue = await info.context.loaders.catalogue()
        return [Expert.from_dto(e) for e in catalogue.experts_of(str(self.id))]

    @classmethod
    def from_dto(cls, d: his.Department) -> Department:
        r = d.restriction
        restriction = (
            Restriction(sex=Sex(r.sex) if r.sex else None, min_age=r.min_age, max_age=r.max_age)
            if r is not None and (r.sex or r.min_age is not None or r.max_age is not None)
            else None
        )
        return cls(
            id=strawberry.ID(d.id),
            name=d.name,
            intro=d.intro,
            location=d.location,
            parent_id=d.parent_id,
            _restriction=restriction,
        )


@strawberry.type(description="A doctor who sees patients on a schedule")
class Expert:
    id: strawberry.ID = strawberry.field(description="Opaque expert ID")
    name: str = strawberry.field(description="Full name")
    title: str = strawberry.field(description="Professional title, e.g. 主任医师")
    specialty: str = strawberry.field(description="What the expert is known for")
    intro: str = strawberry.field(description="A longer introduction")
    photo_url: str | None = strawberry.field(description="Portrait URL")
    department_id: strawberry.Private[str]

    @strawberry.field(description="The expert's department")
    async def department(self, info: Info) -> Department | None:
        catalogue = await info.context.loaders.catalogue()
        found = catalogue.departments_by_id.get(self.department_id)
        return Department.from_dto(found) if found else None

    @strawberry.field(description="The expert's schedules between two dates (at most 31 days)")
    async def schedules(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from", description="First day")],
        to: Annotated[date, strawberry.argument(description="Last day, inclusive")],
    ) -> list[Schedule]:
        items = await resolve.expert_schedules(info, self.department_id, str(self.id), from_, to)
        return [Schedule.from_dto(s) for s in items]

    @classmethod
    def from_dto(cls, e: his.Expert) -> Expert:
        return cls(
            id=strawberry.ID(e.id),
            name=e.name,
            title=e.title,
            specialty=e.specialty,
            intro=e.intro,
            photo_url=e.photo_url,
            department_id=e.department_id,
        )


@strawberry.type(description="A bookable time within a schedule")
class Slot:
    id: strawberry.ID = strawberry.field(description="Opaque slot ID; book with it")
    starts_at: datetime = strawberry.field(description="Start of the time slot")
    ends_at: datetime = strawberry.field(description="End of the time slot")
    capacity: int = strawberry.field(description="Places in this slot")
    remaining: int = strawberry.field(description="Places still free (a few seconds fresh)")


@strawberry.type(description="An expert's half-day of work, split into slots")
class Schedule:
    id: strawberry.ID = strawberry.field(description="Opaque schedule ID")
    date: date = strawberry.field(description="The visit day")
    period: Period = strawberry.field(description="Morning, afternoon or evening")
    status: ScheduleStatus = strawberry.field(description="OPEN, FULL, SUSPENDED or CLOSED")
    fee: int = strawberry.field(description="What the patient pays to book, in fen")
    capacity: int = strawberry.field(description="Places in all")
    remaining: int = strawberry.field(description="Places still free (a few seconds fresh)")
    slots: list[Slot] = strawberry.field(description="The time slots")
    expert_id: strawberry.Private[str]
    department_id: strawberry.Private[str]
    dto: strawberry.Private[his.Schedule]

    @strawberry.field(description="Who works this schedule")
    async def expert(self, info: Info) -> Expert | None:
        catalogue = await info.context.loaders.catalogue()
        found = catalogue.experts_by_id.get(self.expert_id)
        return Expert.from_dto(found) if found else None

    @strawberry.field(description="The department of this schedule")
    async def department(self, info: Info) -> Department | None:
        catalogue = await info.context.loaders.catalogue()
        found = catalogue.departments_by_id.get(self.department_id)
        return Department.from_dto(found) if found else None

    @strawberry.field(
        description="Can this patient book here, and if not, why. Without a patient: "
        "the answer for anyone (open and not full)."
    )
    async def eligibility(
        self,
        info: Info,
        patient_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="One of the caller's patients; none: for anyone"),
        ] = None,
    ) -> Annotated[Eligibility, strawberry.lazy("hospital_bff.schema.booking")]:
        from hospital_bff.resolvers import booking

        return await booking.schedule_eligibility(info, self.dto, patient_id)

    @classmethod
    def from_dto(cls, s: his.Schedule) -> Schedule:
        return cls(
            id=strawberry.ID(s.id),
            date=s.date,
            period=Period(s.period),
            status=ScheduleStatus(s.status),
            fee=s.registration_fee + s.diagnosis_fee,
            capacity=s.capacity,
            remaining=s.remaining,
            slots=[
                Slot(
                    id=strawberry.ID(x.id),
                    starts_at=x.starts_at,
                    ends_at=x.ends_at,
                    capacity=x.capacity,
                    remaining=x.remaining,
                )
                for x in s.slots
            ],
            expert_id=s.expert_id,
            department_id=s.department_id,
            dto=s,
        )
