"""Who and what each log line is about: the operation, the caller, the order.

The request id is bound by `request_id.py` around the whole ASGI call; this adds the GraphQL
operation's name and the caller (a keyed pseudonym for a patient, never the ID number or
name; the staff member's name for staff), for every line the operation causes. Resolvers and
jobs that know the order bind it with `order_context`.

Errors: strawberry logs every GraphQL error with a traceback (and the document). A client's
error (validation, a refused query, UNAUTHENTICATED, FORBIDDEN, a coded error) is expected
and gets one line here; a bug's traceback is logged once, by the masker, with the request id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager
from typing import Any

import strawberry
import structlog
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from hospital_bff.resolvers.masking import should_mask, with_code

log = structlog.get_logger(__name__)

_MESSAGE_CHARS = 300


def order_context(order_id: str | None) -> AbstractContextManager[None]:
    """Bind the order for the lines logged inside the block (and restore after it)."""
    return structlog.contextvars.bound_contextvars(order=order_id)


async def caller_fields(context: Any) -> dict[str, str]:
    """`user` (pseudonym) or `staff` for the log, from the operation's context if it has one."""
    # Naming the caller in the log does not make a public answer theirs (response cache).
    viewer_of = getattr(context, "caller_for_log", None) or getattr(context, "viewer", None)
    if viewer_of is None:
        return {}
    try:
        viewer = await viewer_of()
    except GraphQLError:
        return {}  # a refused token: the resolver answers UNAUTHENTICATED, and logs why
    if viewer is None:
        return {}
    if viewer.staff is not None:
        return {"staff": viewer.staff.name}
    subject = viewer.user_id or viewer.account_id
    if subject is None:
        return {}
    return {"user": context.runtime.pii.pseudonym(subject)}


class LogContext(SchemaExtension):
    """Binds `operation`, then `user`/`staff`, into structlog's contextvars per operation."""

    def on_operation(self) -> Iterator[None]:
        name = self.execution_context.operation_name
        with structlog.contextvars.bound_contextvars(operation=name):
            yield

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        fields: dict[str, Any] = {"operation": self.execution_context.operation_name}
        fields.update(await caller_fields(self.execution_context.context))
        with structlog.contextvars.bound_contextvars(**fields):
            yield


def _code(error: GraphQLError) -> str:
    # The code the client is answered with (the masker codes GraphQL's own errors the same way).
    code = (with_code(error).extensions or {}).get("code")
    return code if isinstance(code, str) else "GRAPHQL_ERROR"


class LoggingSchema(strawberry.Schema):
    """strawberry.Schema whose error log is one line per client error, no document."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Validation fails before the operation is known to the context; name it here.
        operation = execution_context.operation_name if execution_context else None
        for error in errors:
            if should_mask(error):
                continue  # a bug: the masker logs its traceback with the request id
            log.info(
                "graphql.client_error",
                code=_code(error),
                message=error.message[:_MESSAGE_CHARS],
                path=".".join(str(p) for p in error.path or ()) or None,
                operation=operation,
            )
