"""The shortcuts that read a request's document before strawberry does (the response cache,
the booking door, the eligibility overlay, the personal answers) stop parsing at the schema's
token limit: an oversized document is "not mine" to each, and the schema refuses it."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from hospital_bff.booking_request import booking_variable
from hospital_bff.bounded_parse import MAX_TOKENS, parse_bounded
from hospital_bff.config import Settings
from hospital_bff.eligibility_overlay import plan_of
from hospital_bff.personal_answers import _query_roots
from hospital_bff.public_operations import public_operations

# Every `a` is a token: a document the schema refuses, the size of a 256 KB body's worth.
OVERSIZED_PUBLIC = "{ departments { " + "id " * (MAX_TOKENS + 1) + "} }"
BOOKING = (
    "mutation B($input: BookAppointmentInput!) { bookAppointment(input: $input) { __typename %s} }"
)
OVERSIZED_BOOKING = BOOKING % ("__typename " * (MAX_TOKENS + 1))
SCHEDULES = (
    'query S($p: ID!) { schedules(departmentId: "dep-nk", from: "2026-12-05",'
    ' to: "2026-12-11") { id eligibility(patientId: $p) { eligible } %s} }'
)
OVERSIZED_SCHEDULES = SCHEDULES % ("id " * (MAX_TOKENS + 1))


def test_the_limit_is_the_schemas_default() -> None:
    assert MAX_TOKENS == Settings().max_query_tokens == 2000


def test_parsing_stops_at_the_limit() -> None:
    with pytest.raises(GraphQLError, match="more than 2000 tokens"):
        parse_bounded(OVERSIZED_PUBLIC)


def test_comments_are_not_tokens() -> None:
    document = parse_bounded("# " + "x" * 200_000 + "\n{ departments { id } }")
    assert len(document.definitions) == 1


def test_each_shortcut_reads_an_oversized_document_as_not_its_own() -> None:
    assert public_operations(OVERSIZED_PUBLIC) == frozenset()
    assert booking_variable(OVERSIZED_BOOKING, None) is None
    assert plan_of(OVERSIZED_SCHEDULES, None) is None
    assert _query_roots(OVERSIZED_SCHEDULES, None) is None


def test_the_same_shapes_within_the_limit_are_their_own() -> None:
    assert public_operations("{ departments { id } }") == frozenset({None})
    assert booking_variable(BOOKING % "", None) == "input"
    assert plan_of(SCHEDULES % "", None) is not None
    assert _query_roots(SCHEDULES % "", None) == frozenset({"schedules"})
