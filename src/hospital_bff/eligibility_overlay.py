"""A department's schedules for one patient: the public answer, with the patient's verdicts laid
over its `eligibility` fields.

`DepartmentSchedules` with a `patientId` differs from the same query without one only in each
schedule's `eligibility`; the rest (a week of 42 schedules is about 2,000 fields) is the public
answer, kept by the response cache under a key of its own and forgotten with it. So for a query
of that shape, the public answer (kept, or made once) is taken as data, the patient's verdicts
are judged in one batch (`DataLoaders.eligibility_of`, as the field resolver does), and each
schedule's `eligibility` is replaced by its verdict, shaped as the query selected it.

The shape is checked on the document, and anything else runs as usual: one root field
`schedules`, its `id` and one `eligibility(patientId: $variable)` selected (directly or through
fragments), the variable used nowhere else, no directives. If anything fails on the way (no or
a bad token, the HIS away), the query runs as usual too and answers what it answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    visit,
)
from graphql.language import Visitor
from strawberry.types import ExecutionResult

from hospital_bff.bounded_parse import parse_bounded
from hospital_bff.resolvers.context import Context
from hospital_bff.schema.booking import eligibility_in

if TYPE_CHECKING:
    from strawberry.http import GraphQLRequestData

    from hospital_bff.response_cache import ResponseCache

ELIGIBILITY_FIELDS = frozenset({"eligible", "code", "reason", "__typename"})


@dataclass(frozen=True)
class OverlayPlan:
    """Where the verdicts go in the answer of one document's operation."""

    variable: str  # the patient's variable
    root_key: str  # the response key of `schedules`
    id_key: str  # of each schedule's `id`
    eligibility_key: str  # of each schedule's `eligibility`
    eligibility_fields: tuple[tuple[str, str], ...]  # (response key, field), in order
    department: ValueNode
    date_from: ValueNode
    date_to: ValueNode


@lru_cache(maxsize=256)
def plan_of(query: str, operation_name: str | None) -> OverlayPlan | None:
    """The plan for this operation, or None when its shape is not the one laid over."""
    if "@" in query:
        return None  # directives (@include, @skip) decide fields at run time
    try:
        document = parse_bounded(query)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    named = [o for o in operations if (o.name.value if o.name else None) == operation_name]
    if operation_name is None and len(operations) == 1:
        named = operations
    if len(named) != 1 or named[0].operation != OperationType.QUERY:
        return None
    operation = named[0]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    roots = _fields(operation.selection_set, fragments)
    if roots is None or len(roots) != 1 or roots[0].name.value != "schedules":
        return None
    root = roots[0]
    arguments = {a.name.value: a.value for a in root.arguments or ()}
    if set(arguments) != {"departmentId", "from", "to"} or root.selection_set is None:
        return None
    fields = _fields(root.selection_set, fragments)
    if fields is None:
        return None
    ids = [f for f in fields if f.name.value == "id" and not f.arguments]
    eligibility = [f for f in fields if f.name.value == "eligibility"]
    if not ids or len(eligibility) != 1 or eligibility[0].selection_set is None:
        return None
    (verdict,) = eligibility
    given = verdict.arguments or ()
    if len(given) != 1 or given[0].name.value != "patientId" or verdict.selection_set is None:
        return None
    variable = given[0].value
    if not isinstance(variable, VariableNode):
        return None
    if _uses(operation, fragments, variable.name.value) != 1:
        return None  # the patient's variable also decides something else
    chosen = _fields(verdict.selection_set, fragments)
    if chosen is None or any(f.name.value not in ELIGIBILITY_FIELDS or f.arguments for f in chosen):
        return None
    return OverlayPlan(
        variable=variable.name.value,
        root_key=_key(root),
        id_key=_key(ids[0]),
        eligibility_key=_key(verdict),
        eligibility_fields=tuple(dict.fromkeys((_key(f), f.name.value) for f in chosen)),
        department=arguments["departmentId"],
        date_from=arguments["from"],
        date_to=arguments["to"],
    )


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _fields(
    selection: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    depth: int = 0,
) -> list[FieldNode] | None:
    """The fields of a selection with its fragments spread; None past a sane depth."""
    if depth > 8:
        return None
    found: list[FieldNode] = []
    for node in selection.selections:
        if isinstance(node, FieldNode):
            found.append(node)
            continue
        if isinstance(node, InlineFragmentNode):
            inner = _fields(node.selection_set, fragments, depth + 1)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            inner = _fields(fragments[node.name.value].selection_set, fragments, depth + 1)
        else:
            return None
        if inner is None:
            return None
        found.extend(inner)
    return found


def _uses(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode], name: str
) -> int:
    """How many times the operation (and the fragments it spreads) reads the variable `name`."""
    count = 0
    spread: set[str] = set()

    class Count(Visitor):
        def enter_variable(self, node: VariableNode, *_args: Any) -> None:
            nonlocal count
            count += node.name.value == name

        def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: Any) -> None:
            spread.add(node.name.value)

    visit(operation, Count())
    seen: set[str] = set()
    while spread - seen:
        fragment = (spread - seen).pop()
        seen.add(fragment)
        if fragment in fragments:
            visit(fragments[fragment], Count())
    # The definition `$name: ID` is a VariableNode too.
    return count - 1


def _value(node: ValueNode, variables: dict[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, StringValueNode):
        return node.value
    raise ValueError("not a string or a variable")


async def overlaid(
    request_data: GraphQLRequestData,
    context: Context,
    cache: ResponseCache,
    execute: Callable[[GraphQLRequestData], Awaitable[ExecutionResult]],
) -> ExecutionResult | None:
    """The patient's answer made from the public one, or None to run the query as usual."""
    query = request_data.query
    variables = dict(request_data.variables or {})
    plan = plan_of(query, request_data.operation_name) if query and cache.ready else None
    if plan is None or not isinstance(variables.get(plan.variable), str):
        return None  # no patient, or a value for the query's own coercion to judge
    if context.request.headers.get("authorization") is None:
        return None  # UNAUTHENTICATED, from the query run as usual
    if getattr(request_data, "register_hash", None):
        return None  # it registers a persisted query, which only the run as usual does
    patient_id = str(variables[plan.variable])
    public = {**variables, plan.variable: None}
    key = hashlib.blake2b(
        b"\0".join(
            (
                b"eligibility-overlay",
                context.lang.encode(),
                (request_data.operation_name or "").encode(),
                json.dumps(public, sort_keys=True, default=str).encode(),
                query.encode(),  # type: ignore[union-attr]
            )
        ),
        digest_size=16,
    ).digest()
    try:
        # Once, before the verdicts ask for it all at the same time (a bad token: as usual).
        await context.require_viewer()
        kept = cache.fresh(key) or await cache.revalidate(key)
        if kept is not None:
            data = json.loads(kept.body)
        else:
            result = await execute(replace(request_data, variables=public))
            if result.errors or not isinstance(result.data, dict):
                return None
            data = result.data
            await cache.keep(key, [], json.dumps(data).encode(), context.loaders.reads)
        listed = data.get(plan.root_key)
        if not isinstance(listed, list) or not listed:
            return None  # an unknown department lists nothing: nothing to judge
        schedules = await context.loaders.department_schedules.load(
            (
                str(_value(plan.department, variables)),
                date.fromisoformat(str(_value(plan.date_from, variables))),
                date.fromisoformat(str(_value(plan.date_to, variables))),
            )
        )
        by_id = {s.id: s for s in schedules}
        if any(item.get(plan.id_key) not in by_id for item in listed):
            return None
        verdicts = await asyncio.gather(
            *(eligibility_in(context, by_id[item[plan.id_key]], patient_id) for item in listed)
        )
    except Exception:
        return None
    values = []
    for item, verdict in zip(listed, verdicts, strict=True):
        shown = {
            "eligible": verdict.eligible,
            "code": verdict.code.value if verdict.code is not None else None,
            "reason": verdict.reason,
            "__typename": "Eligibility",
        }
        values.append(
            {
                **item,
                plan.eligibility_key: {k: shown[field] for k, field in plan.eligibility_fields},
            }
        )
    return ExecutionResult(data={**data, plan.root_key: values}, errors=None)
