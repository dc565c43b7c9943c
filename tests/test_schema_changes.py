"""No breaking change against the last released schema unless it is accepted below, with why.

graphql-core's `find_breaking_changes` compares `tests/fixtures/released.graphql` (the schema
the contract's clients use) with the schema served now. A change a client could notice (a
field removed or made nullable, an argument required, a union member dropped) fails here
until it is either undone or written into ACCEPTED with its reason; the contract's own
operations must still validate (tests/test_contract.py), so an accepted change never breaks
them. At a release the file is replaced and ACCEPTED emptied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    BreakingChange,
    BreakingChangeType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
)

from hospital_bff.schema import schema
from hospital_bff.schema.errors import ERROR_TYPES

RELEASED = Path(__file__).resolve().parent / "fixtures" / "released.graphql"

_ERROR_TYPE_NAMES = "|".join(sorted(kind.__name__ for kind in ERROR_TYPES.values()))


@dataclass(frozen=True)
class Accepted:
    """A breaking change made on purpose: its kind, the description it matches, and why."""

    kind: BreakingChangeType
    pattern: str
    why: str

    def covers(self, change: BreakingChange) -> bool:
        return (
            change.type == self.kind and re.fullmatch(self.pattern, change.description) is not None
        )


ACCEPTED: tuple[Accepted, ...] = (
    Accepted(
        BreakingChangeType.FIELD_CHANGED_KIND,
        r"Field Query\.me changed type from Me! to Me\.",
        # Issue 10: with `me: Me!` a signed-out `{ departments { id } me { id } }` lost its
        # public data (data: null). The contract's `query Me` validates as before; a typed
        # client now checks `me` for null, which it had to do for `data` already.
        "a nullable viewer, so public data survives a signed-out request",
    ),
    Accepted(
        BreakingChangeType.TYPE_REMOVED_FROM_UNION,
        rf"({_ERROR_TYPE_NAMES}) was removed from union type \w+Result\.",
        # Issue 10: every result union listed all 22 error types, so codegen could not tell
        # which errors a mutation returns. Each now lists only those its mutation can return
        # (tests/api/test_result_unions.py). The contract spreads `UserError` (`...Problem`,
        # `... on UserError`), never a concrete error type, so its operations still validate.
        "each mutation's result union lists only the errors it can return",
    ),
)


def breaking_changes(released: GraphQLSchema, served: GraphQLSchema) -> list[BreakingChange]:
    """The breaking changes no entry of ACCEPTED covers."""
    return [
        change
        for change in find_breaking_changes(released, served)
        if not any(entry.covers(change) for entry in ACCEPTED)
    ]


def test_no_breaking_change_against_the_last_release_but_the_accepted_ones() -> None:
    released = build_schema(RELEASED.read_text(encoding="utf-8"))
    unaccepted = breaking_changes(released, schema._schema)
    assert unaccepted == [], "\n".join(f"{c.type.name}: {c.description}" for c in unaccepted)


def test_every_accepted_change_is_still_needed() -> None:
    """An entry that covers nothing (the change was undone, or released) is taken off."""
    released = build_schema(RELEASED.read_text(encoding="utf-8"))
    changes = find_breaking_changes(released, schema._schema)
    for entry in ACCEPTED:
        assert any(entry.covers(c) for c in changes), f"nothing needs: {entry.why}"


def test_the_check_catches_a_removed_field_and_a_new_required_argument() -> None:
    """The comparison itself can fail: a field gone and an argument made required."""
    released = build_schema(RELEASED.read_text(encoding="utf-8"))
    sdl = schema.as_str()
    departments = '"""Every department, top-level and sub-departments alike"""'
    cut = sdl.replace(f"  {departments}\n  departments: [Department!]!\n", "")
    cut = cut.replace("order(\n", "order(\n    required: Int!\n", 1)
    assert cut != sdl
    kinds = {c.type for c in breaking_changes(released, build_schema(cut))}
    assert BreakingChangeType.FIELD_REMOVED in kinds
    assert BreakingChangeType.REQUIRED_ARG_ADDED in kinds
