"""Each mutation's result union lists exactly the UserErrors it can return, and its resolver
maps a DomainError only to one of those (schema/results.py).

TABLE is what the resolvers and the services under them raise, read from the code: a
mutation that starts to raise a new code must add it here and to its union, or its callers
get an internal error instead of an answer codegen never told them about."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import get_args

import httpx
import pytest

from hospital_bff.resolvers.mutations import UndeclaredUserError, as_listed
from hospital_bff.schema import mutation, results, schema
from hospital_bff.schema.enums import ErrorCode
from hospital_bff.schema.errors import ERROR_TYPES, UserError
from hospital_bff.services.eligibility import IneligibleCode
from hospital_bff.services.errors import DomainError

# mutation field -> the codes it can answer as data. Every one takes arguments, so every one
# can answer INVALID_INPUT (the edge check refuses a bad argument before the resolver runs).
TABLE: dict[str, set[str]] = {
    "signIn": {"INVALID_INPUT", "RATE_LIMITED", "UPSTREAM_UNAVAILABLE"},
    "verifyIdentity": {
        "INVALID_INPUT",
        "INVALID_ID_NUMBER",
        "IDENTITY_MISMATCH",
        "NOT_VERIFIED",
        "NOT_FOUND",
        "INVALID_STATE",
        "RATE_LIMITED",
        "UPSTREAM_UNAVAILABLE",
    },
    "bindPatient": {
        "INVALID_INPUT",
        "INVALID_ID_NUMBER",
        "IDENTITY_MISMATCH",
        "NOT_VERIFIED",
        "ALREADY_BOUND",
        "PATIENT_LIMIT_REACHED",
        "RATE_LIMITED",
        "UPSTREAM_UNAVAILABLE",
    },
    "unbindPatient": {"INVALID_INPUT", "NOT_VERIFIED", "NOT_FOUND"},
    "restrictUser": {"INVALID_INPUT", "NOT_FOUND", "FORBIDDEN"},
    "bookAppointment": {
        "INVALID_INPUT",
        "NOT_VERIFIED",
        "NOT_FOUND",
        "USER_RESTRICTED",
        "SCHEDULE_NOT_OPEN",
        "SLOT_FULL",
        "INELIGIBLE_SEX",
        "INELIGIBLE_AGE",
        "DUPLICATE_BOOKING",
        "BOOKING_LIMIT_REACHED",
        "INVALID_STATE",
        "UPSTREAM_UNAVAILABLE",
        "TRY_AGAIN",
    },
    "payOrder": {
        "INVALID_INPUT",
        "NOT_VERIFIED",
        "NOT_FOUND",
        "ORDER_EXPIRED",
        "ORDER_CLOSED",
        "INVALID_STATE",
        "USER_RESTRICTED",
        "UPSTREAM_UNAVAILABLE",
    },
    "cancelAppointment": {
        "INVALID_INPUT",
        "NOT_FOUND",
        "CANCEL_NOT_ALLOWED",
        "INVALID_STATE",
        "UPSTREAM_UNAVAILABLE",
    },
    "payBills": {
        "INVALID_INPUT",
        "NOT_VERIFIED",
        "NOT_FOUND",
        "USER_RESTRICTED",
        "PAY_AT_HOSPITAL",
        "INVALID_STATE",
        "UPSTREAM_UNAVAILABLE",
    },
    "joinWaitlist": {
        "INVALID_INPUT",
        "NOT_VERIFIED",
        "NOT_FOUND",
        "USER_RESTRICTED",
        "SCHEDULE_NOT_OPEN",
        "INELIGIBLE_SEX",
        "INELIGIBLE_AGE",
        "DUPLICATE_BOOKING",
        "BOOKING_LIMIT_REACHED",
        "PLACES_AVAILABLE",
        "ALREADY_WAITING",
        "UPSTREAM_UNAVAILABLE",
    },
    "leaveWaitlist": {"INVALID_INPUT", "NOT_VERIFIED", "NOT_FOUND"},
    "acceptWaitlistOffer": {
        "INVALID_INPUT",
        "NOT_VERIFIED",
        "NOT_FOUND",
        "USER_RESTRICTED",
        "SCHEDULE_NOT_OPEN",
        "SLOT_FULL",
        "INELIGIBLE_SEX",
        "INELIGIBLE_AGE",
        "DUPLICATE_BOOKING",
        "BOOKING_LIMIT_REACHED",
        "INVALID_STATE",
        "UPSTREAM_UNAVAILABLE",
        "TRY_AGAIN",
    },
    "declineWaitlistOffer": {"INVALID_INPUT", "NOT_VERIFIED", "NOT_FOUND", "INVALID_STATE"},
    "checkIn": {
        "INVALID_INPUT",
        "NOT_FOUND",
        "INVALID_STATE",
        "CHECK_IN_NOT_OPEN",
        "CHECK_IN_CLOSED",
        "ALREADY_CHECKED_IN",
        "TOO_FAR_FROM_HOSPITAL",
        "UPSTREAM_UNAVAILABLE",
    },
    "markNoticesRead": {"INVALID_INPUT"},
    "acceptNoticeSubscriptions": {"INVALID_INPUT", "NOT_VERIFIED"},
    "grantRecordAccess": {"INVALID_INPUT", "NOT_VERIFIED", "NOT_FOUND"},
    "revokeRecordAccess": {"INVALID_INPUT", "NOT_VERIFIED", "NOT_FOUND"},
    "suspendSchedule": {"INVALID_INPUT", "FORBIDDEN", "NOT_FOUND", "UPSTREAM_UNAVAILABLE"},
    "runReconciliation": {"INVALID_INPUT", "FORBIDDEN", "UPSTREAM_UNAVAILABLE"},
    "resolveReconciliationFinding": {"INVALID_INPUT", "FORBIDDEN", "NOT_FOUND"},
}

TYPE_OF = {code.value: kind.__name__ for code, kind in ERROR_TYPES.items()}


def _union_of(field: str) -> object:
    """The result union (the Annotated alias of schema/results.py) a Mutation field returns."""
    return getattr(results, field[0].upper() + field[1:] + "Result")


def test_the_table_names_every_mutation() -> None:
    assert set(TABLE) == set(schema._schema.mutation_type.fields)  # type: ignore[union-attr]


@pytest.mark.parametrize("field", sorted(TABLE))
def test_each_union_lists_its_success_and_exactly_its_errors(field: str) -> None:
    union = schema._schema.mutation_type.fields[field].type  # type: ignore[union-attr]
    members = {t.name for t in union.of_type.types}
    success = field[0].upper() + field[1:] + "Success"
    assert members == {success} | {TYPE_OF[c] for c in TABLE[field]}
    assert "INVALID_INPUT" in TABLE[field]  # what the edge check answers for any mutation


def test_booking_lists_every_refusal_of_the_booking_rules() -> None:
    """Derived, not copied: the rules' codes (services/eligibility.py) are all answerable."""
    assert set(get_args(IneligibleCode)) <= TABLE["bookAppointment"]


@pytest.mark.parametrize("field", sorted(TABLE))
def test_a_listed_code_maps_to_its_type_and_any_other_is_refused(field: str) -> None:
    union = _union_of(field)
    for code in ErrorCode:
        error = DomainError("原因", code=code.value, message_en="why")
        if code.value in TABLE[field]:
            answer = as_listed(error, union, "en")
            assert type(answer).__name__ == TYPE_OF[code.value]
            assert isinstance(answer, UserError) and answer.message == "why"
        else:
            with pytest.raises(UndeclaredUserError):
                as_listed(error, union, "en")


def _mapped_union(function: ast.AsyncFunctionDef) -> str | None:
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"command_result", "in_one_unit"}
            and len(node.args) == 3
            and isinstance(node.args[2], ast.Name)
        ):
            return node.args[2].id
    return None


@pytest.mark.parametrize("field", sorted(TABLE))
def test_each_resolver_maps_errors_through_its_own_union(field: str) -> None:
    """The Mutation field returns union R; the resolver it calls hands R to command_result or
    in_one_unit (resolvers/mutations.py)."""
    source = Path(inspect.getfile(mutation)).read_text(encoding="utf-8")
    tree = ast.parse(source)
    snake = "".join("_" + c.lower() if c.isupper() else c for c in field)
    method = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.AsyncFunctionDef) and n.name == snake and n.returns is not None
    )
    returned = ast.unparse(method.returns)  # type: ignore[arg-type]
    call = next(
        n
        for statement in method.body  # not the decorator's call
        for n in ast.walk(statement)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
    )
    assert isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
    module = getattr(mutation, call.func.value.id)
    resolver_tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    resolver = next(
        n
        for n in ast.walk(resolver_tree)
        if isinstance(n, ast.AsyncFunctionDef) and n.name == call.func.attr
    )
    assert _mapped_union(resolver) == returned, (field, returned)


async def test_a_code_the_union_does_not_list_is_an_internal_error_not_an_answer(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hospital_bff.services.accounts import signin
    from hospital_bff.services.booking import SlotFull

    async def full(*_args: object, **_kwargs: object) -> None:
        raise SlotFull()

    monkeypatch.setattr(signin, "sign_in", full)
    response = await client.post(
        "/graphql",
        json={
            "query": 'mutation { signIn(platform: WECHAT, code: "c0de") '
            "{ __typename ... on UserError { code } } }"
        },
    )
    body = response.json()
    assert "SlotFullError" not in response.text
    assert body["errors"], body
    assert body["data"] is None
