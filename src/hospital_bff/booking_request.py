"""Which requests the booking door (booking_door.py) may answer: exactly one
`bookAppointment(input: $v)` mutation, its variables exactly `{v: {patientId, slotId,
idempotencyKey}}` of strings, nothing else in the body (see booking_door.py's docstring)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

from graphql import (
    FieldNode,
    GraphQLError,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
)

from hospital_bff.bounded_parse import parse_bounded
from hospital_bff.request_body import RequestBody, chosen_operation

INPUT_FIELDS: Final = frozenset({"patientId", "slotId", "idempotencyKey"})
# A slot id as the HIS names them; anything else is not made part of a Redis key here.
_AN_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,96}")


@lru_cache(maxsize=64)
def booking_variable(query: str, operation_name: str | None) -> str | None:
    """The input's variable name if the chosen operation is exactly one
    `bookAppointment(input: $v)` mutation (see the module's docstring), else None."""
    try:
        document = parse_bounded(query)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [op for op in operations if op.name and op.name.value == operation_name]
    if len(operations) != 1:
        return None  # none chosen, or not one: the view explains
    op = operations[0]
    definitions = op.variable_definitions or ()
    if (
        op.operation != OperationType.MUTATION
        or op.directives
        or len(definitions) != 1
        or len(op.selection_set.selections) != 1
    ):
        return None
    definition = definitions[0]
    kind = definition.type
    if (
        definition.default_value is not None
        or definition.directives
        or not isinstance(kind, NonNullTypeNode)
        or isinstance(kind.type, ListTypeNode)
        or not isinstance(kind.type, NamedTypeNode)
        or kind.type.name.value != "BookAppointmentInput"
    ):
        return None
    root = op.selection_set.selections[0]
    if not isinstance(root, FieldNode):
        return None
    arguments = root.arguments or ()
    if root.name.value != "bookAppointment" or root.directives or len(arguments) != 1:
        return None
    argument = arguments[0]
    variable = definition.variable.name.value
    if (
        argument.name.value != "input"
        or not isinstance(argument.value, VariableNode)
        or argument.value.name.value != variable
    ):
        return None
    return variable


def booking_request(body: RequestBody) -> tuple[str, str | None, str, str] | None:
    """(query, operationName, slot id, idempotency key) of a body the door may answer."""
    if b"bookAppointment" not in body.raw:
        return None
    try:
        payload: Any = body.json()
    except (ValueError, RecursionError):  # the view refuses it with its code
        return None
    if not isinstance(payload, dict) or not payload.keys() <= {
        "query",
        "variables",
        "operationName",
    }:
        return None
    chosen = chosen_operation(payload)
    if chosen is None:
        return None
    query, operation_name = chosen
    variables = payload.get("variables")
    variable = booking_variable(query, operation_name)
    if variable is None or not isinstance(variables, dict) or variables.keys() != {variable}:
        return None
    data = variables[variable]
    if (
        not isinstance(data, dict)
        or data.keys() != INPUT_FIELDS
        or not all(isinstance(v, str) for v in data.values())
        or not _AN_ID.fullmatch(data["slotId"])
    ):
        return None
    return query, operation_name, data["slotId"], data["idempotencyKey"]
