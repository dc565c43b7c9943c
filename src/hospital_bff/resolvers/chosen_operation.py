"""The GraphQL spec's GetOperation: a document of several operations must name the one to run.

Strawberry runs the first operation of such a document when `operationName` is missing; the spec
(and every other server) answers a request error, so a client that forgot the name learns it
instead of getting another operation's answer. Coded OPERATION_RESOLUTION_FAILURE, Apollo's name.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from hospital_bff.language import LocalisedError, Message

OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
NAME_ONE = Message(
    "文档含多个操作时须用 operationName 指明执行哪一个",
    "the document holds several operations: name the one to run with operationName",
)


class ChosenOperation(SchemaExtension):
    """Refuses, before validation, a document of several operations sent without a name."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        # The name as the client sent it (strawberry's `operation_name` falls back to the first).
        provided = getattr(ctx, "_provided_operation_name", None)
        if provided is None and document is not None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                # Set before validation runs, so validation is skipped and nothing executes.
                ctx.pre_execution_errors = [LocalisedError(NAME_ONE, OPERATION_RESOLUTION_FAILURE)]
        yield
