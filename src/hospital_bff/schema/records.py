"""Bills, reports and prescriptions: read from the HIS, the caller's own patients only."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hospital_bff.datasources import his_models as his
from hospital_bff.schema.enums import ReportKind, ReportStatus, ResultFlag
from hospital_bff.schema.orders import OrderItem
from hospital_bff.schema.pagination import PageInfo


@strawberry.type(description="An unpaid outpatient bill (tests, drugs) a doctor ordered")
class Bill:
    id: strawberry.ID = strawberry.field(description="Bill ID")
    title: str = strawberry.field(description="What it is for")
    amount: int = strawberry.field(description="Total in fen")
    issued_at: datetime = strawberry.field(description="When the doctor ordered it")
    items: list[OrderItem] = strawberry.field(description="Its lines")

    @classmethod
    def from_dto(cls, b: his.Bill) -> Bill:
        return cls(
            id=strawberry.ID(b.id),
            title=b.title,
            amount=b.amount,
            issued_at=b.issued_at,
            items=[OrderItem(code=i.code, name=i.name, amount=i.amount) for i in b.items],
        )


@strawberry.type(description="One result of a lab or exam report")
class ReportItem:
    name: str = strawberry.field(description="What was measured")
    value: str = strawberry.field(description="The result")
    unit: str | None = strawberry.field(description="Unit")
    reference_range: str | None = strawberry.field(description="Normal range")
    flag: ResultFlag = strawberry.field(description="NORMAL, HIGH, LOW or ABNORMAL")


@strawberry.type(description="A lab (检验) or exam (检查) report")
class Report:
    id: strawberry.ID = strawberry.field(description="Report ID")
    kind: ReportKind = strawberry.field(description="LAB or EXAM")
    title: str = strawberry.field(description="Title")
    status: ReportStatus = strawberry.field(description="PENDING or FINAL")
    issued_at: datetime = strawberry.field(description="When it was issued")
    conclusion: str | None = strawberry.field(description="The doctor's conclusion")
    items: list[ReportItem] = strawberry.field(description="The results")

    @classmethod
    def from_dto(cls, r: his.ReportSummary) -> Report:
        full = r if isinstance(r, his.Report) else None
        return cls(
            id=strawberry.ID(r.id),
            kind=ReportKind(r.kind),
            title=r.title,
            status=ReportStatus(r.status),
            issued_at=r.issued_at,
            conclusion=full.conclusion if full else None,
            items=[
                ReportItem(
                    name=i.name,
                    value=i.value,
                    unit=i.unit,
                    reference_range=i.reference_range,
                    flag=ResultFlag(i.flag),
                )
                for i in (full.items if full else [])
            ],
        )


@strawberry.type(description="One report in a page, with its cursor")
class ReportEdge:
    cursor: str = strawberry.field(description="This item's cursor")
    node: Report = strawberry.field(description="The report")


@strawberry.type(description="A page of reports, newest first")
class ReportConnection:
    edges: list[ReportEdge] = strawberry.field(description="The reports of this page")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where")


@strawberry.type(description="One drug, and how to take it (用药指导)")
class PrescriptionItem:
    drug_name: str = strawberry.field(description="Drug")
    dose: str = strawberry.field(description="Dose")
    frequency: str = strawberry.field(description="How often")
    route: str = strawberry.field(description="How taken")
    days: int = strawberry.field(description="For how many days")
    guidance: str | None = strawberry.field(description="Medication guidance")


@strawberry.type(description="A prescription")
class Prescription:
    id: strawberry.ID = strawberry.field(description="Prescription ID")
    issued_at: datetime = strawberry.field(description="When it was written")
    doctor_name: str = strawberry.field(description="Prescribing doctor")
    diagnosis: str = strawberry.field(description="Diagnosis")
    items: list[PrescriptionItem] = strawberry.field(description="The drugs")

    @classmethod
    def from_dto(cls, p: his.Prescription) -> Prescription:
        return cls(
            id=strawberry.ID(p.id),
            issued_at=p.issued_at,
            doctor_name=p.doctor_name,
            diagnosis=p.diagnosis,
            items=[
                PrescriptionItem(
                    drug_name=i.drug_name,
                    dose=i.dose,
                    frequency=i.frequency,
                    route=i.route,
                    days=i.days,
                    guidance=i.guidance,
                )
                for i in p.items
            ],
        )
