"""Resolvers of the catalogue: public, no sign-in needed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from hospital_bff.datasources.his_models import Department, Expert, Schedule
from hospital_bff.resolvers.errors import upstream_guard

if TYPE_CHECKING:
    from hospital_bff.resolvers.context import Info


async def departments(info: Info) -> list[Department]:
    async with upstream_guard():
        catalogue = await info.context.loaders.catalogue()
    return catalogue.departments


async def department(info: Info, department_id: str) -> Department | None:
    async with upstream_guard():
        catalogue = await info.context.loaders.catalogue()
    return catalogue.departments_by_id.get(department_id)


async def expert(info: Info, expert_id: str) -> Expert | None:
    async with upstream_guard():
        catalogue = await info.context.loaders.catalogue()
    return catalogue.experts_by_id.get(expert_id)


async def department_schedules(
    info: Info, department_id: str, date_from: date, date_to: date
) -> list[Schedule]:
    async with upstream_guard():
        catalogue = await info.context.loaders.catalogue()
        if department_id not in catalogue.departments_by_id:
            return []
        return await info.context.loaders.department_schedules.load(
            (department_id, date_from, date_to)
        )
