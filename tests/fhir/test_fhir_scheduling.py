"""Booking through /fhir as the app books: $find → $hold → $book → pay at the bank's
cashier → booked → cancelled through $book → refunded, with the books balanced to the fen."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.applications import Starlette

from fixtures.fhir import error_code, extension, fhir_get, fhir_operation, resources
from fixtures.journey import eventually, open_slot, patient_of, verified_user
from fixtures.money import assert_books_balance, cashier_pay, order_row, refund_rows
from hospital_bff.datasources.errors import HisUnavailable
from hospital_bff.outages import TryAgain as RedisTryAgain
from hospital_bff.runtime import Runtime
from hospital_bff.services.booking import BookingService
from hospital_bff.services.slot_gate import TryAgain


def _value(ext: dict[str, Any], name: str) -> Any:
    part = next(e for e in ext["extension"] if e["url"] == name)
    return next(v for k, v in part.items() if k.startswith("value"))


async def _find(
    client: httpx.AsyncClient, token: str, patient_id: str, status: int = 200
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": "patient", "valueReference": {"reference": f"Patient/{patient_id}"}},
        {"name": "organization", "valueReference": {"reference": "Organization/dep-yk"}},
        {"name": "start", "valueDate": "2026-11-28"},
    ]
    return await fhir_operation(client, "find", token, parameters, status=status)


async def test_find_hold_book_pay_cancel_refund(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    patient_id = await patient_of(client, token)
    slot_id = (await open_slot(client))["slot"]["id"]

    found = await _find(client, token, patient_id)
    proposals = resources(found, "Appointment")
    assert proposals and all(p["status"] == "proposed" for p in proposals)
    proposal = next(p for p in proposals if p["slot"][0]["reference"] == f"Slot/{slot_id}")

    held = resources(
        await fhir_operation(
            client,
            "hold",
            token,
            [
                {
                    "name": "appointment-reference",
                    "valueReference": {"reference": f"Appointment/{proposal['id']}"},
                }
            ],
        )
    )[0]
    assert held["status"] == "pending"
    assert extension(held, "order-status")["valueCode"] == "AWAITING_PAYMENT"  # type: ignore[index]
    # The place is held: the slot has one fewer.
    slot = await fhir_get(client, f"Slot/{slot_id}", token)
    assert slot["comment"].startswith("1/")

    reference = [
        {
            "name": "appointment-reference",
            "valueReference": {"reference": f"Appointment/{held['id']}"},
        }
    ]
    booked = resources(await fhir_operation(client, "book", token, reference))[0]
    assert booked["id"] == held["id"] and booked["status"] == "pending"
    payment = extension(booked, "payment")
    assert payment is not None
    order_id = held["id"].replace("ord-", "ord_", 1)
    order = await order_row(runtime, order_id)
    assert _value(payment, "amountFen") == order.amount
    assert _value(payment, "status") == "PENDING"
    # $book again answers the same payment (one bank order for one order).
    again = resources(await fhir_operation(client, "book", token, reference))[0]
    assert _value(extension(again, "payment"), "paymentId") == _value(payment, "paymentId")  # type: ignore[arg-type]

    paid = await cashier_pay(client, _value(payment, "payUrl"))
    assert paid.status_code == 200, paid.text

    async def is_booked() -> bool:
        body = await fhir_get(client, f"Appointment/{held['id']}", token)
        return bool(body["status"] == "booked")

    await eventually(is_booked)

    cancel = [
        {
            "name": "appointment-resource",
            "resource": {
                "resourceType": "Appointment",
                "id": held["id"],
                "status": "cancelled",
                "cancelationReason": {"text": "改期"},
                "participant": [
                    {"actor": {"reference": f"Patient/{patient_id}"}, "status": "declined"}
                ],
            },
        }
    ]
    cancelled = resources(await fhir_operation(client, "book", token, cancel))[0]
    assert cancelled["status"] == "cancelled"
    assert extension(cancelled, "order-status")["valueCode"] == "CANCELLED"  # type: ignore[index]
    refunds = await refund_rows(runtime, order_id)
    assert [r.amount for r in refunds] == [order.amount]
    await assert_books_balance(client, app, runtime)


async def test_find_names_what_the_patient_may_not_book(client: httpx.AsyncClient) -> None:
    # A man at 妇科-like restriction is not the seed's; an age bound is: the paediatric
    # department (dep-ek) sees children only.
    token, _ = await verified_user(client)
    patient_id = await patient_of(client, token)
    parameters: list[dict[str, Any]] = [
        {"name": "patient", "valueReference": {"reference": f"Patient/{patient_id}"}},
        {"name": "organization", "valueReference": {"reference": "Organization/dep-ek"}},
        {"name": "start", "valueDate": "2026-11-28"},
    ]
    found = await fhir_operation(client, "find", token, parameters)
    assert resources(found, "Appointment") == []
    outcomes = [e["resource"] for e in found["entry"] if e["search"]["mode"] == "outcome"]
    codes = {i["details"]["coding"][0]["code"] for o in outcomes for i in o["issue"]}
    assert codes == {"INELIGIBLE_AGE"}


async def test_operations_refuse_bad_input_and_others_patients(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    other, _ = await verified_user(client, openid="o-other", name="韩梅梅", sex="FEMALE")
    theirs = await patient_of(client, other)
    # Another's patient answers as a missing one does.
    refused = await _find(client, other, await patient_of(client, token), status=404)
    assert refused == await _find(client, other, "pat-none", status=404)
    assert error_code(refused) == "NOT_FOUND"
    slot_id = (await open_slot(client))["slot"]["id"]
    hold = await fhir_operation(
        client,
        "hold",
        token,
        [
            {
                "name": "appointment-reference",
                "valueReference": {"reference": f"Appointment/proposed.{slot_id}.{theirs}"},
            }
        ],
        status=404,
    )
    assert error_code(hold) == "NOT_FOUND"
    missing = await fhir_operation(client, "hold", token, [], status=400)
    assert error_code(missing) == "INVALID_INPUT"


def _booked(code: str) -> float:
    value = REGISTRY.get_sample_value("bff_booking_outcomes_total", {"code": code})
    return value or 0.0


def _proposal(slot_id: str, patient_id: str) -> list[dict[str, Any]]:
    reference = f"Appointment/proposed.{slot_id}.{patient_id}"
    return [{"name": "appointment-reference", "valueReference": {"reference": reference}}]


async def test_a_hold_is_counted_as_bookappointment_counts(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    other, _ = await verified_user(client, openid="o-other", name="韩梅梅", sex="FEMALE")
    slot_id = (await open_slot(client))["slot"]["id"]
    ok, not_found = _booked("OK"), _booked("NOT_FOUND")
    await fhir_operation(client, "hold", token, _proposal(slot_id, await patient_of(client, token)))
    assert _booked("OK") == ok + 1
    theirs = _proposal(slot_id, await patient_of(client, other))
    await fhir_operation(client, "hold", token, theirs, status=404)
    assert (_booked("OK"), _booked("NOT_FOUND")) == (ok + 1, not_found + 1)


async def _hold_refused(
    client: httpx.AsyncClient,
    app: Starlette,
    monkeypatch: pytest.MonkeyPatch,
    refusal: Exception,
    door_asks_for: float,
) -> httpx.Response:
    """A $hold whose booking raises `refusal`, while the door asks callers to wait that long."""
    token, _ = await verified_user(client)
    slot_id = (await open_slot(client))["slot"]["id"]
    parameters = _proposal(slot_id, await patient_of(client, token))

    async def refused(*_args: Any) -> Any:
        raise refusal

    monkeypatch.setattr(BookingService, "book", refused)
    door = app.state.front_door
    door.returns_until = door.now() + door_asks_for
    response = await client.post(
        "/fhir/Appointment/$hold",
        json={"resourceType": "Parameters", "parameter": parameters},
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )
    assert response.status_code == 503, response.text
    return response


@pytest.mark.parametrize(
    ("refusal", "code"),
    [(TryAgain(), "TRY_AGAIN"), (HisUnavailable("down", system="his"), "UPSTREAM_UNAVAILABLE")],
)
async def test_a_503_says_when_to_ask_again_as_graphqls_door_does(
    client: httpx.AsyncClient,
    app: Starlette,
    monkeypatch: pytest.MonkeyPatch,
    refusal: Exception,
    code: str,
) -> None:
    counted = _booked(code)
    # The door asks for longer while crowded: 7 s.
    response = await _hold_refused(client, app, monkeypatch, refusal, 6.5)
    assert error_code(response.json()) == code
    assert response.headers["retry-after"] == "7"
    assert _booked(code) == counted + 1


@pytest.mark.parametrize("away", [RedisTryAgain("redis"), RedisConnectionError("refused")])
async def test_redis_away_is_a_503_try_again_not_a_500(
    client: httpx.AsyncClient,
    app: Starlette,
    monkeypatch: pytest.MonkeyPatch,
    away: Exception,
) -> None:
    response = await _hold_refused(client, app, monkeypatch, away, 2.5)
    assert error_code(response.json()) == "TRY_AGAIN"
    assert response.headers["retry-after"] == "3"
