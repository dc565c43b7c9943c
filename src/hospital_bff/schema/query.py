"""The root Query."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from hospital_bff.resolvers import accounts as account_resolvers
from hospital_bff.resolvers import booking as booking_resolvers
from hospital_bff.resolvers import catalogue as catalogue_resolvers
from hospital_bff.resolvers import record_access as record_access_resolvers
from hospital_bff.resolvers import records as record_resolvers
from hospital_bff.resolvers import staff as staff_resolvers
from hospital_bff.resolvers import waitlist as waitlist_resolvers
from hospital_bff.resolvers.context import Info
from hospital_bff.schema.accounts import Me
from hospital_bff.schema.arguments import CallersPatient, PageAfter, PageSize
from hospital_bff.schema.catalogue import Department, Expert, Schedule
from hospital_bff.schema.enums import OrderStatus
from hospital_bff.schema.notices import NoticeConnection
from hospital_bff.schema.orders import Order, OrderConnection
from hospital_bff.schema.record_access import RecordAccess
from hospital_bff.schema.records import Bill, Prescription, Report, ReportConnection
from hospital_bff.schema.staff import Reconciliation, Statistics
from hospital_bff.schema.waitlist import Waitlist


@strawberry.type(description="What a client can read: the catalogue for anyone, the rest signed in")
class Query:
    # Nullable so that a signed-out query keeps its public data: `{ departments { id } me {
    # id } }` answers the departments, `me: null` and an UNAUTHENTICATED error at ["me"]
    # (a non-null `me` took `data` down with it).
    @strawberry.field(
        description="Who is signed in, with their patients; null with an UNAUTHENTICATED error "
        "at this path when no token, or a bad or expired one, is sent"
    )
    async def me(self, info: Info) -> Me | None:
        return await account_resolvers.me(info)

    @strawberry.field(description="Every department, top-level and sub-departments alike")
    async def departments(self, info: Info) -> list[Department]:
        return [Department.from_dto(d) for d in await catalogue_resolvers.departments(info)]

    @strawberry.field(description="One department, or null")
    async def department(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The department's ID")],
    ) -> Department | None:
        found = await catalogue_resolvers.department(info, str(id))
        return Department.from_dto(found) if found else None

    @strawberry.field(description="One expert, or null")
    async def expert(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The expert's ID")],
    ) -> Expert | None:
        found = await catalogue_resolvers.expert(info, str(id))
        return Expert.from_dto(found) if found else None

    @strawberry.field(description="A department's schedules between two dates (at most 31 days)")
    async def schedules(
        self,
        info: Info,
        department_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The department (sub-departments are their own)"),
        ],
        from_: Annotated[date, strawberry.argument(name="from", description="First day")],
        to: Annotated[date, strawberry.argument(description="Last day, inclusive")],
    ) -> list[Schedule]:
        items = await catalogue_resolvers.department_schedules(info, str(department_id), from_, to)
        return [Schedule.from_dto(s) for s in items]

    @strawberry.field(description="One of the caller's orders, or null")
    async def order(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The order's ID")],
    ) -> Order | None:
        return await booking_resolvers.order(info, str(id))

    @strawberry.field(description="The caller's orders, newest first")
    async def orders(
        self,
        info: Info,
        patient_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this patient's orders")
        ] = None,
        status: Annotated[
            list[OrderStatus] | None, strawberry.argument(description="Only orders in these states")
        ] = None,
        first: PageSize = None,
        after: PageAfter = None,
    ) -> OrderConnection:
        return await booking_resolvers.orders(
            info,
            str(patient_id) if patient_id is not None else None,
            [s.value for s in status] if status else None,
            first,
            after,
        )

    @strawberry.field(description="A self-pay patient's unpaid outpatient bills")
    async def unpaid_bills(
        self,
        info: Info,
        patient_id: CallersPatient,
    ) -> list[Bill]:
        return await booking_resolvers.unpaid_bills(info, str(patient_id))

    @strawberry.field(
        description="A patient's lab and exam reports, newest first: your own, a minor child's, "
        "or those the patient granted you; empty otherwise"
    )
    async def reports(
        self,
        info: Info,
        patient_id: CallersPatient,
        first: PageSize = None,
        after: PageAfter = None,
    ) -> ReportConnection:
        return await record_resolvers.reports(info, str(patient_id), first, after)

    @strawberry.field(description="One report you may read (see reports), or null")
    async def report(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The report's ID")],
    ) -> Report | None:
        return await record_resolvers.report(info, str(id))

    @strawberry.field(
        description="A patient's prescriptions with medication guidance, on the same terms as "
        "reports"
    )
    async def prescriptions(
        self,
        info: Info,
        patient_id: CallersPatient,
    ) -> list[Prescription]:
        return await record_resolvers.prescriptions(info, str(patient_id))

    @strawberry.field(
        description="Who bound the caller, whom the caller lets read their records, and who "
        "read what; null until the caller is verified"
    )
    async def my_record_access(self, info: Info) -> RecordAccess | None:
        return await record_access_resolvers.my_record_access(info)

    @strawberry.field(description="The caller's notices, newest first")
    async def notices(
        self,
        info: Info,
        first: PageSize = None,
        after: PageAfter = None,
    ) -> NoticeConnection:
        return await record_resolvers.notice_page(info, first, after)

    @strawberry.field(description="Staff: one day's reconciliation, or null if not run")
    async def reconciliation(
        self,
        info: Info,
        date: Annotated[date, strawberry.argument(description="The day (hospital zone)")],
    ) -> Reconciliation | None:
        return await staff_resolvers.reconciliation(info, date)

    @strawberry.field(
        description="Staff: the patient channel's figures per day (at most 92 days), "
        "for one department or the whole hospital"
    )
    async def statistics(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from", description="First day")],
        to: Annotated[date, strawberry.argument(description="Last day, inclusive")],
        department_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="One department; none: the whole hospital"),
        ] = None,
    ) -> Statistics:
        return await staff_resolvers.statistics(info, from_, to, department_id)

    @strawberry.field(
        description="Staff: who waits for one schedule, in the order they are served, with "
        "the place held for each, if any"
    )
    async def schedule_waitlist(
        self,
        info: Info,
        schedule_id: Annotated[strawberry.ID, strawberry.argument(description="The schedule's ID")],
    ) -> list[Waitlist]:
        return await waitlist_resolvers.schedule_waitlist(info, str(schedule_id))
