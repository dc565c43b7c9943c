"""Which GraphQL operations ask only what is the same for anyone (the public catalogue): their
answers may be kept whole and shared (response_cache_http.py); any other's never is."""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

from hospital_bff.bounded_parse import parse_bounded

# Root fields whose answer is the same for anyone; a field that can be personal is not here
# even if it is public without arguments (`schedules` is, `eligibility(patientId)` below it
# asks who is calling, and that alone keeps its answer out).
PUBLIC_ROOT_FIELDS: Final = frozenset({"departments", "department", "expert", "schedules"})


@lru_cache(maxsize=256)
def public_operations(query: str) -> frozenset[str | None]:
    """Names of the document's operations that are queries of public root fields only (None
    stands for the only operation when the request names none)."""
    try:
        document = parse_bounded(query)
    except GraphQLError:
        return frozenset()
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    public: set[str | None] = set()
    for op in operations:
        if op.operation == OperationType.QUERY and _public_selection(document, op.selection_set):
            public.add(op.name.value if op.name else None)
            if len(operations) == 1:
                public.add(None)
    return frozenset(public)


def _public_selection(document: DocumentNode, selection: SelectionSetNode, depth: int = 0) -> bool:
    if depth > 8:
        return False
    for node in selection.selections:
        if isinstance(node, FieldNode):
            if node.name.value != "__typename" and node.name.value not in PUBLIC_ROOT_FIELDS:
                return False
        elif isinstance(node, InlineFragmentNode):
            if not _public_selection(document, node.selection_set, depth + 1):
                return False
        elif isinstance(node, FragmentSpreadNode):
            fragment = next(
                (
                    d
                    for d in document.definitions
                    if getattr(d, "name", None) is not None
                    and d.name.value == node.name.value  # type: ignore[attr-defined]
                    and not isinstance(d, OperationDefinitionNode)
                ),
                None,
            )
            if fragment is None or not _public_selection(
                document,
                fragment.selection_set,  # type: ignore[attr-defined]
                depth + 1,
            ):
                return False
        else:
            return False
    return True
