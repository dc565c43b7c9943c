"""Turning failures into what the client is promised: codes, never stack traces."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graphql import GraphQLError

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.language import LocalisedError, Message
from hospital_bff.outages import REDIS_DOWN, TRY_AGAIN_CODE, TRY_AGAIN_MESSAGE, TryAgain
from hospital_bff.services.errors import DomainError

# Codes that may reach a client in a top-level GraphQL error; everything else is masked.
PUBLIC_CODES = frozenset(
    {
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "UPSTREAM_UNAVAILABLE",
        "INVALID_INPUT",
        "RATE_LIMITED",
        "NOT_FOUND",
        TRY_AGAIN_CODE,
    }
)


def localised_domain_error(exc: DomainError) -> LocalisedError:
    return LocalisedError(Message(exc.message, exc.message_en), exc.code)


UPSTREAM_UNAVAILABLE = Message(
    "医院系统暂时无法访问，请稍后再试", "The hospital's systems are unavailable; try again shortly"
)


@asynccontextmanager
async def upstream_guard() -> AsyncIterator[None]:
    """In a query, an outside system's failure or a bad argument becomes a coded GraphQL error."""
    try:
        yield
    except UpstreamUnavailable as exc:
        raise LocalisedError(
            UPSTREAM_UNAVAILABLE, "UPSTREAM_UNAVAILABLE", system=exc.system
        ) from exc
    except DomainError as exc:
        raise localised_domain_error(exc) from exc


def try_again_error(error: GraphQLError) -> GraphQLError | None:
    """The coded TRY_AGAIN a client retries on, for an error caused by Redis being away (raised
    as TryAgain, or a Redis error that reached the resolver); None for any other error."""
    if not isinstance(error.original_error, (TryAgain, *REDIS_DOWN)):
        return None
    return LocalisedError(TRY_AGAIN_MESSAGE, TRY_AGAIN_CODE, nodes=error.nodes, path=error.path)
