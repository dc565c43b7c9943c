"""The caller's language: Chinese by default, English when `Accept-Language` prefers it; our
messages for people carry both (`Message`, and `LocalisedError` for a top-level GraphQL error).

The contract promises every message for people in Chinese, or in English with
`Accept-Language: en`; this is the one reading of that header, for the resolvers (typed errors),
the error masker (top-level errors) and the HTTP layer (refusals before execution).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from graphql import GraphQLError, Node

Language = Literal["zh", "en"]
DEFAULT_LANGUAGE: Language = "zh"


def caller_language(accept_language: str | None) -> Language:
    """The language of `Accept-Language` the caller weights highest among ours (RFC 9110 §12.5.4:
    q-values; the first listed wins a tie); Chinese when it names neither."""
    best: Language = DEFAULT_LANGUAGE
    best_q = 0.0
    for part in (accept_language or "").split(","):
        tag, *params = (p.strip() for p in part.split(";"))
        primary = tag.split("-", 1)[0].lower()
        if primary not in ("zh", "en"):
            continue
        q = _quality(params)
        if q > best_q:
            best, best_q = ("en" if primary == "en" else "zh"), q
    return best


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


@dataclass(frozen=True)
class Message:
    """One message for people, in each of our languages."""

    zh: str
    en: str

    def in_language(self, language: str) -> str:
        return self.en if language == "en" else self.zh


class LocalisedError(GraphQLError):
    """A top-level error of ours, its message in each language: the masker answers the caller's
    (Chinese until then, the contract's default)."""

    def __init__(
        self,
        message: Message,
        code: str,
        *,
        nodes: Sequence[Node] | None = None,
        path: Sequence[str | int] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(message.zh, nodes, path=path, extensions={"code": code, **extensions})
        self.localised = message
