"""services/waitlist: joining with the rules, a freed place offered to the first eligible
waiter, accepted through the booking path, declined or lapsed to the next, back on sale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from sqlmodel import func, select

from fixtures.accounts import verified_patient
from fixtures.journey import eventually
from fixtures.waitlist import entry, full_schedule, offered, offers_of
from hospital_bff.clock import FrozenClock
from hospital_bff.runtime import Runtime
from hospital_bff.services.booking import BookingService
from hospital_bff.services.errors import DomainError, InvalidInput, NotFound
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import OrderStatus
from hospital_bff.services.waitlist import entries, offers, sweep, waiting
from hospital_bff.services.waitlist.rules import (
    AlreadyWaiting,
    OfferNotOpen,
    PlacesAvailable,
    Target,
)
from hospital_bff.store.models import Notice, PlaceHold, SlotInventory, WaitlistEntry


def on(schedule_id: str) -> Target:
    return Target(schedule_id=schedule_id, expert_id=None, date_from=None, date_to=None)


async def booked_full(client: httpx.AsyncClient, runtime: Runtime) -> tuple[dict, str]:
    """A schedule whose one place is booked (awaiting payment): (found, the order's id)."""
    found = await full_schedule(client)
    holder, holder_patient = await verified_patient(
        client, runtime, openid="o-holder", name="韩梅梅", sex="FEMALE"
    )
    booked = await BookingService(runtime).book(
        holder, holder_patient, found["slot"]["id"], "hold-1"
    )
    return found, booked.order.id


@dataclass(frozen=True)
class TwoWaiting:
    """A full schedule (its one place booked, awaiting payment) and two waiters joined in turn."""

    schedule_id: str
    order_id: str  # the booking whose expiry frees the place
    first: str
    first_patient: str
    second: str
    second_patient: str
    a: WaitlistEntry  # the first's entry
    b: WaitlistEntry  # the second's, joined a second later


@pytest.fixture
async def two_waiting(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> TwoWaiting:
    found, order_id = await booked_full(client, runtime)
    schedule_id = found["schedule"]["id"]
    first, first_patient = await verified_patient(client, runtime, openid="o-first")
    second, second_patient = await verified_patient(client, runtime, openid="o-second", name="王五")
    a = await entries.join(runtime, first, first_patient, on(schedule_id))
    clock.advance(seconds=1)
    b = await entries.join(runtime, second, second_patient, on(schedule_id))
    return TwoWaiting(schedule_id, order_id, first, first_patient, second, second_patient, a, b)


async def expire(runtime: Runtime, clock: FrozenClock, order_id: str) -> None:
    clock.advance(seconds=runtime.settings.payment_window_seconds + 1)
    await PaymentService(runtime).expire(order_id)


async def test_joining_a_schedule_with_free_places_says_book_instead(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    found = await full_schedule(client)
    user, patient = await verified_patient(client, runtime)

    with pytest.raises(PlacesAvailable):
        await entries.join(runtime, user, patient, on(found["schedule"]["id"]))
    async with runtime.sessions() as session:
        assert not await waiting.live_entries_of(session, user)


async def test_a_freed_place_is_offered_to_the_first_waiter_and_accepted(
    client: httpx.AsyncClient,
    runtime: Runtime,
    clock: FrozenClock,
    two_waiting: TwoWaiting,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = two_waiting
    with pytest.raises(AlreadyWaiting):
        await entries.join(runtime, w.first, w.first_patient, on(w.schedule_id))
    async with runtime.sessions() as session:
        assert await waiting.position(session, w.a) == 1
        assert await waiting.position(session, w.b) == 2

    await expire(runtime, clock, w.order_id)

    offer = await offered(runtime, w.a.id)
    assert not await offers_of(runtime, w.b.id), "one place, one offer"
    async with runtime.sessions() as session:
        hold = await session.get(PlaceHold, offer.hold_id)
        inventory = await session.get(SlotInventory, offer.slot_id)
        notices = (await session.exec(select(Notice).where(Notice.user_id == w.first))).all()
    assert hold is not None and inventory is not None
    assert inventory.held == inventory.capacity, "the offer holds the place: not on sale"
    assert [n.kind for n in notices] == ["WAITLIST_OFFER"]
    # The public cannot take the held place.
    stranger, stranger_patient = await verified_patient(
        client, runtime, openid="o-public", name="路人"
    )
    with pytest.raises(DomainError) as full:
        await BookingService(runtime).book(stranger, stranger_patient, offer.slot_id, "p-1")
    assert full.value.code == "SLOT_FULL"

    told: list[str] = []
    invalidate = runtime.catalogue.invalidate_schedules

    async def telling(department_id: str) -> None:
        told.append(department_id)
        await invalidate(department_id)

    monkeypatch.setattr(runtime.catalogue, "invalidate_schedules", telling)
    order = await offers.accept(runtime, w.first, offer.id)
    again = await offers.accept(runtime, w.first, offer.id)

    assert told == [order.department_id], "the HIS lock reaches the kept schedules at once"
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.id == offer.hold_id == again.id, "one offer, one order"
    assert (await entry(runtime, w.a.id)).status == "BOOKED"
    assert (await entry(runtime, w.b.id)).status == "WAITING"
    async with runtime.sessions() as session:
        inventory = await session.get(SlotInventory, offer.slot_id)
        holds = (await session.exec(select(func.count()).select_from(PlaceHold))).one()
    assert inventory is not None and inventory.held == inventory.capacity and holds == 0


async def test_a_declined_offer_passes_to_the_next_and_a_lapsed_one_goes_back_on_sale(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock, two_waiting: TwoWaiting
) -> None:
    w = two_waiting
    await expire(runtime, clock, w.order_id)
    offer_a = await offered(runtime, w.a.id)

    with pytest.raises(NotFound):
        await offers.decline(runtime, w.second, offer_a.id)  # not theirs
    await offers.decline(runtime, w.first, offer_a.id)
    await offers.decline(runtime, w.first, offer_a.id)  # the same answer, nothing twice
    with pytest.raises(OfferNotOpen):
        await offers.accept(runtime, w.first, offer_a.id)

    offer_b = await offered(runtime, w.b.id)
    assert offer_b.slot_id == offer_a.slot_id
    assert (await entry(runtime, w.a.id)).status == "DECLINED"

    assert await offers.lapse(runtime, offer_b.id) is False, "not yet due"
    clock.advance(minutes=runtime.settings.waitlist_offer_minutes, seconds=1)
    assert await sweep.offers_due(runtime) == [offer_b.id]
    assert await offers.lapse(runtime, offer_b.id) is True
    assert await offers.lapse(runtime, offer_b.id) is False

    assert (await entry(runtime, w.b.id)).status == "LAPSED"
    async with runtime.sessions() as session:
        inventory = await session.get(SlotInventory, offer_b.slot_id)
    assert inventory is not None and inventory.held == 0, "nobody waits: back on sale"
    buyer, buyer_patient = await verified_patient(client, runtime, openid="o-buyer", name="买家")
    booked = await BookingService(runtime).book(buyer, buyer_patient, offer_b.slot_id, "b-1")
    assert booked.created


async def test_an_ineligible_waiter_is_skipped_when_offered(
    runtime: Runtime, clock: FrozenClock, two_waiting: TwoWaiting
) -> None:
    w = two_waiting
    # The first waiter is barred from booking meanwhile (no-shows elsewhere).
    from hospital_bff.services import uow
    from hospital_bff.store.models import HospitalUser

    async with uow.unit_of_work(runtime) as session:
        user = await session.get(HospitalUser, w.first)
        assert user is not None
        user.restricted_until = clock.now() + timedelta(days=30)
        session.add(user)

    await expire(runtime, clock, w.order_id)

    await offered(runtime, w.b.id)
    assert not await offers_of(runtime, w.a.id)
    assert (await entry(runtime, w.a.id)).status == "WAITING"


async def test_joining_checks_the_rules_and_the_range(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    found = await full_schedule(client, department_id="dep-fck")
    user, patient = await verified_patient(client, runtime)  # a man, at obstetrics
    schedule = found["schedule"]

    with pytest.raises(DomainError) as refused:
        await entries.join(runtime, user, patient, on(schedule["id"]))
    assert refused.value.code == "INELIGIBLE_SEX"
    today = clock.now().date()
    too_long = Target(
        schedule_id=None,
        expert_id=schedule["expert"]["id"] if "expert" in schedule else "exp-fck-1",
        date_from=today,
        date_to=today + timedelta(days=runtime.settings.waitlist_max_days),
    )
    with pytest.raises(InvalidInput):
        await entries.join(runtime, user, patient, too_long)
    past = Target(
        schedule_id=None, expert_id="exp-yk-1", date_from=date(2020, 1, 1), date_to=date(2020, 1, 2)
    )
    with pytest.raises(InvalidInput):
        await entries.join(runtime, user, patient, past)
    stranger, _ = await verified_patient(client, runtime, openid="o-stranger", name="韩梅梅")
    with pytest.raises(NotFound):
        await entries.join(runtime, stranger, patient, on(schedule["id"]))


async def test_leaving_gives_an_offer_up_to_the_next(
    runtime: Runtime, clock: FrozenClock, two_waiting: TwoWaiting
) -> None:
    w = two_waiting
    await expire(runtime, clock, w.order_id)
    await offered(runtime, w.a.id)

    left = await entries.leave(runtime, w.first, w.a.id)

    assert left.status == "LEFT"
    await offered(runtime, w.b.id)
    # Left, the patient may join again (at the back).
    again = await entries.join(runtime, w.first, w.first_patient, on(w.schedule_id))
    async with runtime.sessions() as session:
        assert await waiting.position(session, again) == 2


async def test_the_sweep_offers_capacity_added_at_the_his(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    found, _ = await booked_full(client, runtime)
    user, patient = await verified_patient(client, runtime, openid="o-first")
    a = await entries.join(runtime, user, patient, on(found["schedule"]["id"]))
    slot_id = found["slot"]["id"]
    added = await client.post(f"/sim/his/slots/{slot_id}/capacity", json={"capacity": 2})
    assert added.status_code == 200

    assert await sweep.schedules_waited_for(runtime) == [found["schedule"]["id"]]
    assert await sweep.offer_schedule(runtime, found["schedule"]["id"]) == 1
    assert await sweep.offer_schedule(runtime, found["schedule"]["id"]) == 0, "offered once"

    await eventually(lambda: _has_open(runtime, a.id))


async def _has_open(runtime: Runtime, entry_id: str) -> bool:
    return any(o.status == "OPEN" for o in await offers_of(runtime, entry_id))


async def test_an_expert_range_waiter_is_offered_and_an_offer_job_twice_offers_once(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    found, order_id = await booked_full(client, runtime)
    schedule = found["schedule"]
    expert_id = (await runtime.his.schedules(ids=[schedule["id"]]))[0].expert_id
    day = date.fromisoformat(schedule["date"])
    user, patient = await verified_patient(client, runtime, openid="o-first")
    target = Target(schedule_id=None, expert_id=expert_id, date_from=day, date_to=day)
    # Only the one schedule of that expert on that day is full (the others may have places).
    others = [
        s
        for s in await runtime.his.schedules(expert_id=expert_id, date_from=day, date_to=day)
        if s.id != schedule["id"]
    ]
    for other in others:
        for slot in other.slots:
            await client.post(f"/sim/his/slots/{slot.id}/capacity", json={"capacity": 0})
    a = await entries.join(runtime, user, patient, target)
    assert [v.entry.id for v in await entries.on_schedule(runtime, schedule["id"])] == [a.id]
    # The holder's place expires: the offer job runs once after the commit, here once more.
    clock.advance(seconds=runtime.settings.payment_window_seconds + 1)
    await PaymentService(runtime).expire(order_id)
    offer = await offered(runtime, a.id)
    assert await offers.offer_place(runtime, offer.slot_id) is None

    assert [o.id for o in await offers_of(runtime, a.id)] == [offer.id]


async def test_an_accept_the_his_refuses_ends_the_offer_and_the_patient_keeps_waiting(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    found, order_id = await booked_full(client, runtime)
    user, patient = await verified_patient(client, runtime, openid="o-first")
    a = await entries.join(runtime, user, patient, on(found["schedule"]["id"]))
    await expire(runtime, clock, order_id)
    offer = await offered(runtime, a.id)
    # The window sold the place meanwhile: the HIS has none left.
    sold = await client.post(f"/sim/his/slots/{offer.slot_id}/capacity", json={"capacity": 0})
    assert sold.status_code == 200

    with pytest.raises(DomainError) as refused:
        await offers.accept(runtime, user, offer.id)

    assert refused.value.code == "SLOT_FULL"
    (ended,) = await offers_of(runtime, a.id)
    assert ended.status == "FAILED"
    assert (await entry(runtime, a.id)).status == "WAITING"
    async with runtime.sessions() as session:
        holds = (await session.exec(select(func.count()).select_from(PlaceHold))).one()
    assert holds == 0, "the held place was given back"


async def test_an_accept_left_half_way_is_settled_by_the_sweep(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    found, order_id = await booked_full(client, runtime)
    user, patient = await verified_patient(client, runtime, openid="o-first")
    a = await entries.join(runtime, user, patient, on(found["schedule"]["id"]))
    await expire(runtime, clock, order_id)
    offer = await offered(runtime, a.id)
    # A process took the offer to ACCEPTING and died before asking the HIS.
    from hospital_bff.services import uow
    from hospital_bff.store.models import WaitlistOffer

    async with uow.unit_of_work(runtime) as session:
        row = await session.get(WaitlistOffer, offer.id)
        assert row is not None
        row.status = "ACCEPTING"
        session.add(row)

    clock.advance(
        minutes=runtime.settings.waitlist_offer_minutes, seconds=offers.ACCEPTING_GRACE_SECONDS + 1
    )
    assert await sweep.offers_due(runtime) == [offer.id]
    assert await offers.lapse(runtime, offer.id) is True

    # Nothing was booked, so the patient still waits, first in line: the place given back
    # is offered to them afresh (one live offer, held once).
    again = await offered(runtime, a.id)
    assert again.id != offer.id
    statuses = sorted(o.status for o in await offers_of(runtime, a.id))
    assert statuses == ["FAILED", "OPEN"]
    async with runtime.sessions() as session:
        inventory = await session.get(SlotInventory, offer.slot_id)
    assert inventory is not None and inventory.held == 1


async def test_an_entry_whose_days_are_over_leaves_its_list(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    found, _ = await booked_full(client, runtime)
    user, patient = await verified_patient(client, runtime, openid="o-first")
    a = await entries.join(runtime, user, patient, on(found["schedule"]["id"]))
    assert await entries.end_past_entries(runtime) == 0

    clock.advance(days=10)

    assert await entries.end_past_entries(runtime) == 1
    ended = await entry(runtime, a.id)
    assert ended.status == "EXPIRED"
    assert ended.live_key is None
    assert await sweep.schedules_waited_for(runtime) == []


async def test_an_accept_while_the_patient_books_elsewhere_is_try_again_and_stays_open(
    runtime: Runtime, clock: FrozenClock, two_waiting: TwoWaiting
) -> None:
    """Accepting runs the booking rules as a booking does, under the patient's claim: a
    booking of the same patient on its way makes the accept TRY_AGAIN, the offer open."""
    w = two_waiting
    await expire(runtime, clock, w.order_id)
    offer = await offered(runtime, w.a.id)
    patient = (await entry(runtime, w.a.id)).his_patient_id
    claims = runtime.patient_claims
    assert await claims.store.claim(patient, "a-booking-elsewhere", 30)
    with pytest.raises(DomainError) as busy:
        await offers.accept(runtime, w.first, offer.id)
    assert busy.value.code == "TRY_AGAIN"
    await claims.store.release(patient, "a-booking-elsewhere")
    order = await offers.accept(runtime, w.first, offer.id)
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.id == offer.hold_id
