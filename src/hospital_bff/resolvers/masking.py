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
from graphql import GraphQLError, ValueNode
from strawberry.extensions import MaskErrors

from hospital_bff.language import DEFAULT_LANGUAGE, LocalisedError, Message
from hospital_bff.pii import ID_NUMBER_PATTERN, mask_national_ids
from hospital_bff.request_id import current_request_id, new_request_id
from hospital_bff.resolvers.errors import PUBLIC_CODES, try_again_error

INTERNAL_MESSAGE = Message("内部错误，请稍后再试", "Internal error; please try again later")
INTERNAL_CODE = "INTERNAL"
# GraphQL's own refusals of a document, coded like every other refusal (the names are the
# ones Apollo's clients already know): a document that does not parse (including one over
# BFF_MAX_QUERY_TOKENS), and one that does not validate (an unknown field, introspection
# switched off).
PARSE_FAILED_CODE = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED_CODE = "GRAPHQL_VALIDATION_FAILED"
# A variable whose value does not coerce to its type (refused by resolvers/edge_input.py).
BAD_USER_INPUT_CODE = "BAD_USER_INPUT"
# GraphQL's own messages are graphql-core's English, for the developer who wrote the document;
# a Chinese caller reads what kind of mistake it is first.
GRAPHQL_MESSAGE_IN_CHINESE = {
    PARSE_FAILED_CODE: "查询语句有语法错误",
    VALIDATION_FAILED_CODE: "查询不符合接口定义",
    BAD_USER_INPUT_CODE: "变量取值无效",
}

log = structlog.get_logger(__name__)


def should_mask(error: GraphQLError) -> bool:
    # Our own coded errors and GraphQL's own messages (validation, a variable of the wrong
    # type) pass; anything else is a bug whose details belong in the log, not in an app.
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        return False
    if unreadable_literal(error):
        return False
    code = (error.extensions or {}).get("code")
    return code not in PUBLIC_CODES


class MaskInternalErrors(MaskErrors):
    """MaskErrors per operation: INTERNAL with a request id, and ID numbers never echoed."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask, error_message=INTERNAL_MESSAGE.zh)

    @property
    def language(self) -> str:
        return str(getattr(self.execution_context.context, "lang", DEFAULT_LANGUAGE))

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
            message=INTERNAL_MESSAGE.in_language(self.language),
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
            raise localised(with_code(without_id_numbers(error)), self.language) from error

    def _process_result(self, result: object) -> None:
        # strawberry's own test is an isinstance of a runtime-checkable Protocol, about 10 us
        # for every result, each subscriber's every event: one without errors has none to mask.
        if getattr(result, "errors", None):
            super()._process_result(result)

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
        return [
            localised(with_code(without_id_numbers(e)), self.language)
            for e in super()._process_errors(coded)
        ]


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


def localised(error: GraphQLError, language: str) -> GraphQLError:
    """The error's message in the caller's language: ours carry both (LocalisedError, also as
    the original error of the located copy graphql-core makes); GraphQL's own get a Chinese
    lead for a Chinese caller."""
    source = error if isinstance(error, LocalisedError) else error.original_error
    if isinstance(source, LocalisedError):
        return _with_message(error, source.localised.in_language(language))
    lead = GRAPHQL_MESSAGE_IN_CHINESE.get(str((error.extensions or {}).get("code")))
    if lead is None or language == "en" or error.original_error is not None:
        return error
    return _with_message(error, f"{lead}：{error.message}")


def unreadable_literal(error: GraphQLError) -> bool:
    """A literal of the document that graphql-core's validation could not even read (an Int of
    5,000 digits passes Python's int limit): the client's mistake, not our bug."""
    return (
        isinstance(error.original_error, ValueError)
        and error.path is None
        and bool(error.nodes)
        and all(isinstance(node, ValueNode) for node in error.nodes or ())
    )


def with_code(error: GraphQLError) -> GraphQLError:
    """GraphQL's own error (no code, no exception behind it) with its stable code."""
    if unreadable_literal(error):
        return GraphQLError(
            "A literal value of the document cannot be read (too long, or malformed)",
            nodes=error.nodes,
            original_error=None,
            extensions={"code": VALIDATION_FAILED_CODE},
        )
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
