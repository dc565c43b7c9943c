"""The request shortcuts' parse, bounded as the schema's own is.

The response cache, the booking door, the eligibility overlay and the personal answers each
look at a request's document before strawberry does (and the booking door outside the
shedding door), so each parsed whatever the body held: a 256 KB document of `a a a ...` was
parsed whole two or three times before the schema's MaxTokensLimiter refused it. Here a
document stops being parsed at the schema's default token limit (config.max_query_tokens)
and raises GraphQLError, which every shortcut already reads as "not a document of mine".
A deployment that allows more tokens loses only the shortcuts for its larger documents.
"""

from __future__ import annotations

from typing import Final

from graphql import DocumentNode, parse

from hospital_bff.config import Settings

MAX_TOKENS: Final[int] = Settings.model_fields["max_query_tokens"].default


def parse_bounded(query: str) -> DocumentNode:
    """`graphql.parse`, aborted (GraphQLError) past MAX_TOKENS tokens; comments do not count."""
    return parse(query, max_tokens=MAX_TOKENS)
