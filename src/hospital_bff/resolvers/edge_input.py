"""Every client-supplied value checked at the edge, before any resolver runs.

Strings reach SQL drivers, Redis keys, the HIS and log lines; a NUL byte, a lone surrogate or
10,000 characters in an ID would fail somewhere deep and surface as an internal error. So
one extension walks the operation against the schema (variables coerced by GraphQL itself,
argument literals, input objects, lists) and refuses, with code INVALID_INPUT:
- a character no field accepts: C0 controls (tab and line breaks only in free text), DEL,
  lone surrogates;
- a string longer than its field's maximum (DEFAULT_MAX_LENGTH unless named below);
- an ID that is not a short token, a cursor that does not decode to an aware timestamp,
- a Date or DateTime outside EARLIEST_DAY..LATEST_DAY of `clock` (the business adds days to
  them), or a DateTime without a UTC offset.

How a refusal is answered (the contract: "mutations answer expected failures as data"):
- a mutation field whose arguments are refused answers its union's `InvalidInputError`, and
  its resolver never runs; the document's other root fields run as they would have anyway;
- a query or subscription answers a top-level error with `extensions.code = "INVALID_INPUT"`
  and `data: null`, as the query resolvers do for an InvalidInput of theirs;
- a variable GraphQL itself cannot coerce to its declared type (a number for a string, a
  malformed date) is a request error of the GraphQL spec and stays one, for every operation
  type; it carries code INVALID_INPUT too.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    MiddlewareManager,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute,
    get_named_type,
    get_operation_ast,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import is_awaitable
from strawberry.extensions import SchemaExtension

from hospital_bff.clock import EARLIEST_DAY, LATEST_DAY
from hospital_bff.language import LocalisedError, Message
from hospital_bff.pii import mask_national_ids
from hospital_bff.resolvers.masking import BAD_USER_INPUT_CODE
from hospital_bff.schema.errors import from_domain
from hospital_bff.schema.pagination import decode_cursor
from hospital_bff.services.errors import InvalidInput

DEFAULT_MAX_LENGTH = 256
ID_MAX_LENGTH = 96  # the widest ID column in the store

_ID = re.compile(r"[A-Za-z0-9._:~-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


Reason = tuple[str, str]
"""Why a value is refused: (Chinese, English), never quoting the value itself."""


@dataclass(frozen=True)
class TextRule:
    """What one string argument or input field accepts."""

    max_length: int = DEFAULT_MAX_LENGTH
    free_text: bool = False
    cursor: bool = False


# Named by argument or input field name: the same name means the same thing across the schema.
TEXT_RULES: dict[str, TextRule] = {
    "reason": TextRule(max_length=500, free_text=True),
    "name": TextRule(max_length=64),
    "idNumber": TextRule(max_length=32),
    "phone": TextRule(max_length=32),
    "idempotencyKey": TextRule(max_length=128),
    "after": TextRule(max_length=512, cursor=True),
}


def text_problem(value: str, rule: TextRule) -> Reason | None:
    """Why a string is refused (English, for the message), or None."""
    if len(value) > rule.max_length:
        return (f"超过{rule.max_length}个字符", f"is longer than {rule.max_length} characters")
    if _SURROGATE.search(value):
        return ("含有无效字符", "is not valid Unicode")
    if (_CONTROL_IN_TEXT if rule.free_text else _CONTROL).search(value):
        return ("含有控制字符", "contains a control character")
    if rule.cursor:
        try:
            decode_cursor(value)
        except InvalidInput:
            return ("不是有效的分页游标", "is not a cursor this server issued")
    return None


def id_problem(value: str) -> Reason | None:
    if len(value) > ID_MAX_LENGTH or not _ID.fullmatch(value):
        return ("不是有效的ID", "is not a valid ID")
    return None


def date_problem(value: date) -> Reason | None:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return ("需带时区", "needs a UTC offset")
        day = value.date()
    else:
        day = value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        span = f"{EARLIEST_DAY.isoformat()}..{LATEST_DAY.isoformat()}"
        return (f"超出 {span} 的范围", f"is outside {span}")
    return None


def value_problem(name: str, value: Any, type_: GraphQLNamedType) -> Reason | None:
    """Why one coerced leaf value is refused, or None."""
    if isinstance(value, str):
        if type_.name == "ID":
            return id_problem(value)
        return text_problem(value, TEXT_RULES.get(name, TextRule()))
    if isinstance(value, date):
        return date_problem(value)
    return None


@dataclass(frozen=True)
class Refusal:
    """A refused value: where (the root field's response key) and why."""

    root_key: str
    argument: str
    reason: Reason

    def error(self) -> InvalidInput:
        zh, en = self.reason
        return InvalidInput(f"参数 {self.argument} {zh}", message_en=f"`{self.argument}` {en}")


def _walk_value(name: str, value: Any, type_: GraphQLInputType) -> Iterator[tuple[str, Reason]]:
    if value is None:
        return
    if isinstance(type_, GraphQLNonNull):
        yield from _walk_value(name, value, type_.of_type)
    elif isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        for item in items:
            yield from _walk_value(name, item, type_.of_type)
    elif isinstance(type_, GraphQLInputObjectType):
        if isinstance(value, dict):
            for field_name, field in type_.fields.items():
                key = field.out_name or field_name
                if key in value:
                    yield from _walk_value(field_name, value[key], field.type)
    elif isinstance(type_, GraphQLScalarType):
        reason = value_problem(name, value, type_)
        if reason is not None:
            yield name, reason


class _Walker:
    """Every field of one operation, through fragments, with its coerced arguments."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: VariableValues
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def refusals(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        root_key: str | None,
        seen: frozenset[str] = frozenset(),
    ) -> Iterator[Refusal]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                yield from self._field(selection, parent, root_key or key, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                if inner is not None:
                    yield from self.refusals(selection.selection_set, inner, root_key, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                inner = self.schema.get_type(fragment.type_condition.name.value)
                if inner is not None:
                    yield from self.refusals(fragment.selection_set, inner, root_key, seen | {name})

    def _field(
        self, node: FieldNode, parent: GraphQLNamedType, root_key: str, seen: frozenset[str]
    ) -> Iterator[Refusal]:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        field = parent.fields.get(node.name.value)
        if field is None:
            return  # introspection, or a field validation already refused
        if field.args:
            try:
                args = get_argument_values(field, node, self.variables)
            except GraphQLError:
                return  # execution reports the same error, with GraphQL's own message
            for arg_name, arg in field.args.items():
                key = arg.out_name or arg_name
                if key in args:
                    for name, reason in _walk_value(arg_name, args[key], arg.type):
                        yield Refusal(root_key, name, reason)
        if node.selection_set is not None:
            yield from self.refusals(node.selection_set, get_named_type(field.type), root_key, seen)


def find_refusals(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    raw_variables: dict[str, Any] | None,
) -> list[Refusal]:
    """The refused values of one operation; raises the GraphQL error of an uncoercible one."""
    variables = get_variable_values(
        schema, operation.variable_definitions or (), raw_variables or {}, max_errors=10
    )
    if isinstance(variables, list):
        first = variables[0]
        raise GraphQLError(
            mask_national_ids(first.message),  # GraphQL quotes the value it could not coerce
            nodes=first.nodes,
            # Apollo's name for a variable that does not coerce to its type.
            extensions={"code": BAD_USER_INPUT_CODE},
        )
    root = schema.get_root_type(operation.operation)
    if root is None:
        return []
    return list(_Walker(schema, document, variables).refusals(operation.selection_set, root, None))


class CheckEdgeInput(SchemaExtension):
    """Refuse hostile or out-of-range input before any resolver runs (see the module doc)."""

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        operation = (
            get_operation_ast(document, ctx.operation_name) if document is not None else None
        )
        if document is not None and operation is not None:
            schema = ctx.schema._schema
            try:
                refusals = find_refusals(schema, document, operation, ctx.variables)
            except GraphQLError as error:
                self._refuse(operation, error)
            else:
                if refusals and operation.operation is OperationType.MUTATION:
                    ctx.result = await _answer_refused_mutation(
                        schema, document, ctx, {r.root_key: r for r in reversed(refusals)}
                    )
                elif refusals:
                    first = refusals[0]
                    self._refuse(
                        operation,
                        LocalisedError(
                            Message(first.error().message, first.error().message_en),
                            "INVALID_INPUT",
                            nodes=[operation],
                            path=[first.root_key],
                        ),
                    )
        yield

    def _refuse(self, operation: OperationDefinitionNode, error: GraphQLError) -> None:
        if operation.operation is OperationType.SUBSCRIPTION:
            # Strawberry's subscribe path ignores a preset result; an error raised here becomes
            # the stream's one answer. (The masker does not see it: the message is ours.)
            raise error
        # A preset result skips execution, and the masker still sees it.
        self.execution_context.result = ExecutionResult(data=None, errors=[error])


async def _answer_refused_mutation(
    schema: GraphQLSchema, document: DocumentNode, ctx: Any, refused: dict[str, Refusal]
) -> Any:
    """Execute the mutation with each refused root field answering InvalidInputError instead
    of running; the middleware exists only on this rare path, so no normal request pays it."""

    def refuse(next_: Any, root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        refusal = refused.get(str(info.path.key)) if info.path.prev is None else None
        if refusal is not None:
            return from_domain(refusal.error(), getattr(ctx.context, "lang", "zh"))
        return next_(root, info, **args)

    result = execute(
        schema,
        document,
        root_value=ctx.root_value,
        context_value=ctx.context,
        variable_values=ctx.variables,
        operation_name=ctx.operation_name,
        middleware=MiddlewareManager(refuse),
    )
    if is_awaitable(result):
        result = await result
    return result
