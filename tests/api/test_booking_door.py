"""The booking door (booking_door.py): a sold-out slot's SLOT_FULL is answered before GraphQL
runs, with the slow path's own bytes, and only when the slow path would answer it; every other
request (no token, a bad one, an unverified caller, a key that made an order, a free slot, a
document or variables it does not recognise) gets exactly what the slow path answers."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from starlette.applications import Starlette

from fixtures.accounts import staff_token
from fixtures.graphql import contract_document
from fixtures.journey import book, open_slot, patient_of, sign_in, verified_user
from fixtures.population import BOOK as MUTATION
from hospital_bff.booking_door import DOOR, NOT_FULL_SECONDS
from hospital_bff.booking_request import booking_variable
from hospital_bff.config import Settings
from hospital_bff.runtime import Runtime
from hospital_bff.services.door_reads import Lookups
from hospital_bff.services.slot_gate import LocalGateStore, RedisGateStore


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The gate's count lapses after `slot_gate_ttl_seconds` of wall time (3 s), and a lapsed
    count sends a booking the slow way: on a loaded machine a test's steps took longer than
    that. Here it outlives the test; the lapse is tested by removing the count."""
    return settings.model_copy(update={"slot_gate_ttl_seconds": 3600.0})


def answered() -> float:
    return DOOR.labels("answered")._value.get()  # type: ignore[attr-defined,no-any-return]


async def full_slot(client: httpx.AsyncClient) -> tuple[str, str, str]:
    """A one-place slot, sold to a first patient: (slot id, their token, their patient)."""
    slot_id: str = (await open_slot(client))["slot"]["id"]
    response = await client.post(f"/sim/his/slots/{slot_id}/capacity", json={"capacity": 1})
    assert response.status_code == 200, response.text
    token, _ = await verified_user(client, openid="o-door-first")
    patient = await patient_of(client, token)
    booked = await book(client, token, patient, slot_id)
    assert booked["__typename"] == "BookAppointmentSuccess", booked
    return slot_id, token, patient


async def second_caller(client: httpx.AsyncClient) -> tuple[str, str]:
    """Another verified user with their own patient: (token, patient id)."""
    token, _ = await verified_user(client, openid="o-door-second")
    return token, await patient_of(client, token)


async def send(
    client: httpx.AsyncClient,
    payload: dict[str, Any],
    token: str | None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    response = await client.post("/graphql", json=payload, headers=all_headers)
    kept = {k: v for k, v in response.headers.items() if k != "x-request-id"}
    return response.status_code, kept, response.content


def booking(slot_id: str, patient: str, key: str, query: str = MUTATION) -> dict[str, Any]:
    return {
        "query": query,
        "variables": {"input": {"patientId": patient, "slotId": slot_id, "idempotencyKey": key}},
    }


async def door_and_slow_path(
    app: Starlette,
    client: httpx.AsyncClient,
    payload: dict[str, Any],
    token: str | None,
    headers: dict[str, str] | None = None,
) -> tuple[tuple[int, dict[str, str], bytes], float]:
    """The answer with the door on (and how many the door answered), then the same request
    with the door off: they must be the same."""
    before = answered()
    with_door = await send(client, payload, token, headers)
    by_door = answered() - before
    door = app.state.booking_door
    runtime, door.runtime = door.runtime, None
    try:
        slow = await send(client, payload, token, headers)
    finally:
        door.runtime = runtime
    assert with_door == slow
    return with_door, by_door


async def test_a_sold_out_slot_is_answered_at_the_door_with_the_slow_paths_bytes(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    slot_id, _, _ = await full_slot(client)
    token, patient = await second_caller(client)
    # The first SLOT_FULL is the slow path's: the door learns its bytes.
    before = answered()
    status, _, body = await send(client, booking(slot_id, patient, "a"), token)
    assert answered() == before
    assert b'"SLOT_FULL"' in body and status == 200
    (_, _, body), by_door = await door_and_slow_path(
        app, client, booking(slot_id, patient, "b"), token
    )
    assert by_door == 1
    assert b'"code":"SLOT_FULL"' in body.replace(b" ", b"")
    # In English for a caller who asks so: learnt apart, then answered alike.
    english = {"Accept-Language": "en"}
    await send(client, booking(slot_id, patient, "c"), token, english)
    (_, _, body), by_door = await door_and_slow_path(
        app, client, booking(slot_id, patient, "d"), token, english
    )
    assert by_door == 1 and b"This time slot is full" in body


async def test_the_contract_document_is_recognised_by_its_operation_name(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    slot_id, _, _ = await full_slot(client)
    token, patient = await second_caller(client)
    payload = booking(slot_id, patient, "a", contract_document("mobile"))
    payload["operationName"] = "BookAppointment"
    await send(client, payload, token)
    payload["variables"]["input"]["idempotencyKey"] = "b"
    (_, _, body), by_door = await door_and_slow_path(app, client, payload, token)
    assert by_door == 1 and b"SLOT_FULL" in body


async def test_a_key_that_made_an_order_still_answers_its_order(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    slot_id, first, first_patient = await full_slot(client)
    token, patient = await second_caller(client)
    await send(client, booking(slot_id, patient, "a"), token)
    # The first patient's request sent again (key "k1", as `book` sends it): their order.
    (_, _, body), by_door = await door_and_slow_path(
        app, client, booking(slot_id, first_patient, "k1"), first
    )
    assert by_door == 0
    assert b"BookAppointmentSuccess" in body


@pytest.mark.parametrize("token", [None, "not-a-token", "forged"])
async def test_no_token_or_a_bad_one_gets_the_slow_paths_refusal(
    app: Starlette, client: httpx.AsyncClient, token: str | None
) -> None:
    slot_id, first, first_patient = await full_slot(client)
    await send(client, booking(slot_id, first_patient, "learn"), first)  # learnt, for the door
    if token == "forged":  # the first patient's token, its signature changed
        token = first[:-4] + ("AAAA" if not first.endswith("AAAA") else "BBBB")
    (_, _, body), by_door = await door_and_slow_path(
        app, client, booking(slot_id, first_patient, "a"), token
    )
    assert by_door == 0
    assert b"UNAUTHENTICATED" in body


async def test_a_stranger_or_an_unverified_caller_hears_what_the_slow_path_says(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    slot_id, first, first_patient = await full_slot(client)
    await send(client, booking(slot_id, first_patient, "learn"), first)
    # Someone else naming the first patient: the slow path says SLOT_FULL before it looks at
    # the patient (a full slot tells nothing about whose patient it is), and so does the door.
    stranger, _ = await verified_user(client, openid="o-door-stranger")
    (_, _, body), by_door = await door_and_slow_path(
        app, client, booking(slot_id, first_patient, "k1"), stranger
    )
    assert by_door == 1 and b"SLOT_FULL" in body
    unverified = await sign_in(client, "o-door-unverified")
    (_, _, body), by_door = await door_and_slow_path(
        app, client, booking(slot_id, first_patient, "x"), unverified
    )
    assert by_door == 0 and b"NOT_VERIFIED" in body


async def test_a_free_slot_or_a_bad_key_or_odd_variables_go_the_slow_way(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    slot_id, first, first_patient = await full_slot(client)
    await send(client, booking(slot_id, first_patient, "learn"), first)
    (_, _, body), by_door = await door_and_slow_path(
        app, client, booking(slot_id, first_patient, "k" * 129), first
    )
    assert by_door == 0 and b"INVALID_INPUT" in body
    odd = booking(slot_id, first_patient, "y")
    odd["variables"]["input"]["extra"] = 1
    (_, _, body), by_door = await door_and_slow_path(app, client, odd, first)
    assert by_door == 0 and b"errors" in body
    free: str = (await open_slot(client))["slot"]["id"]
    assert free != slot_id
    token, _ = await verified_user(client, openid="o-door-free")
    before = answered()
    _, _, body = await send(client, booking(free, await patient_of(client, token), "z"), token)
    assert answered() == before and b"BookAppointmentSuccess" in body, body


def test_only_a_single_booking_of_its_variable_is_recognised() -> None:
    assert booking_variable(MUTATION, None) == "input"
    assert booking_variable(MUTATION, "Book") == "input"
    assert booking_variable(MUTATION, "Other") is None
    literal = (
        "mutation { bookAppointment("
        'input: {patientId: "p", slotId: "s", idempotencyKey: "k"}) { __typename } }'
    )
    assert booking_variable(literal, None) is None
    two = """mutation B($input: BookAppointmentInput!) {
      a: bookAppointment(input: $input) { __typename }
      b: bookAppointment(input: $input) { __typename } }"""
    assert booking_variable(two, None) is None
    defaulted = MUTATION.replace(
        "BookAppointmentInput!)",
        'BookAppointmentInput! = {patientId: "p", slotId: "s", idempotencyKey: "k"})',
    )
    assert booking_variable(defaulted, None) is None
    directive = MUTATION.replace(
        "bookAppointment(input: $input)", "bookAppointment(input: $input) @skip(if: true)"
    )
    assert booking_variable(directive, None) is None
    assert booking_variable("query { departments { id } }", None) is None
    assert booking_variable("not graphql", None) is None


async def test_callers_asked_about_together_each_get_their_own_answer(
    client: httpx.AsyncClient,
) -> None:
    # Sent at once, their reads are batched into one statement (Lookups): each still hears
    # what the slow path tells them.
    slot_id, first, first_patient = await full_slot(client)
    await send(client, booking(slot_id, first_patient, "learn"), first)
    others = [await verified_user(client, openid=f"o-door-{i}") for i in range(4)]
    unverified = await sign_in(client, "o-door-unverified")
    before = answered()
    answers = await asyncio.gather(
        send(client, booking(slot_id, first_patient, "k1"), first),
        send(client, booking(slot_id, first_patient, "fresh"), first),
        send(client, booking(slot_id, first_patient, "x"), unverified),
        *(send(client, booking(slot_id, first_patient, "k1"), t) for t, _ in others),
    )
    bodies = [body for _, _, body in answers]
    assert b"BookAppointmentSuccess" in bodies[0]
    assert b"SLOT_FULL" in bodies[1]
    assert b"NOT_VERIFIED" in bodies[2]
    assert all(b"SLOT_FULL" in body for body in bodies[3:])
    assert answered() - before == 5


async def test_a_lapsed_count_is_seeded_again_once_for_all_waiting(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id, first, first_patient = await full_slot(client)
    await send(client, booking(slot_id, first_patient, "learn"), first)
    (_, _, body) = await send(client, booking(slot_id, first_patient, "seen"), first)
    assert b"SLOT_FULL" in body
    # The count lapses (slot_gate_ttl_seconds): the door seeds it as a booking would, once.
    store = runtime.slot_gate.store
    if isinstance(store, LocalGateStore):
        store._counts.clear()
    else:
        assert isinstance(store, RedisGateStore)
        await runtime.redis.delete(store.prefix + slot_id)
    assert await runtime.slot_gate.full(slot_id) is None
    calls, before = runtime.his.calls, answered()
    answers = await asyncio.gather(
        *(send(client, booking(slot_id, first_patient, f"w{i}"), first) for i in range(3))
    )
    assert all(b"SLOT_FULL" in body for _, _, body in answers)
    assert answered() - before == 3
    assert runtime.his.calls == calls + 1  # the slot's capacity, asked once
    assert await runtime.slot_gate.full(slot_id) is True


async def test_a_body_too_deep_to_parse_is_the_views_coded_refusal(
    client: httpx.AsyncClient,
) -> None:
    """A signed-in booking whose JSON nests past the parser's depth is refused by the view with
    its code, not a server error at the door."""
    _slot_id, token, _patient = await full_slot(client)
    deep = '{"query": "bookAppointment", "variables": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = await client.post(
        "/graphql",
        content=deep.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"]


async def test_a_slot_with_places_is_asked_about_once_in_a_while_and_then_afresh(
    app: Starlette, client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a release sells, the attempts at a slot with places pass without a read of the
    gate each (NOT_FULL_SECONDS); a booking run here, or the time passing, asks it again."""
    slot_id, first, first_patient = await full_slot(client)
    await send(client, booking(slot_id, first_patient, "learn"), first)  # the template, learnt
    free: str = (await open_slot(client))["slot"]["id"]
    door = app.state.booking_door
    clock = [1000.0]
    monkeypatch.setattr(door, "now", lambda: clock[0])
    asked: list[str] = []
    full = runtime.slot_gate.full

    async def counted(slot: str) -> bool | None:
        asked.append(slot)
        return await full(slot)

    monkeypatch.setattr(runtime.slot_gate, "full", counted)
    # A booking at the free slot seeds its count; then callers the slow path turns away
    # before any booking runs (a forged token: UNAUTHENTICATED), as the shedding door would.
    token, _ = await verified_user(client, openid="o-door-memo")
    patient = await patient_of(client, token)
    _, _, body = await send(client, booking(free, patient, "first"), token)
    assert b"BookAppointmentSuccess" in body
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    asked.clear()
    for i in range(3):
        (_, _, body), by_door = await door_and_slow_path(
            app, client, booking(free, patient, f"f{i}"), forged
        )
        assert by_door == 0 and b"UNAUTHENTICATED" in body
    assert asked == [free], "asked once: the slot had places"
    clock[0] += NOT_FULL_SECONDS
    await send(client, booking(free, patient, "later"), forged)
    assert asked == [free, free], "asked afresh once the time had passed"
    # A booking run here may take the last place: the next attempt asks again.
    other, _ = await verified_user(client, openid="o-door-memo-2")
    _, _, body = await send(client, booking(free, await patient_of(client, other), "2"), other)
    assert b"BookAppointmentSuccess" in body, body
    asked.clear()
    await send(client, booking(free, patient, "after"), forged)
    assert asked == [free]
    # A sold-out slot is asked about every time (the door answers it SLOT_FULL).
    asked.clear()
    for i in range(2):
        _, _, body = await send(client, booking(slot_id, first_patient, f"s{i}"), first)
        assert b"SLOT_FULL" in body
    assert asked == [slot_id, slot_id]


async def test_a_staff_token_at_a_sold_out_slot_goes_the_slow_way(
    app: Starlette, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id, first, first_patient = await full_slot(client)
    await send(client, booking(slot_id, first_patient, "learn"), first)  # the template, learnt
    staff = await staff_token(runtime)
    (_, _, body), by_door = await door_and_slow_path(
        app, client, booking(slot_id, first_patient, "staff"), staff
    )
    assert by_door == 0
    assert b"SLOT_FULL" not in body, body


async def test_the_doors_read_is_one_text_whatever_its_batchs_size(
    runtime: Runtime, backend: str
) -> None:
    # On PostgreSQL a new text is a new prepared statement on each connection (door_reads.py).
    texts: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        texts.append(statement)

    lookups = Lookups(runtime.engine)
    event.listen(runtime.engine.sync_engine, "before_cursor_execute", seen)
    try:
        one = await lookups._read([("acc_nobody", "k")])
        three = await lookups._read([("acc_a", "k1"), ("acc_b", "k2"), ("acc_a", "k3")])
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", seen)
    assert one == [(False, False)] and three == [(False, False)] * 3
    assert len(texts) == 2
    if runtime.settings.is_sqlite:
        assert texts[0] != texts[1]  # SQLite has no arrays: an expanding IN
    else:
        assert texts[0] == texts[1]
