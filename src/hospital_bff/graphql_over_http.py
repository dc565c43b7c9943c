"""The GraphQL-over-HTTP spec's rules (graphql.github.io/graphql-over-http/draft), as pure
functions: which media type answers a request, and which status code goes with an answer.

- Media types: `application/graphql-response+json` when the client's `Accept` prefers it, and
  `application/json` otherwise (the spec's legacy rules: also for a missing `Accept`, `*/*` and
  `application/*`, which is what the apps of today send); neither acceptable is 406.
- Status codes with `application/graphql-response+json`: 200 whenever the answer has `data`;
  a request error (a document that does not parse or validate, variables that do not coerce, an
  operation that cannot be chosen) has no `data` and is 400, a bug 500.
- Status codes with `application/json`: 200 for every well-formed request, whatever its GraphQL
  errors (legacy clients read the body, not the status); a bug 500.
- Refusals before GraphQL sees the request (bad JSON, no query, a mutation over GET, a body too
  large) have their own 4xx under either media type, and a GraphQL-shaped body with a code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from hospital_bff.language import Message

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"

# `extensions.code` of the refusals and request errors; Apollo's names where Apollo has one.
BAD_REQUEST = "BAD_REQUEST"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
URI_TOO_LONG = "URI_TOO_LONG"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
INTERNAL = "INTERNAL"


def json_text(data: object) -> str:
    """How every answer is encoded: UTF-8 as it is (a Chinese answer is 40% smaller than with
    \\uXXXX escapes), no spaces."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# Accepted media ranges -> (the media type we answer with, how specific the range is).
_RANGES = {
    GRAPHQL_RESPONSE_JSON: (GRAPHQL_RESPONSE_JSON, 2),
    APPLICATION_JSON: (APPLICATION_JSON, 2),
    "application/*": (APPLICATION_JSON, 1),
    "*/*": (APPLICATION_JSON, 0),
}


def negotiate(accept: str | None) -> str | None:
    """The media type of the answer to `Accept` (RFC 9110 §12.5.1), None when we have none the
    client takes. Highest q first, then the more specific range, then the one listed first."""
    if accept is None or not accept.strip():
        return APPLICATION_JSON
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for index, part in enumerate(accept.split(",")):
        media_range, *params = (p.strip() for p in part.split(";"))
        answer = _RANGES.get(media_range.lower())
        if answer is None or not _utf8(params):
            continue
        q = _quality(params)
        if q <= 0:
            continue
        rank = (q, answer[1], -index)
        if best is None or rank > best:
            best, chosen = rank, answer[0]
    return chosen


def _quality(params: Sequence[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def _utf8(params: Sequence[str]) -> bool:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower() in ("utf-8", "utf8")
    return True


def is_request_error(body: Mapping[str, Any]) -> bool:
    """An answer whose errors all came before execution: no data and no error on a field."""
    errors = body.get("errors") or ()
    return body.get("data") is None and bool(errors) and all("path" not in e for e in errors)


def status_for(media_type: str, body: Mapping[str, Any]) -> int:
    """The status code of a GraphQL answer `body` sent as `media_type`."""
    if not is_request_error(body):
        return 200
    codes = {(e.get("extensions") or {}).get("code") for e in body["errors"]}
    if INTERNAL in codes:
        return 500
    return 400 if media_type == GRAPHQL_RESPONSE_JSON else 200


class Refusal(Exception):
    """A request refused before execution: a status, a stable code, a message for people.

    `legacy_status` is the status under `application/json` where it differs: Apollo's
    persisted-query answers are 200 there (its clients read them), but an answer without
    `data` is a 4xx under `application/graphql-response+json`.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: Message,
        *,
        legacy_status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message.en)
        self.status = status
        self.code = code
        self.message = message
        self.legacy_status = legacy_status
        self.headers = dict(headers or {})

    def status_for(self, media_type: str) -> int:
        if media_type == APPLICATION_JSON and self.legacy_status is not None:
            return self.legacy_status
        return self.status

    def body(self, language: str) -> dict[str, Any]:
        return {
            "errors": [
                {"message": self.message.in_language(language), "extensions": {"code": self.code}}
            ]
        }


def bad_request(zh: str, en: str) -> Refusal:
    return Refusal(400, BAD_REQUEST, Message(zh, en))
