"""The error masker: only our own coded errors reach a client; a bug answers INTERNAL.

Strawberry keeps per-execution state on an extension (`execution_context`), so the masker is
handed to the schema as a class and built afresh for every operation: one shared instance
would read another request's result under concurrency and let its raw errors (SQL text,
parameters) through. A masked error carries the request id, and the same id is on the log
line that holds its traceback, so a patient's screenshot leads straight to the cause.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import structlog
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from hospital_bff.pii import ID_NUMBER_PATTERN, mask_national_ids
from hospital_bff.request_id import current_request_id, new_request_id
from hospital_bff.resolvers.errors import PUBLIC_CODES, try_again_error

INTERNAL_MESSAGE = "内部错误，请稍后再试 / internal error"
INTERNAL_CODE = "INTERNAL"
# GraphQL's own refusals of a document, coded like every other refusal (the names are the
# ones Apollo's clients already know): a document that does not parse (including one over
# BFF_MAX_QUERY_TOKENS), and one that does not validate (an unknown field, introspection
# switched off).
PARSE_FAILED_CODE = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED_CODE = "GRAPHQL_VALIDATION_FAILED"

log = structlog.get_logger(__name__)


def should_mask(error: GraphQLError) -> bool:
    # Our own coded errors and GraphQL's own messages (validation, a variable of the wrong
    # type) pass; anything else is a bug whose details belong in the log, not in an app.
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        return False
    code = (error.extensions or {}).get("code")
    return code not in PUBLIC_CODES


class MaskInternalErrors(MaskErrors):
    """MaskErrors per operation: INTERNAL with a request id, and ID numbers never echoed."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = current_request_id() or new_request_id()
        # The structlog pipeline renders the traceback to text and then scrubs ID numbers.
        log.error(
            "graphql.internal_error",
            request_id=request_id,
            path=".".join(str(p) for p in error.path or ()),
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": INTERNAL_CODE, "requestId": request_id},
        )

    def on_operation(self) -> Iterator[None]:
        # A document that does not parse is raised by ParserCache's parse hook, through this
        # hook, and becomes the response as it is: MaskErrors never sees it. Coded here.
        try:
            yield from super().on_operation()
        except GraphQLError as error:
            raise with_code(without_id_numbers(error)) from error

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        # Redis away is no bug: a coded TRY_AGAIN (one log line, no traceback), not INTERNAL.
        coded: list[GraphQLError] = []
        for error in errors:
            try_again = try_again_error(error)
            if try_again is not None:
                log.warning(
                    "graphql.try_again",
                    path=".".join(str(p) for p in error.path or ()),
                    error=repr(error.original_error),
                )
            coded.append(try_again or error)
        return [with_code(without_id_numbers(e)) for e in super()._process_errors(coded)]


class MaskInternalErrorsAndSuggestions(MaskInternalErrors):
    """The masker for production: GraphQL's "Did you mean ...?" is dropped from every message.

    graphql-core can leave suggestions out (`hide_suggestions`), but strawberry passes that
    neither to validation nor to execution (variables); the masker sees both.
    """

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [without_suggestions(e) for e in super()._process_errors(errors)]


# graphql-core's `did_you_mean`: " Did you mean 'a', 'b', or 'c'?" (names never hold a "?").
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")


def without_suggestions(error: GraphQLError) -> GraphQLError:
    return _with_message(error, _SUGGESTION.sub("", error.message))


def with_code(error: GraphQLError) -> GraphQLError:
    """GraphQL's own error (no code, no exception behind it) with its stable code."""
    if error.original_error is not None or (error.extensions or {}).get("code"):
        return error
    code = PARSE_FAILED_CODE if error.message.startswith("Syntax Error") else VALIDATION_FAILED_CODE
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), "code": code},
    )


def without_id_numbers(error: GraphQLError) -> GraphQLError:
    """`found: { idNumber: "1101..." }`: a literal the client sent, but never echoed in clear."""
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
