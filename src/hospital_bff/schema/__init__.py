"""The GraphQL schema: types, inputs, errors; no logic."""

from __future__ import annotations

from functools import cache
from typing import Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)

from hospital_bff.resolvers.chosen_operation import ChosenOperation
from hospital_bff.resolvers.edge_input import CheckEdgeInput
from hospital_bff.resolvers.log_context import LogContext, LoggingSchema
from hospital_bff.resolvers.masking import MaskInternalErrors, MaskInternalErrorsAndSuggestions
from hospital_bff.resolvers.query_limits import QueryLimiter, QueryLimits
from hospital_bff.resolvers.shared_events import SharedEventExecutor
from hospital_bff.schema.errors import ALL_ERROR_TYPES
from hospital_bff.schema.mutation import Mutation
from hospital_bff.schema.pagination import DEFAULT_PAGE, MAX_PAGE
from hospital_bff.schema.query import Query
from hospital_bff.schema.subscription import Subscription


@cache
def build_schema(
    *,
    max_depth: int = 12,
    max_tokens: int = 2000,
    max_aliases: int = 30,
    max_cost: int = 10_000,
    introspection: bool = True,
    field_suggestions: bool = True,
    tracing: bool = False,
) -> strawberry.Schema:
    """The schema; production turns `introspection` and `field_suggestions` off, so a
    stranger cannot read (or guess, one suggestion at a time) the operations we serve.

    Built once per process for each set of limits (about 0.1 s of CPU each time): the types
    never change, and what the schema keeps (the parser's and validator's caches) depends
    only on the document and the limits, so every app built with them may share it."""
    extensions: list[Any] = [
        # First, so every line of the operation (and its errors) names it and its caller.
        LogContext,
        # The apps send the same few documents over and over: parse and validate each once.
        ParserCache(maxsize=256),
        ValidationCache(maxsize=256),
        # After the cache, whose answer it overrides: several operations need a name.
        ChosenOperation,
        # Tokens bound the parsing; the rest is judged over the fragment graph, once per fragment.
        MaxTokensLimiter(max_token_count=max_tokens),
        QueryLimiter(QueryLimits(max_depth, max_aliases, max_cost, DEFAULT_PAGE, MAX_PAGE)),
        # Classes, not instances: strawberry builds one per operation, and these keep state.
        CheckEdgeInput,
        MaskInternalErrors if field_suggestions else MaskInternalErrorsAndSuggestions,
    ]
    if not introspection:
        extensions.append(DisableIntrospection())
    if tracing:
        from hospital_bff.tracing import GraphQLTracing

        # First: the operation's span encloses every other extension's work.
        extensions.insert(0, GraphQLTracing)
    return LoggingSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=list(ALL_ERROR_TYPES),
        extensions=extensions,
        # A public subscription's event executed once for all its subscribers.
        execution_context_class=SharedEventExecutor,
    )


schema = build_schema()
