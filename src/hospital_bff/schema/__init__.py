"""The GraphQL schema: types, inputs, errors; no logic."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)

from hospital_bff.pii import ID_NUMBER_PATTERN, mask_national_ids
from hospital_bff.resolvers.errors import PUBLIC_CODES
from hospital_bff.resolvers.query_limits import QueryLimiter, QueryLimits
from hospital_bff.schema.errors import ALL_ERROR_TYPES
from hospital_bff.schema.mutation import Mutation
from hospital_bff.schema.pagination import DEFAULT_PAGE, MAX_PAGE
from hospital_bff.schema.query import Query
from hospital_bff.schema.subscription import Subscription


def _should_mask(error: GraphQLError) -> bool:
    # Our own coded errors and GraphQL's own messages (validation, a variable of the wrong
    # type) pass; anything else is a bug whose details belong in the log, not in an app.
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        return False
    code = (error.extensions or {}).get("code")
    return code not in PUBLIC_CODES


class _MaskErrors(MaskErrors):
    """MaskErrors, and an ID number quoted by GraphQL's own validation is masked too."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [_without_id_numbers(e) for e in super()._process_errors(errors)]


def _without_id_numbers(error: GraphQLError) -> GraphQLError:
    # "found: { idNumber: "1101..." }": a literal the client sent, but never echoed in clear.
    if not ID_NUMBER_PATTERN.search(error.message):
        return error
    return GraphQLError(
        mask_national_ids(error.message),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


def build_schema(
    *, max_depth: int = 12, max_tokens: int = 2000, max_aliases: int = 30, max_cost: int = 10_000
) -> strawberry.Schema:
    extensions: list[Any] = [
        # The apps send the same few documents over and over: parse and validate each once.
        ParserCache(maxsize=256),
        ValidationCache(maxsize=256),
        # Tokens bound the parsing; the rest is judged over the fragment graph, once per fragment.
        MaxTokensLimiter(max_token_count=max_tokens),
        QueryLimiter(QueryLimits(max_depth, max_aliases, max_cost, DEFAULT_PAGE, MAX_PAGE)),
        _MaskErrors(
            should_mask_error=_should_mask,
            error_message="内部错误，请稍后再试 / internal error",
        ),
    ]
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=list(ALL_ERROR_TYPES),
        extensions=extensions,
    )


schema = build_schema()
