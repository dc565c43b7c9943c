"""The waitlist through GraphQL: join (position), a cancellation offers the place to the first
waiter, a lapsed offer reaches the next, who accepts and gets an order to pay; staff's view."""

from __future__ import annotations

from typing import Any

import httpx
from prometheus_client import REGISTRY

from fixtures.accounts import staff_token
from fixtures.journey import eventually, patient_of, verified_user
from fixtures.money import cancel, confirmed_order
from fixtures.waitlist import full_schedule
from hospital_bff.clock import FrozenClock
from hospital_bff.jobs.scheduler import settle_waitlists
from hospital_bff.runtime import Runtime

WAITLISTS = """
query { me { waitlists { id status position scheduleId
  offer { id status expiresAt } } } }
"""
JOIN = """
mutation ($input: JoinWaitlistInput!) { joinWaitlist(input: $input) {
  __typename
  ... on JoinWaitlistSuccess { waitlist { id position status } }
  ... on UserError { code message } } }
"""
ACCEPT = """
mutation ($id: ID!) { acceptWaitlistOffer(offerId: $id) {
  __typename
  ... on AcceptWaitlistOfferSuccess { order { id status expiresAt } }
  ... on UserError { code } } }
"""
STAFF = """
query ($id: ID!) { scheduleWaitlist(scheduleId: $id) { patientName position status } }
"""


async def send(
    client: httpx.AsyncClient, query: str, token: str, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


async def waitlists(client: httpx.AsyncClient, token: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = (await send(client, WAITLISTS, token))["me"]["waitlists"]
    return result


def _booked() -> float:
    return REGISTRY.get_sample_value("bff_booking_outcomes_total", {"code": "OK"}) or 0.0


async def offer_of(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """Wait until the patient's waitlist shows a place held for them."""
    seen: list[dict[str, Any]] = []

    async def held() -> bool:
        seen[:] = [w for w in await waitlists(client, token) if w["offer"]]
        return bool(seen)

    await eventually(held)
    return seen[0]["offer"]


async def test_a_cancelled_place_is_offered_in_turn_and_booked_by_the_one_who_accepts(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    found = await full_schedule(client)
    schedule_id = found["schedule"]["id"]
    holder, _ = await verified_user(client, openid="o-holder", name="韩梅梅", sex="FEMALE")
    held = await confirmed_order(client, holder, found["slot"]["id"])
    first, _ = await verified_user(client, openid="o-first", name="张三")
    second, _ = await verified_user(client, openid="o-second", name="李四")
    joined = []
    for token in (first, second):
        data = await send(
            client,
            JOIN,
            token,
            input={"patientId": await patient_of(client, token), "scheduleId": schedule_id},
        )
        joined.append(data["joinWaitlist"])
        clock.advance(seconds=1)
    assert [j["waitlist"]["position"] for j in joined] == [1, 2], joined
    again = await send(
        client,
        JOIN,
        first,
        input={"patientId": await patient_of(client, first), "scheduleId": schedule_id},
    )
    assert again["joinWaitlist"]["__typename"] == "AlreadyWaitingError"
    staff = await send(client, STAFF, await staff_token(runtime), id=schedule_id)
    assert [w["patientName"] for w in staff["scheduleWaitlist"]] == ["张三", "李四"]

    cancelled = await cancel(client, holder, held["id"])
    assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled

    offer = await offer_of(client, first)
    assert offer["status"] == "OPEN"
    assert [w["position"] for w in await waitlists(client, second)] == [2]

    # Unanswered, the offer lapses (the sweep's net, as the delayed job would) to the next.
    clock.advance(minutes=runtime.settings.waitlist_offer_minutes, seconds=1)
    await settle_waitlists(runtime)
    offer = await offer_of(client, second)
    assert await waitlists(client, first) == [], "a lapsed offer ends the entry"

    booked_before = _booked()
    accepted = await send(client, ACCEPT, second, id=offer["id"])

    answer = accepted["acceptWaitlistOffer"]
    assert answer["__typename"] == "AcceptWaitlistOfferSuccess", answer
    assert answer["order"]["status"] == "AWAITING_PAYMENT"
    assert _booked() == booked_before + 1, "an accepted offer is a registration booked"
    assert await waitlists(client, second) == []
    again = await send(client, ACCEPT, second, id=offer["id"])
    assert again["acceptWaitlistOffer"]["order"]["id"] == answer["order"]["id"]


LEAVE = """
mutation ($id: ID!) { leaveWaitlist(waitlistId: $id) {
  __typename
  ... on UserError { code } } }
"""


async def test_a_waiters_kept_position_moves_up_when_one_ahead_leaves(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    """`me { waitlists { position } }` is kept per account (personal_answers); the change of
    someone else's entry on the same list moves every waiter's generation (store/touched.py)."""
    from prometheus_client import REGISTRY

    def hits() -> float:
        sample = REGISTRY.get_sample_value("bff_personal_answers_total", {"outcome": "hit"})
        return sample or 0.0

    found = await full_schedule(client)
    schedule_id = found["schedule"]["id"]
    holder, _ = await verified_user(client, openid="o-holder", name="韩梅梅", sex="FEMALE")
    await confirmed_order(client, holder, found["slot"]["id"])
    first, _ = await verified_user(client, openid="o-first", name="张三")
    second, _ = await verified_user(client, openid="o-second", name="李四")
    entries = []
    for token in (first, second):
        data = await send(
            client,
            JOIN,
            token,
            input={"patientId": await patient_of(client, token), "scheduleId": schedule_id},
        )
        entries.append(data["joinWaitlist"]["waitlist"])
        clock.advance(seconds=1)

    async def kept_for_second() -> bool:
        before = hits()
        assert [w["position"] for w in await waitlists(client, second)] == [2]
        return hits() == before + 1

    await eventually(kept_for_second)
    left = await send(client, LEAVE, first, id=entries[0]["id"])
    assert left["leaveWaitlist"]["__typename"] == "LeaveWaitlistSuccess", left
    assert [w["position"] for w in await waitlists(client, second)] == [1]
