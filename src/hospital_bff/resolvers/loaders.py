"""Per-request DataLoaders, so a query makes a bounded number of HIS calls whatever its size."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select
from strawberry.dataloader import DataLoader

from hospital_bff.datasources.his_models import Schedule
from hospital_bff.runtime import Runtime
from hospital_bff.services.booking import BookingService
from hospital_bff.services.catalogue import Catalogue, CatalogueReads
from hospital_bff.services.eligibility import Verdict
from hospital_bff.store.models import Refund

ScheduleRangeKey = tuple[str, date, date]
# (user, patient, schedule): whose eligibility, for whom, on what.
EligibilityKey = tuple[str, str, str]


@dataclass
class DataLoaders:
    """One set per request; each loader batches and memoises within that request only."""

    runtime: Runtime
    department_schedules: DataLoader[ScheduleRangeKey, list[Schedule]] = field(init=False)
    refund_by_order: DataLoader[str, Refund | None] = field(init=False)
    eligibility: DataLoader[EligibilityKey, Verdict] = field(init=False)
    # What this request's answer was read from: the response cache keeps it no longer.
    reads: CatalogueReads = field(default_factory=CatalogueReads, init=False)
    _catalogue: asyncio.Task[Catalogue] | None = field(default=None, init=False)
    _loads: _Loads = field(init=False)

    def __post_init__(self) -> None:
        # The batch functions are the holder's, not this object's: a loader keeping its
        # owner alive was a reference cycle per request, freed only by a garbage collection.
        loads = self._loads = _Loads(self.runtime, self.reads)
        self.department_schedules = DataLoader(load_fn=loads.department_schedules)
        self.refund_by_order = DataLoader(load_fn=loads.refunds)
        self.eligibility = DataLoader(load_fn=loads.eligibility)

    async def eligibility_of(self, user_id: str, patient_id: str, schedule: Schedule) -> Verdict:
        """The booking rules' verdict; every schedule of a query is judged in one batch."""
        self._loads.schedules[schedule.id] = schedule
        return await self.eligibility.load((user_id, patient_id, schedule.id))

    async def catalogue(self) -> Catalogue:
        # One snapshot per request: every Department and Expert field of a query reads it.
        if self._catalogue is None:
            self._catalogue = asyncio.ensure_future(self.runtime.catalogue.catalogue(self.reads))
        return await self._catalogue


class _Loads:
    """DataLoaders' batch functions and what they read."""

    __slots__ = ("reads", "runtime", "schedules")

    def __init__(self, runtime: Runtime, reads: CatalogueReads) -> None:
        self.runtime = runtime
        self.reads = reads
        self.schedules: dict[str, Schedule] = {}

    async def department_schedules(
        self, keys: list[ScheduleRangeKey]
    ) -> list[list[Schedule] | BaseException]:
        service = self.runtime.catalogue
        results = await asyncio.gather(
            *(
                service.schedules_of_department(dep, start, end, self.reads)
                for dep, start, end in keys
            ),
            return_exceptions=True,
        )
        return list(results)

    async def eligibility(self, keys: list[EligibilityKey]) -> list[Verdict | BaseException]:
        groups: dict[tuple[str, str], list[EligibilityKey]] = {}
        for key in keys:
            groups.setdefault(key[:2], []).append(key)
        service = BookingService(self.runtime)
        answers: dict[EligibilityKey, Verdict | BaseException] = {}
        async with self.runtime.sessions() as session:
            for (user_id, patient_id), group in groups.items():
                try:
                    verdicts = await service.eligibility_of_schedules(
                        session, user_id, patient_id, [self.schedules[k[2]] for k in group]
                    )
                except Exception as exc:
                    # Raised again at each of this patient's loads (someone else's patient is
                    # NOT_FOUND there); another patient's batch is not failed by it.
                    answers.update(dict.fromkeys(group, exc))
                else:
                    answers.update(zip(group, verdicts, strict=True))
        return [answers[k] for k in keys]

    async def refunds(self, order_ids: list[str]) -> list[Refund | None]:
        # The latest refund of each order, in one query for a whole page of orders.
        async with self.runtime.sessions() as session:
            rows = (
                await session.exec(
                    select(Refund)
                    .where(col(Refund.order_id).in_(order_ids))
                    .order_by(col(Refund.created_at))
                )
            ).all()
        latest = {r.order_id: r for r in rows}
        return [latest.get(i) for i in order_ids]
