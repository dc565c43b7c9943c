"""Every operation the clients send must validate against the schema, and schema.graphql
must be the schema's SDL."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse, validate
from graphql.language import OperationDefinitionNode

from hospital_bff.schema import schema

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract"
ROOT = Path(__file__).resolve().parents[1]

# Operations of capabilities not built yet. This list may only shrink: an operation on it
# that starts to validate fails the test until it is taken off.
EXPECTED_FAILURES: frozenset[str] = frozenset(
    {
        # Empty: every operation of the contract validates. Add "file:Operation" here only
        # for a capability not built yet, with a comment naming its issue.
    }
)


def _operations() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(CONTRACT.glob("*.graphql")):
        document = path.read_text(encoding="utf-8")
        for definition in parse(document).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                found.append((f"{path.stem}:{definition.name.value}", path.stem, document))
    return found


OPERATIONS = _operations()


def test_contract_files_are_there() -> None:
    assert len(OPERATIONS) >= 25, "the contract folder is missing or was cut"
    names = {name for name, _, _ in OPERATIONS}
    assert names >= EXPECTED_FAILURES, EXPECTED_FAILURES - names


def _errors_for(name: str, document: str) -> list[str]:
    """Validate one operation with the fragments it may use (unused ones are not its fault)."""
    ast = parse(document)
    op_name = name.split(":", 1)[1]
    from graphql.language import DocumentNode, FragmentDefinitionNode

    op = next(
        d
        for d in ast.definitions
        if isinstance(d, OperationDefinitionNode) and d.name and d.name.value == op_name
    )
    fragments = [d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)]
    used = _used_fragments(op, {f.name.value: f for f in fragments})
    sub = DocumentNode(definitions=(op, *(f for f in fragments if f.name.value in used)))
    return [e.message for e in validate(schema._schema, sub)]


def _used_fragments(node: object, fragments: dict[str, object]) -> set[str]:
    from graphql.language import FragmentSpreadNode, visit
    from graphql.language.visitor import Visitor

    used: set[str] = set()
    pending = [node]

    class Collect(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            if spread.name.value not in used:
                used.add(spread.name.value)
                pending.append(fragments[spread.name.value])

    while pending:
        visit(pending.pop(), Collect())  # type: ignore[arg-type]
    return used


@pytest.mark.parametrize(("name", "file", "document"), OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_operation_validates(name: str, file: str, document: str) -> None:
    errors = _errors_for(name, document)
    if name in EXPECTED_FAILURES:
        assert errors, f"{name} validates now: take it off EXPECTED_FAILURES"
    else:
        assert not errors, f"{name}: {errors}"


def test_schema_file_is_current() -> None:
    current = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert current == schema.as_str() + "\n", (
        "schema.graphql is out of date: run `hospital-bff export-schema > schema.graphql`"
    )
