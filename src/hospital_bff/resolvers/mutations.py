"""The two shapes of a mutation (see the transaction convention in `services/__init__.py`):
a service command that opens its own units of work, or steps in one unit opened here; either
way a DomainError becomes its UserError, as data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.resolvers.context import Info
from hospital_bff.schema.errors import AnyUserError, from_domain
from hospital_bff.services import uow
from hospital_bff.services.errors import DomainError, UpstreamUnavailableError

log = structlog.get_logger(__name__)

T = TypeVar("T")


async def command_result(info: Info, command: Callable[[], Awaitable[T]]) -> T | AnyUserError:
    """Run a service command, which opens its own units of work (no session is held here
    around it); its DomainError becomes its UserError."""
    try:
        return await command()
    except DomainError as exc:
        # Expected: the client is told why in data; one line, no traceback.
        log.info("graphql.user_error", code=exc.code)
        return from_domain(exc, info.context.lang)
    except UpstreamUnavailable as exc:
        log.warning("upstream_unavailable", system=exc.system, error=str(exc))
        return from_domain(UpstreamUnavailableError(exc.system), info.context.lang)


async def in_one_unit(info: Info, work: Callable[[AsyncSession], Awaitable[T]]) -> T | AnyUserError:
    """Run `work` (service steps that take a session) in one unit of work; a DomainError rolls
    it back and becomes its UserError.

    A unique key taken by a concurrent request (two accounts of one person verifying at the
    same instant) rolls back and runs the work once more, which now sees the other's row.
    """
    runtime = info.context.runtime

    async def once_or_twice() -> T:
        for attempt in range(2):
            try:
                async with uow.unit_of_work(runtime) as session:
                    return await work(session)
            except IntegrityError:
                if attempt:
                    raise
                log.info("unique_conflict_retry")
        raise AssertionError("unreachable")

    return await command_result(info, once_or_twice)
