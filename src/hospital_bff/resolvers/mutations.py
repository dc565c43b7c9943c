"""The two shapes of a mutation (see the transaction convention in `services/__init__.py`):
a service command that opens its own units of work, or steps in one unit opened here; either
way a DomainError becomes the UserError its result union lists, as data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.resolvers.context import Info
from hospital_bff.schema.enums import ErrorCode
from hospital_bff.schema.errors import UserError
from hospital_bff.schema.results import errors_of
from hospital_bff.services import uow
from hospital_bff.services.errors import DomainError, UpstreamUnavailableError

log = structlog.get_logger(__name__)

T = TypeVar("T")


class UndeclaredUserError(Exception):
    """A DomainError whose code the mutation's result union does not list: a bug, since
    codegen told the client that this mutation never answers it."""


async def command_result(
    info: Info, command: Callable[[], Awaitable[T]], result: object
) -> T | UserError:
    """Run a service command, which opens its own units of work (no session is held here
    around it); its DomainError becomes the UserError the mutation's `result` union lists
    (schema/results.py)."""
    try:
        return await command()
    except DomainError as exc:
        # Expected: the client is told why in data; one line, no traceback.
        log.info("graphql.user_error", code=exc.code)
        return as_listed(exc, result, info.context.lang)
    except UpstreamUnavailable as exc:
        log.warning("upstream_unavailable", system=exc.system, error=str(exc))
        return as_listed(UpstreamUnavailableError(exc.system), result, info.context.lang)


async def in_one_unit(
    info: Info, work: Callable[[AsyncSession], Awaitable[T]], result: object
) -> T | UserError:
    """Run `work` (service steps that take a session) in one unit of work; a DomainError
    rolls it back and becomes its listed UserError, as in `command_result`.

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

    return await command_result(info, once_or_twice, result)


def as_listed(error: DomainError, result: object, lang: str) -> UserError:
    """`error` as the member of the `result` union of its code; UndeclaredUserError if the
    union does not list it."""
    kind = errors_of(result).get(ErrorCode(error.code))
    if kind is None:
        log.error("graphql.undeclared_user_error", code=error.code, result=str(result))
        raise UndeclaredUserError(error.code) from error
    return kind(code=ErrorCode(error.code), message=error.localized(lang))
