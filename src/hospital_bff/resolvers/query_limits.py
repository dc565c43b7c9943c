"""How much one GraphQL document may ask for, judged after parsing and before execution.

Strawberry's `QueryDepthLimiter` and `MaxAliasesLimiter` walk a fragment again at every spread,
so twenty fragments that each spread the previous one twice cost 2^20 walks and block the event
loop. Here each fragment is judged once, its figures kept and reused at every spread, so the
work is linear in the size of the document whatever its spreads multiply to.

The figures of an operation (each as if every fragment were written out in full):

- **depth**: fields on the longest path from the root; `{ a { b } }` is 2.
- **aliases**: aliased fields; a fragment spread twice counts its aliases twice.
- **cost**: every field costs 1, and a field that returns many things multiplies the cost of
  its selection by how many:
  - a page (a field with a `first` or `last` argument) by that argument: a literal as written;
    a variable as `max_page`, the most a resolver accepts; absent as `default_page` (both
    from `schema/pagination.py`, passed in because the schema package imports this module);
  - any other list by `LIST_LENGTH`, except a list inside a connection (`edges`), whose
    length the connection's page already counted.

Introspection (`__schema`, `__type`) counts as one field and is not walked: GraphiQL's own
query is deeper than any client's, and graphql-core's `MaxIntrospectionDepthRule` bounds it.
A fragment cycle or an unknown type is another rule's error; here it counts as nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.language import SKIP, VisitorAction
from graphql.utilities import type_from_ast
from graphql.validation import ASTValidationRule, ValidationContext, ValidationRule
from strawberry.extensions import AddValidationRules

from hospital_bff.language import LocalisedError, Message

CODE = "QUERY_TOO_COMPLEX"
NESTED_TOO_DEEPLY = Message("查询过于复杂：嵌套过深", "query too complex: nested too deeply")
# Assumed length of a list that is not paged (a department's experts, a schedule's slots).
LIST_LENGTH = 10
PAGE_ARGUMENTS = ("first", "last")
# A literal `first` longer than this is absurd; Python would refuse to parse past 4300 digits.
_MAX_LITERAL_DIGITS = 18


@dataclass(frozen=True)
class Figures:
    """What a selection asks for, fragments written out."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0


@dataclass(frozen=True)
class QueryLimits:
    """The most one operation may ask for; each limit names its setting in the error."""

    max_depth: int
    max_aliases: int
    max_cost: int
    default_page: int
    max_page: int

    def judge(self, figures: Figures) -> list[tuple[str, Message]]:
        """The limits these figures pass, as (limit, message); empty when within all of them."""
        over = [
            ("depth", figures.depth, self.max_depth, "BFF_MAX_QUERY_DEPTH"),
            ("aliases", figures.aliases, self.max_aliases, "BFF_MAX_QUERY_ALIASES"),
            ("cost", figures.cost, self.max_cost, "BFF_MAX_QUERY_COST"),
        ]
        return [
            (
                name,
                Message(
                    f"查询过于复杂：{name} {value} 超过上限 {limit}（{setting}）",
                    f"query too complex: {name} {value} exceeds the limit {limit} ({setting})",
                ),
            )
            for name, value, limit, setting in over
            if value > limit
        ]


class DocumentAnalyser:
    """Figures for the operations of one document, each fragment evaluated at most once."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, limits: QueryLimits) -> None:
        self.schema = schema
        self.limits = limits
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._figures: dict[str, Figures] = {}
        self._open: set[str] = set()
        # The work done, for the tests that hold it linear: fragments evaluated, selections seen.
        self.fragment_evaluations = 0
        self.selections_seen = 0

    def operation(self, operation: OperationDefinitionNode) -> Figures:
        return self._selections(
            operation.selection_set, self.schema.get_root_type(operation.operation)
        )

    def _fragment(self, name: str) -> Figures:
        known = self._figures.get(name)
        if known is not None:
            return known
        fragment = self.fragments.get(name)
        if fragment is None or name in self._open:
            return Figures()
        self._open.add(name)
        try:
            figures = self._selections(
                fragment.selection_set, self._type_of(fragment.type_condition)
            )
        finally:
            self._open.discard(name)
        self.fragment_evaluations += 1
        self._figures[name] = figures
        return figures

    def _selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None
    ) -> Figures:
        depth = aliases = cost = 0
        for selection in selection_set.selections:
            self.selections_seen += 1
            if isinstance(selection, FieldNode):
                figures = self._field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                figures = self._selections(
                    selection.selection_set,
                    self._type_of(condition) if condition is not None else parent,
                )
            elif isinstance(selection, FragmentSpreadNode):
                figures = self._fragment(selection.name.value)
            else:  # pragma: no cover - the three kinds of selection are all there is
                continue
            depth = max(depth, figures.depth)
            aliases += figures.aliases
            cost += figures.cost
        return Figures(depth, aliases, cost)

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Figures:
        alias = 1 if node.alias is not None else 0
        if node.selection_set is None or node.name.value.startswith("__"):
            return Figures(1, alias, 1)
        definition = _field_definition(parent, node.name.value)
        inner = self._selections(
            node.selection_set, get_named_type(definition.type) if definition else None
        )
        return Figures(
            depth=1 + inner.depth,
            aliases=alias + inner.aliases,
            cost=1 + self._multiplier(node, definition, parent) * inner.cost,
        )

    def _multiplier(
        self, node: FieldNode, definition: GraphQLField | None, parent: GraphQLNamedType | None
    ) -> int:
        if definition is None:
            return 1
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS:
                return self._page_size(argument.value)
        if any(name in definition.args for name in PAGE_ARGUMENTS):
            return self.limits.default_page
        if is_list_type(get_nullable_type(definition.type)):  # type: ignore[arg-type]
            in_connection = parent is not None and parent.name.endswith("Connection")
            return 1 if in_connection else LIST_LENGTH
        return 1

    def _page_size(self, value: ValueNode) -> int:
        if isinstance(value, VariableNode):
            return self.limits.max_page
        if isinstance(value, IntValueNode):
            literal: str = value.value
            if literal.startswith("-"):
                return 0
            if len(literal) > _MAX_LITERAL_DIGITS:
                return int(10**_MAX_LITERAL_DIGITS)
            return int(literal)
        return self.limits.default_page

    def _type_of(self, condition: NamedTypeNode) -> GraphQLNamedType | None:
        found = type_from_ast(self.schema, condition)
        return found if isinstance(found, GraphQLNamedType) else None


def _field_definition(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
        field: GraphQLField | None = parent.fields.get(name)
        return field
    return None


def query_limits_rule(limits: QueryLimits) -> type[ASTValidationRule]:
    """A validation rule refusing every operation of a document that passes one of `limits`."""

    class QueryLimitsRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)

        def enter_document(self, node: DocumentNode, *_args: Any) -> VisitorAction:
            analyser = DocumentAnalyser(self.context.schema, node, limits)
            for definition in node.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                try:
                    messages = limits.judge(analyser.operation(definition))
                except RecursionError:
                    # The parser refuses documents nested beyond the interpreter's stack; a
                    # fragment chain as long as the token limit allows is the only way here.
                    messages = [("depth", NESTED_TOO_DEEPLY)]
                for limit, message in messages:
                    self.report_error(
                        LocalisedError(message, CODE, nodes=[definition], limit=limit)
                    )
            return SKIP

    return QueryLimitsRule


class QueryLimiter(AddValidationRules):
    """Strawberry extension: depth, aliases and cost over the fragment graph, judged once."""

    def __init__(self, limits: QueryLimits) -> None:
        super().__init__([query_limits_rule(limits)])
