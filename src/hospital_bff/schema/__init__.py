"""The GraphQL schema: types, inputs, errors; no logic."""

from __future__ import annotations

import re
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from hospital_bff.pii import ID_NUMBER_PATTERN, mask_national_ids
from hospital_bff.resolvers.errors import PUBLIC_CODES
from hospital_bff.schema.errors import ALL_ERROR_TYPES
from hospital_bff.schema.mutation import Mutation
from hospital_bff.schema.query import Query
from hospital_bff.schema.subscription import Subscription


def _should_mask(error: GraphQLError) -> bool:
    # Our own coded errors and GraphQL's own messages (validation, a variable of the wrong
    # type) pass; anything else is a bug whose details belong in the log, not in an app.
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        return False
    code = (error.extensions or {}).get("code")
    return code not in PUBLIC_CODES


# graphql-core's `did_you_mean`: " Did you mean 'a', 'b', or 'c'?" (names never hold a "?").
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")


class _MaskErrors(MaskErrors):
    """MaskErrors, and an ID number quoted by GraphQL's own validation is masked too; with
    `hide_suggestions`, GraphQL's "Did you mean ...?" is dropped from every message."""

    def __init__(self, *args: Any, hide_suggestions: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hide_suggestions = hide_suggestions

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = [_without_id_numbers(e) for e in super()._process_errors(errors)]
        if self.hide_suggestions:
            processed = [_without_suggestions(e) for e in processed]
        return processed


def _without_suggestions(error: GraphQLError) -> GraphQLError:
    # graphql-core can leave suggestions out (`hide_suggestions`), but strawberry passes that
    # neither to validation nor to execution (variables); one place here covers both.
    return _with_message(error, _SUGGESTION.sub("", error.message))


def _without_id_numbers(error: GraphQLError) -> GraphQLError:
    # "found: { idNumber: "1101..." }": a literal the client sent, but never echoed in clear.
    if not ID_NUMBER_PATTERN.search(error.message):
        return error
    return _with_message(error, mask_national_ids(error.message))


def _with_message(error: GraphQLError, message: str) -> GraphQLError:
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


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
        _MaskErrors(
            should_mask_error=_should_mask,
            error_message="内部错误，请稍后再试 / internal error",
            hide_suggestions=not field_suggestions,
        ),
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
