"""Reports and prescriptions: a patient's own, read through the HIS (paper §3.2: 仅允许本人查询)."""

from __future__ import annotations

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
        report = await self.rt.his.report(report_id)
        if report is None:
            raise NotFound("报告", "report")
        try:
            await self._own(user_id, report.patient_id)
        except NotFound:
            raise NotFound("报告", "report") from None
        return report

    async def prescriptions(self, user_id: str | None, patient_id: str) -> list[Prescription]:
        await self._own(user_id, patient_id)
        items = await self.rt.his.prescriptions(patient_id)
        return sorted(items, key=lambda p: (p.issued_at, p.id), reverse=True)
