"""Under a burst of cancellations and joins across two API processes (PostgreSQL, Redis), no
place is offered or sold twice: each freed place is held for one waiter at most, and what is
booked never exceeds what the schedule has (checked in the database, not in the answers)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from conftest import REDIS_URL
from fixtures.cluster import Cluster
from fixtures.population import Booker, make_population, size_schedule
from fixtures.servers import cluster_of
from hospital_bff.clock import Clock
from hospital_bff.config import Settings
from hospital_bff.store.db import create_engine

pytestmark = pytest.mark.slow

PLACES = 6

BOOK = """mutation ($input: BookAppointmentInput!) { bookAppointment(input: $input) {
  __typename ... on BookAppointmentSuccess { order { id } } ... on UserError { code } } }"""
CANCEL = """mutation ($id: ID!) { cancelAppointment(orderId: $id) {
  __typename ... on UserError { code } } }"""
JOIN = """mutation ($input: JoinWaitlistInput!) { joinWaitlist(input: $input) {
  __typename ... on UserError { code } } }"""
MINE = """query { me { waitlists { offer { id status } } } }"""
ACCEPT = """mutation ($id: ID!) { acceptWaitlistOffer(offerId: $id) {
  __typename ... on AcceptWaitlistOfferSuccess { order { id } } ... on UserError { code } } }"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    # This checkout's own Redis db (BFF_TEST_REDIS_URL), emptied by the cluster first.
    with cluster_of(tmp_path_factory, "waitlist", int(REDIS_URL.rsplit("/", 1)[1] or 0)) as c:
        yield c


async def _send(
    http: httpx.AsyncClient, server: str, booker: Booker, query: str, **variables: Any
) -> dict[str, Any]:
    for _ in range(50):
        r = await http.post(
            f"{server}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {booker.token}"},
        )
        body: dict[str, Any] = r.json()
        errors = body.get("errors") or []
        # The front door (shedding.py) refuses a burst's excess before it runs: sent again.
        refused = bool(errors) and all(e["extensions"]["code"] == "TRY_AGAIN" for e in errors)
        assert refused or not errors, body
        answer: dict[str, Any] = {} if refused else next(iter(body["data"].values()))
        if not refused and not (isinstance(answer, dict) and answer.get("code") == "TRY_AGAIN"):
            return answer
        await asyncio.sleep(0.05 * (0.5 + random.random()))
    raise AssertionError("TRY_AGAIN fifty times")


async def _rows(settings: Settings, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(settings.database_url)
    async with engine.connect() as conn:
        rows = list((await conn.execute(text(sql), params)).all())
    await engine.dispose()
    return rows


async def _placed(settings: Settings, schedule_id: str) -> int:
    """Places taken on the schedule: active orders plus open offers."""
    (row,) = await _rows(
        settings,
        "SELECT (SELECT count(*) FROM bff_order WHERE schedule_id = :s AND status IN"
        " ('AWAITING_PAYMENT', 'PAID', 'CONFIRMED'))"
        " + (SELECT count(*) FROM waitlist_offer WHERE schedule_id = :s AND status IN"
        " ('OPEN', 'ACCEPTING'))",
        s=schedule_id,
    )
    return int(row[0])


async def _until(check: Any, timeout: float = 120) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.2)


def test_a_burst_of_cancellations_and_joins_offers_and_sells_each_place_once(
    cluster: Cluster,
) -> None:
    async def scenario() -> None:
        day = Clock().today() + timedelta(days=2)
        schedule = f"sch-exp-nk-1-{day:%Y%m%d}-AM"
        slots = await size_schedule(cluster.sim_his, schedule, places=PLACES, per_slot=2)
        people = await make_population(cluster.settings, cluster.sim_his, 40, prefix="wl")
        holders, waiters, late, public = people[:6], people[6:26], people[26:34], people[34:]
        servers = cluster.servers
        async with httpx.AsyncClient(timeout=120) as http:

            def at(i: int) -> str:
                return servers[i % len(servers)]

            booked = [
                await _send(
                    http,
                    at(i),
                    b,
                    BOOK,
                    input={
                        "patientId": b.patient_id,
                        "slotId": slots[i % len(slots)],
                        "idempotencyKey": f"h-{i}",
                    },
                )
                for i, b in enumerate(holders)
            ]
            assert all(a["__typename"] == "BookAppointmentSuccess" for a in booked), booked

            async def join(i: int, b: Booker) -> str:
                answer = await _send(
                    http,
                    at(i),
                    b,
                    JOIN,
                    input={"patientId": b.patient_id, "scheduleId": schedule},
                )
                return str(answer["__typename"])

            joined = await asyncio.gather(*(join(i, b) for i, b in enumerate(waiters)))
            assert set(joined) == {"JoinWaitlistSuccess"}, joined

            # At once: every holder cancels, latecomers join, the public tries to book.
            async def cancel(i: int, b: Booker, order: dict[str, Any]) -> str:
                answer = await _send(http, at(i + 1), b, CANCEL, id=order["order"]["id"])
                return str(answer["__typename"])

            async def buy(i: int, b: Booker) -> str:
                answer = await _send(
                    http,
                    at(i),
                    b,
                    BOOK,
                    input={
                        "patientId": b.patient_id,
                        "slotId": slots[i % len(slots)],
                        "idempotencyKey": f"p-{i}",
                    },
                )
                return str(answer["__typename"])

            outcomes = await asyncio.gather(
                *(cancel(i, b, o) for i, (b, o) in enumerate(zip(holders, booked, strict=True))),
                *(join(i, b) for i, b in enumerate(late)),
                *(buy(i, b) for i, b in enumerate(public)),
            )
            assert outcomes[:6] == ["CancelAppointmentSuccess"] * 6, outcomes

            # Every freed place is held for a waiter or sold to the public: the signal is the
            # database's count, whatever the machine's pace.
            async def all_placed() -> bool:
                return await _placed(cluster.settings, schedule) == PLACES

            await _until(all_placed)

            async def accept(i: int, b: Booker) -> int:
                mine = await _send(http, at(i), b, MINE)
                accepted = 0
                for w in mine["waitlists"]:
                    if w["offer"] and w["offer"]["status"] == "OPEN":
                        answer = await _send(http, at(i + 1), b, ACCEPT, id=w["offer"]["id"])
                        assert answer["__typename"] == "AcceptWaitlistOfferSuccess", answer
                        again = await _send(http, at(i), b, ACCEPT, id=w["offer"]["id"])
                        assert again["order"]["id"] == answer["order"]["id"]
                        accepted += 1
                return accepted

            everyone = [*waiters, *late]
            accepted = sum(await asyncio.gather(*(accept(i, b) for i, b in enumerate(everyone))))
            assert accepted >= 1, "some place went to the waitlist"

        settings = cluster.settings
        # Never two live offers for one place, never more taken than there are places.
        assert await _placed(settings, schedule) == PLACES
        per_slot = await _rows(
            settings,
            "SELECT i.slot_id, i.capacity, i.held,"
            " (SELECT count(*) FROM bff_order o WHERE o.slot_id = i.slot_id AND o.status IN"
            "  ('AWAITING_PAYMENT', 'PAID', 'CONFIRMED')),"
            " (SELECT count(*) FROM place_hold h WHERE h.slot_id = i.slot_id)"
            " FROM slot_inventory i WHERE i.schedule_id = :s",
            s=schedule,
        )
        for slot_id, capacity, held, active, holds in per_slot:
            assert active + holds == held <= capacity, (slot_id, capacity, held, active, holds)
        # Each offer that was booked is one order, named after its hold, and no entry was
        # offered a place while it held another.
        accepted_rows = await _rows(
            settings,
            "SELECT f.hold_id, o.id, o.status FROM waitlist_offer f"
            " LEFT JOIN bff_order o ON o.id = f.hold_id WHERE f.status = 'ACCEPTED'",
        )
        assert len(accepted_rows) == accepted
        assert all(order_id == hold_id for hold_id, order_id, _ in accepted_rows)
        twice = await _rows(
            settings,
            "SELECT entry_id FROM waitlist_offer WHERE status IN ('OPEN', 'ACCEPTING',"
            " 'ACCEPTED') GROUP BY entry_id HAVING count(*) > 1",
        )
        assert twice == []

    asyncio.run(scenario())
