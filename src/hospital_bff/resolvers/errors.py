"""Turning failures into what the client is promised: codes, never stack traces."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graphql import GraphQLError

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.outages import REDIS_DOWN, TRY_AGAIN_CODE, TryAgain
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


@asynccontextmanager
async def upstream_guard() -> AsyncIterator[None]:
    """In a query, an outside system's failure or a bad argument becomes a coded GraphQL error."""
    try:
        yield
    except UpstreamUnavailable as exc:
        raise GraphQLError(
            "医院系统暂时无法访问，请稍后再试 / upstream unavailable",
            extensions={"code": "UPSTREAM_UNAVAILABLE", "system": exc.system},
        ) from exc
    except DomainError as exc:
        raise GraphQLError(exc.message_en, extensions={"code": exc.code}) from exc


def try_again_error(error: GraphQLError) -> GraphQLError | None:
    """The coded TRY_AGAIN a client retries on, for an error caused by Redis being away (raised
    as TryAgain, or a Redis error that reached the resolver); None for any other error."""
    cause = error.original_error
    if not isinstance(cause, (TryAgain, *REDIS_DOWN)):
        return None
    return GraphQLError(
        TryAgain.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"code": TRY_AGAIN_CODE},
    )
