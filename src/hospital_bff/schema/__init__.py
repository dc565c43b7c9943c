"""The GraphQL schema: types, inputs, errors; no logic."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from hospital_bff.resolvers.edge_input import CheckEdgeInput
from hospital_bff.resolvers.masking import MaskInternalErrors, MaskInternalErrorsAndSuggestions
from hospital_bff.schema.errors import ALL_ERROR_TYPES
from hospital_bff.schema.mutation import Mutation
from hospital_bff.schema.query import Query
from hospital_bff.schema.subscription import Subscription


def build_schema(
    *,
    max_depth: int = 12,
    max_tokens: int = 2000,
    introspection: bool = True,
    field_suggestions: bool = True,
) -> strawberry.Schema:
    """The schema; production turns `introspection` and `field_suggestions` off, so a
    stranger cannot read (or guess, one suggestion at a time) the operations we serve."""
    extensions: list[Any] = [
        # The apps send the same few documents over and over: parse and validate each once.
        ParserCache(maxsize=256),
        ValidationCache(maxsize=256),
        QueryDepthLimiter(max_depth=max_depth),
        MaxTokensLimiter(max_token_count=max_tokens),
        MaxAliasesLimiter(max_alias_count=30),
        # Classes, not instances: strawberry builds one per operation, and these keep state.
        CheckEdgeInput,
        MaskInternalErrors if field_suggestions else MaskInternalErrorsAndSuggestions,
    ]
    if not introspection:
        extensions.append(DisableIntrospection())
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=list(ALL_ERROR_TYPES),
        extensions=extensions,
    )


schema = build_schema()
