"""Per-request DataLoaders, so a query makes a bounded number of HIS calls whatever its size."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select
from strawberry.dataloader import DataLoader

from hospital_bff.datasources.his_models import Schedule
from hospital_bff.runtime import Runtime
from hospital_bff.services.catalogue import Catalogue
from hospital_bff.store.models import Refund

ScheduleRangeKey = tuple[str, date, date]


@dataclass
class DataLoaders:
    """One set per request; each loader batches and memoises within that request only."""

    runtime: Runtime
    department_schedules: DataLoader[ScheduleRangeKey, list[Schedule]] = field(init=False)
    refund_by_order: DataLoader[str, Refund | None] = field(init=False)
    _catalogue: asyncio.Task[Catalogue] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.department_schedules = DataLoader(load_fn=self._load_department_schedules)
        self.refund_by_order = DataLoader(load_fn=self._load_refunds)

    async def catalogue(self) -> Catalogue:
        # One snapshot per request: every Department and Expert field of a query reads it.
        if self._catalogue is None:
            self._catalogue = asyncio.ensure_future(self.runtime.catalogue.catalogue())
        return await self._catalogue

    async def _load_department_schedules(
        self, keys: list[ScheduleRangeKey]
    ) -> list[list[Schedule] | BaseException]:
        service = self.runtime.catalogue
        results = await asyncio.gather(
            *(service.schedules_of_department(dep, start, end) for dep, start, end in keys),
            return_exceptions=True,
        )
        return list(results)

    async def _load_refunds(self, order_ids: list[str]) -> list[Refund | None]:
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
