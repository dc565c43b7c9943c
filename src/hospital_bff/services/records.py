"""Reports and prescriptions: a patient's own, read through the HIS (paper §3.2: 仅允许本人查询)."""

from __future__ import annotations

import asyncio

from hospital_bff.datasources.his_models import Prescription, Report, ReportSummary
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.accounts import AccountService
from hospital_bff.services.errors import NotFound


class RecordService:
    """Every read checks that the patient is bound to the caller."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.accounts = AccountService(runtime)

    async def _own(self, user_id: str | None, patient_id: str) -> None:
        async with uow.unit_of_work(self.rt) as session:
            await self.accounts.binding(session, user_id, patient_id)

    async def reports(self, user_id: str | None, patient_id: str) -> list[ReportSummary]:
        await self._own(user_id, patient_id)
        items = await self.rt.his.reports(patient_id)
        return sorted(items, key=lambda r: (r.issued_at, r.id), reverse=True)

    async def report(self, user_id: str | None, report_id: str) -> Report:
        """One report, found among the caller's own patients' lists before the HIS is asked
        for it: someone else's report and a missing one take the same path, so neither the
        answer nor its time tells them apart."""
        owner = await self._owner_of_report(user_id, report_id)
        report = await self.rt.his.report(report_id) if owner is not None else None
        if report is None or report.patient_id != owner:
            raise NotFound("报告", "report")
        return report

    async def _owner_of_report(self, user_id: str | None, report_id: str) -> str | None:
        """The caller's bound patient whose list holds `report_id`, or None."""
        if user_id is None:
            return None
        async with uow.unit_of_work(self.rt) as session:
            patients = [b.his_patient_id for b in await self.accounts.patients(session, user_id)]
        # Only the caller's own patients' lists: the ID asked for never reaches the HIS here.
        lists = await asyncio.gather(*(self.rt.his.reports(p) for p in patients))
        for patient_id, items in zip(patients, lists, strict=True):
            if any(r.id == report_id for r in items):
                return patient_id
        return None

    async def prescriptions(self, user_id: str | None, patient_id: str) -> list[Prescription]:
        await self._own(user_id, patient_id)
        items = await self.rt.his.prescriptions(patient_id)
        return sorted(items, key=lambda p: (p.issued_at, p.id), reverse=True)
