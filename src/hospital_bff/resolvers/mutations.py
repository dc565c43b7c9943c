"""The one shape of every mutation: a unit of work that commits, or a UserError as data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.resolvers.context import Info
from hospital_bff.schema.errors import AnyUserError, from_domain
from hospital_bff.services import uow
from hospital_bff.services.errors import DomainError, UpstreamUnavailableError

log = structlog.get_logger(__name__)

T = TypeVar("T")


async def unit_of_work(
    info: Info, work: Callable[[AsyncSession], Awaitable[T]]
) -> T | AnyUserError:
    """Run `work` in one transaction; a DomainError rolls back and becomes its UserError."""
    runtime = info.context.runtime
    try:
        async with uow.unit_of_work(runtime) as session:
            return await work(session)
    except DomainError as exc:
        return from_domain(exc, info.context.lang)
    except UpstreamUnavailable as exc:
        log.warning("upstream_unavailable", system=exc.system, error=str(exc))
        return from_domain(UpstreamUnavailableError(exc.system), info.context.lang)
