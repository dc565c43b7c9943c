"""Departments, experts and schedules from the HIS, cached with short lives for capacity."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import structlog

from hospital_bff.cache import Cache
from hospital_bff.config import Settings
from hospital_bff.datasources.his import HisClient
from hospital_bff.datasources.his_models import Department, Expert, Schedule
from hospital_bff.outages import REDIS_DOWN
from hospital_bff.services.errors import InvalidInput

log = structlog.get_logger(__name__)

MAX_RANGE_DAYS = 31


@dataclass(frozen=True)
class Catalogue:
    """Every department and expert: small, slow-changing, cached whole."""

    departments: list[Department]
    experts: list[Expert]
    departments_by_id: dict[str, Department] = field(init=False)
    experts_by_id: dict[str, Expert] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "departments_by_id", {d.id: d for d in self.departments})
        object.__setattr__(self, "experts_by_id", {e.id: e for e in self.experts})

    def experts_of(self, department_id: str) -> list[Expert]:
        return [e for e in self.experts if e.department_id == department_id]

    def children_of(self, department_id: str) -> list[Department]:
        return [d for d in self.departments if d.parent_id == department_id]


def check_date_range(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise InvalidInput("结束日期早于开始日期", message_en="`to` is before `from`")
    if date_to - date_from > timedelta(days=MAX_RANGE_DAYS):
        raise InvalidInput(
            f"日期范围不能超过{MAX_RANGE_DAYS}天",
            message_en=f"The date range may not exceed {MAX_RANGE_DAYS} days",
        )


class CatalogueService:
    """Reads the catalogue through the cache; schedules live only seconds so capacity is fresh."""

    def __init__(self, his: HisClient, cache: Cache, settings: Settings) -> None:
        self.his = his
        self.cache = cache
        self.settings = settings

    async def catalogue(self) -> Catalogue:
        async def load() -> Catalogue:
            departments = await self.his.departments()
            experts = await self.his.experts()
            return Catalogue(departments=departments, experts=experts)

        return await self.cache.get_or_load(
            "catalogue",
            self.settings.cache_catalogue_ttl,
            load,
            dump=_dump_catalogue,
            parse=_parse_catalogue,
        )

    async def schedules_of_department(
        self, department_id: str, date_from: date, date_to: date
    ) -> list[Schedule]:
        check_date_range(date_from, date_to)
        version = await self._schedule_version(department_id)
        key = f"schedules:{department_id}:v{version}:{date_from}:{date_to}"

        async def load() -> list[Schedule]:
            return await self.his.schedules(
                department_id=department_id, date_from=date_from, date_to=date_to
            )

        return await self.cache.get_or_load(
            key,
            self.settings.cache_remaining_ttl,
            load,
            dump=lambda items: [s.model_dump(mode="json", by_alias=True) for s in items],
            parse=lambda raw: [Schedule.model_validate(s) for s in raw],
        )

    async def schedule(self, schedule_id: str) -> Schedule | None:
        found = await self.his.schedules(ids=[schedule_id])
        return found[0] if found else None

    async def invalidate_schedules(self, department_id: str) -> None:
        """A booking or a suspension changed capacity: the next read goes to the HIS."""
        try:
            await self.cache.redis.incr(self._version_key(department_id))
        except REDIS_DOWN as exc:
            # The booking is committed; the cached counts lapse by their short TTL.
            log.warning("schedules_invalidation_skipped", department=department_id, error=repr(exc))

    async def _schedule_version(self, department_id: str) -> str:
        try:
            raw = await self.cache.redis.get(self._version_key(department_id))
        except REDIS_DOWN:
            # No version to trust: a key no entry has, so the HIS answers (the cache, away
            # too, is skipped anyway).
            return f"x{uuid.uuid4().hex}"
        return str(int(raw or 0))

    def _version_key(self, department_id: str) -> str:
        return f"bff:schedver:{department_id}"


def _dump_catalogue(c: Catalogue) -> dict[str, Any]:
    return {
        "departments": [d.model_dump(mode="json", by_alias=True) for d in c.departments],
        "experts": [e.model_dump(mode="json", by_alias=True) for e in c.experts],
    }


def _parse_catalogue(raw: dict[str, Any]) -> Catalogue:
    return Catalogue(
        departments=[Department.model_validate(d) for d in raw["departments"]],
        experts=[Expert.model_validate(e) for e in raw["experts"]],
    )
