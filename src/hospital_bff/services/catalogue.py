"""Departments, experts and schedules from the HIS, cached with short lives for capacity."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import structlog
from redis.exceptions import RedisError

from hospital_bff.cache import Cache
from hospital_bff.config import Settings
from hospital_bff.datasources.his import HisClient
from hospital_bff.datasources.his_models import Department, Expert, Schedule
from hospital_bff.events import catalogue_topic
from hospital_bff.outages import REDIS_DOWN
from hospital_bff.services.errors import InvalidInput

if TYPE_CHECKING:
    from hospital_bff.events import EventBus

log = structlog.get_logger(__name__)

MAX_RANGE_DAYS = 31
CATALOGUE_KEY = "catalogue"

# Told at once, in this process, that a department's schedules changed: (department, version).
ScheduleChangeListener = Callable[[str, int], None]


@dataclass
class CatalogueReads:
    """What one answer was read from: the cache entries and the text each held (the answer is
    true no longer than they live, and again as long as they hold the same text), the schedule
    version of each department it showed (a booking there makes it stale), and what to read
    again to tell (`CatalogueService.reread`)."""

    texts: dict[str, str] = field(default_factory=dict)
    department_versions: dict[str, int] = field(default_factory=dict)
    catalogue: bool = False
    schedule_ranges: set[tuple[str, date, date]] = field(default_factory=set)

    @property
    def cache_keys(self) -> list[str]:
        return sorted(self.texts)


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


# KEYS[1] a department's schedule version; ARGV: the catalogue events' channel, the department
# id as JSON. The event is the JSON `EventBus.publish` sends for the same payload.
_NEXT_AND_TELL = """
local version = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], '{"departmentId": ' .. ARGV[2] .. ', "version": ' .. version .. '}')
return version
"""


class CatalogueService:
    """Reads the catalogue through the cache; schedules live only seconds so capacity is fresh."""

    def __init__(
        self, his: HisClient, cache: Cache, settings: Settings, events: EventBus | None = None
    ) -> None:
        self.his = his
        self.cache = cache
        self.settings = settings
        self.events = events
        self.listeners: list[ScheduleChangeListener] = []

    async def catalogue(
        self, reads: CatalogueReads | None = None, refresh_within: float = 0.0
    ) -> Catalogue:
        async def load() -> Catalogue:
            departments = await self.his.departments()
            experts = await self.his.experts()
            return Catalogue(departments=departments, experts=experts)

        if reads is not None:
            reads.catalogue = True
        return await self.cache.get_or_load(
            CATALOGUE_KEY,
            self.settings.cache_catalogue_ttl,
            load,
            dump=_dump_catalogue,
            parse=_parse_catalogue,
            texts=reads.texts if reads is not None else None,
            refresh_within=refresh_within,
        )

    async def schedules_of_department(
        self,
        department_id: str,
        date_from: date,
        date_to: date,
        reads: CatalogueReads | None = None,
        refresh_within: float = 0.0,
    ) -> list[Schedule]:
        check_date_range(date_from, date_to)
        version = await self._schedule_version(department_id)
        key = f"schedules:{department_id}:v{version}:{date_from}:{date_to}"
        if reads is not None:
            reads.schedule_ranges.add((department_id, date_from, date_to))
            reads.department_versions[department_id] = version

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
            texts=reads.texts if reads is not None else None,
            refresh_within=refresh_within,
        )

    async def reread(self, reads: CatalogueReads, refresh_within: float = 0.0) -> CatalogueReads:
        """Read again what an answer was read from (the HIS for entries that lapsed, and for
        those with no more than `refresh_within` seconds left)."""
        again = CatalogueReads()
        if reads.catalogue:
            await self.catalogue(again, refresh_within)
        for department_id, date_from, date_to in sorted(reads.schedule_ranges):
            await self.schedules_of_department(
                department_id, date_from, date_to, again, refresh_within
            )
        return again

    async def schedule(self, schedule_id: str) -> Schedule | None:
        found = await self.his.schedules(ids=[schedule_id])
        return found[0] if found else None

    async def invalidate_schedules(self, department_id: str) -> None:
        """A booking or a suspension changed capacity: the next read goes to the HIS, and every
        process forgets the answers that showed this department's schedules."""
        try:
            version = await self._next_version(department_id)
        except REDIS_DOWN as exc:
            # The booking is committed; with Redis away nothing is read from it, and the answers
            # kept in processes lapse by their short lifetime (3 s at most).
            log.warning("schedules_invalidation_skipped", department=department_id, error=repr(exc))
            return
        for listener in self.listeners:
            listener(department_id, version)
        if self.events is not None and not self._told_by_script:
            await self.events.publish(
                catalogue_topic(), {"departmentId": department_id, "version": version}
            )

    async def _next_version(self, department_id: str) -> int:
        """The department's next schedule version; on Redis it is also told to every process
        in the same round trip (a script: the version is in the event)."""
        key = self.version_key(department_id)
        if not self._told_by_script:
            return int(await self.cache.redis.incr(key))
        assert self.events is not None
        channel = self.events.hub.prefix + catalogue_topic()
        try:
            told = await self._next_and_tell(keys=[key], args=[channel, json.dumps(department_id)])
        except REDIS_DOWN:
            raise
        except RedisError as exc:
            # A Redis that runs no scripts for us (an ACL without @scripting, say): INCR and
            # PUBLISH from now on, as before the script.
            log.warning("schedules_script_refused", error=repr(exc))
            self._told_by_script = False
            return int(await self.cache.redis.incr(key))
        return int(told)

    @functools.cached_property
    def _told_by_script(self) -> bool:
        """Redis itself runs scripts; the embedded default's stand-in does not."""
        return self.settings.redis_url is not None and self.events is not None

    @functools.cached_property
    def _next_and_tell(self) -> Any:
        return self.cache.redis.register_script(_NEXT_AND_TELL)

    async def schedule_versions(self, department_ids: list[str]) -> list[int]:
        """The current schedule version of each department (0 before any change)."""
        if not department_ids:
            return []
        raws = await self.cache.redis.mget([self.version_key(d) for d in department_ids])
        return [int(raw or 0) for raw in raws]

    async def _schedule_version(self, department_id: str) -> int:
        try:
            raw = await self.cache.redis.get(self.version_key(department_id))
        except REDIS_DOWN:
            # No version to trust: the cache, away too, is skipped, so the HIS answers; -1 is a
            # version no change ever publishes.
            return -1
        return int(raw or 0)

    @staticmethod
    def version_key(department_id: str) -> str:
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
