"""Reports and prescriptions, read through the HIS by those the policy lets read them
(`record_access.py`; paper §3.2: 仅允许本人查询). Every read is written to the read trail."""

from __future__ import annotations

import asyncio

from hospital_bff.datasources.his_models import Prescription, Report, ReportSummary
from hospital_bff.runtime import Runtime
from hospital_bff.services import notices, record_access, uow
from hospital_bff.services.errors import NotFound
from hospital_bff.services.notices import NoticeKind
from hospital_bff.services.record_access import AccessBasis, RecordReadKind, RecordScope


async def announce_report(
    runtime: Runtime, patient_id: str, report_id: str, title: object | None
) -> None:
    """The HIS says a report is ready: tell, once each, those who may read it. Binding someone
    is not leave to learn that they had, say, an ultrasound."""
    now = runtime.clock.now()
    async with uow.unit_of_work(runtime) as session:
        readers = await record_access.readers_of(
            session, patient_id, RecordScope.REPORTS, runtime.clock.today()
        )
        for b in readers:
            await notices.notify(
                session,
                now=now,
                user_id=b.user_id,
                kind=NoticeKind.REPORT_READY,
                title="报告已出",
                body=f"{b.name}的{title or '检查检验'}报告已出，可在“报告查询”中查看。",
                dedupe_key=f"REPORT_READY:{report_id}:{b.user_id}",
                patient_id=patient_id,
            )


class RecordService:
    """Every read checks the policy first; a refused read is a missing record, not an error."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def _basis(self, user_id: str | None, patient_id: str, scope: RecordScope) -> AccessBasis:
        async with uow.unit_of_work(self.rt) as session:
            allowed = await record_access.readable(
                session, user_id, scope, self.rt.clock.today(), patient_id
            )
        if patient_id not in allowed:
            raise NotFound("就诊人", "patient")
        return allowed[patient_id]

    async def _trail(
        self,
        user_id: str | None,
        patient_id: str,
        kind: RecordReadKind,
        ids: list[str],
        basis: AccessBasis,
    ) -> None:
        assert user_id is not None  # only a verified user is ever allowed a read
        async with uow.unit_of_work(self.rt) as session:
            record_access.record_read(
                session,
                now=self.rt.clock.now(),
                reader_user_id=user_id,
                patient_id=patient_id,
                kind=kind,
                record_ids=ids,
                basis=basis,
            )

    async def reports(self, user_id: str | None, patient_id: str) -> list[ReportSummary]:
        basis = await self._basis(user_id, patient_id, RecordScope.REPORTS)
        items = await self.rt.his.reports(patient_id)
        items = sorted(items, key=lambda r: (r.issued_at, r.id), reverse=True)
        await self._trail(
            user_id, patient_id, RecordReadKind.REPORT_LIST, [r.id for r in items], basis
        )
        return items

    async def report(self, user_id: str | None, report_id: str) -> Report:
        """One report, found among the lists of the patients the caller may read before the
        HIS is asked for it: a report they may not read and a missing one take the same path,
        so neither the answer nor its time tells them apart."""
        found = await self._owner_of_report(user_id, report_id)
        report = await self.rt.his.report(report_id) if found is not None else None
        if found is None or report is None or report.patient_id != found[0]:
            raise NotFound("报告", "report")
        await self._trail(user_id, found[0], RecordReadKind.REPORT, [report.id], found[1])
        return report

    async def _owner_of_report(
        self, user_id: str | None, report_id: str
    ) -> tuple[str, AccessBasis] | None:
        """The readable patient whose list holds `report_id`, and why it is readable; or None."""
        async with uow.unit_of_work(self.rt) as session:
            allowed = await record_access.readable(
                session, user_id, RecordScope.REPORTS, self.rt.clock.today()
            )
        patients = list(allowed)
        # Only readable patients' lists: the ID asked for never reaches the HIS here.
        lists = await asyncio.gather(*(self.rt.his.reports(p) for p in patients))
        for patient_id, items in zip(patients, lists, strict=True):
            if any(r.id == report_id for r in items):
                return patient_id, allowed[patient_id]
        return None

    async def prescriptions(self, user_id: str | None, patient_id: str) -> list[Prescription]:
        basis = await self._basis(user_id, patient_id, RecordScope.PRESCRIPTIONS)
        items = await self.rt.his.prescriptions(patient_id)
        items = sorted(items, key=lambda p: (p.issued_at, p.id), reverse=True)
        await self._trail(
            user_id, patient_id, RecordReadKind.PRESCRIPTION_LIST, [p.id for p in items], basis
        )
        return items
