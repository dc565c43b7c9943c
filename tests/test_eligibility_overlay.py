"""A patient's schedules made from the kept public answer answer exactly what the whole query
run field by field answers: for every verdict, language and owner, and after a change."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from fixtures.graphql import contract_document
from fixtures.journey import book, patient_of, verified_user
from hospital_bff.eligibility_overlay import plan_of
from hospital_bff.response_cache import ResponseCache

DAY = "2026-11-28"
ROOT = "schedules(departmentId: $departmentId, from: $from, to: $to) {"
# The same operation with a directive: the overlay leaves it alone, so it runs field by field.
FIELD_BY_FIELD = contract_document().replace(ROOT, ROOT[:-1] + " @include(if: true) {")


async def both(
    client: httpx.AsyncClient,
    token: str,
    department: str,
    patient_id: str,
    headers: dict[str, str] | None = None,
) -> tuple[bytes, bytes]:
    async def answer(document: str) -> bytes:
        response = await client.post(
            "/graphql",
            json={
                "query": document,
                "operationName": "DepartmentSchedules",
                "variables": {
                    "departmentId": department,
                    "from": DAY,
                    "to": DAY,
                    "patientId": patient_id,
                },
            },
            headers={"authorization": f"Bearer {token}", **(headers or {})},
        )
        assert response.status_code == 200, response.text
        return response.content

    return await answer(contract_document()), await answer(FIELD_BY_FIELD)


def codes(body: bytes) -> set[Any]:
    import json

    return {s["eligibility"]["code"] for s in json.loads(body)["data"]["schedules"]}


def test_only_the_contracts_shape_is_laid_over() -> None:
    assert plan_of(contract_document(), "DepartmentSchedules") is not None
    assert plan_of(FIELD_BY_FIELD, "DepartmentSchedules") is None
    assert plan_of(contract_document(), "ExpertDetail") is None
    other_use = 'query Q($p: ID) { schedules(departmentId: $p, from: "2026-11-28", to: "2026-11-28") { id eligibility(patientId: $p) { eligible } } }'  # noqa: E501
    assert plan_of(other_use, "Q") is None


async def test_the_overlay_answers_what_the_query_answers(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    cache: ResponseCache = app.state.response_cache
    token, _ = await verified_user(client, sex="MALE")
    patient = await patient_of(client, token)
    laid, run = await both(client, token, "dep-fck", patient)
    assert laid == run
    assert codes(laid) == {"INELIGIBLE_SEX"}
    assert len(cache) == 1  # the public answer the verdicts were laid over; nothing personal
    laid, run = await both(client, token, "dep-yk", patient)
    assert laid == run
    assert None in codes(laid)
    laid, run = await both(client, token, "dep-fck", patient, {"accept-language": "en"})
    assert laid == run
    assert b"male patients" in laid
    # Someone else's patient is NOT_FOUND on every schedule, laid over or not.
    stranger, _ = await verified_user(client, openid="o-stranger", name="王小二")
    laid, run = await both(client, stranger, "dep-yk", patient)
    assert laid == run
    assert codes(laid) == {"NOT_FOUND"}


async def test_a_booking_shows_in_the_overlay_at_once(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    patient = await patient_of(client, token)
    laid, _ = await both(client, token, "dep-yk", patient)
    import json

    first = json.loads(laid)["data"]["schedules"][0]
    slot = next(s["id"] for s in first["slots"] if s["remaining"] > 0)
    assert (await book(client, token, patient, slot))["__typename"] == "BookAppointmentSuccess"
    laid, run = await both(client, token, "dep-yk", patient)
    assert laid == run
    again = next(s for s in json.loads(laid)["data"]["schedules"] if s["id"] == first["id"])
    assert again["eligibility"]["code"] == "DUPLICATE_BOOKING"
    assert (
        next(s["remaining"] for s in again["slots"] if s["id"] == slot)
        == next(s["remaining"] for s in first["slots"] if s["id"] == slot) - 1
    )


async def test_without_a_token_the_query_refuses_as_usual(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={
            "query": contract_document(),
            "operationName": "DepartmentSchedules",
            "variables": {"departmentId": "dep-yk", "from": DAY, "to": DAY, "patientId": "p-1"},
        },
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
