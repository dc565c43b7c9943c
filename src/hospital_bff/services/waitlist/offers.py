"""Offers: a place that came back, held for the first eligible waiter for a few minutes.

- `offer_place` (the job `offer_waitlist_place`, enqueued by the commit that freed a place,
  and the sweep's per-schedule job): the waiters of the slot's schedule in join order; the
  HIS is asked about each one's visits before the unit, the rules checked inside it; the
  first eligible gets the place as a `PlaceHold` named after the order it would become
  (the same atomic take a booking makes, so it never takes a place already sold), leased
  until the offer ends. An ineligible waiter is skipped and keeps waiting.
- `accept`: the booking path after a booking's own hold (HIS lock, then the order, whose
  commit turns the hold into its place) with the usual payment window.
- `decline`, `lapse` (a delayed job, and the sweep): the hold is given back, and that
  release offers the place to the next waiter; nobody left, it is back on sale.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import TOO_SLOW, UpstreamUnavailable
from hospital_bff.datasources.his_models import SlotWithSchedule
from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.accounts import patients
from hospital_bff.services.booking import Booked, BookingService, refusal
from hospital_bff.services.eligibility import BookedVisit
from hospital_bff.services.errors import (
    NotFound,
    NotVerified,
    UpstreamUnavailableError,
)
from hospital_bff.services.his_bookings import his_visits
from hospital_bff.services.money import holds, orders
from hospital_bff.services.notices import NoticeKind, notify
from hospital_bff.services.patient_claims import PatientBusy
from hospital_bff.services.slot_gate import TryAgain
from hospital_bff.services.waitlist import waiting
from hospital_bff.services.waitlist.rules import (
    EntryStatus,
    OfferNotOpen,
    OfferStatus,
    end_entry,
)
from hospital_bff.store.ids import new_id
from hospital_bff.store.models import Order, PatientBinding, PlaceHold, WaitlistEntry, WaitlistOffer

log = structlog.get_logger(__name__)

# An accepted offer's hold outlives the HIS call a booking makes (the lease a booking has).
ACCEPTING_GRACE_SECONDS = 60


class NotYetFreeAtHis(Exception):
    """Our database gave a place back before the HIS released its lock (an expiry releases
    the HIS lock by a job of its own): the offer job tries again in a moment."""


async def offer_place(rt: Runtime, slot_id: str) -> str | None:
    """Offer one free place of the slot to its first eligible waiter; the offer's id, or None
    (nobody waits or may book it, or the place is gone). Safe to run twice: a second run finds
    the place held (or the waiter offered) and offers the next free place, if any."""
    try:
        slot = await rt.his.slot(slot_id)
    except UpstreamUnavailable as exc:
        raise UpstreamUnavailableError("his") from exc
    if slot is None or slot.schedule.status in ("SUSPENDED", "CLOSED"):
        return None  # nobody may book it: every waiter would be skipped
    schedule = slot.schedule
    async with rt.sessions() as session:
        candidates = await waiting.waiting_for(
            session, schedule.id, schedule.expert_id, schedule.date
        )
        if not candidates:
            return None
        # An offer is our hold, not yet a lock at the HIS: the HIS counts it as free.
        if slot.remaining <= await waiting.offers_held(session, slot.id, rt.clock.now()):
            if await holds.free_in_store(session, slot.id):
                raise NotYetFreeAtHis(slot.id)
            return None
    for candidate in candidates:
        try:
            at_his = await his_visits(rt, candidate.his_patient_id, schedule.date)
        except UpstreamUnavailable as exc:
            raise UpstreamUnavailableError("his") from exc
        outcome = await _offer_to(rt, candidate.id, slot, at_his)
        if outcome == _NO_PLACE:
            return None
        if outcome is not None:
            return outcome
    return None


_NO_PLACE = "NO_PLACE"


async def _offer_to(
    rt: Runtime, entry_id: str, slot: SlotWithSchedule, at_his: list[BookedVisit]
) -> str | None:
    """One waiter, in one unit: the rules, then the place held; the offer's id, _NO_PLACE if
    the place is gone, None to try the next waiter."""
    schedule = slot.schedule
    now = rt.clock.now()
    minutes = rt.settings.waitlist_offer_minutes
    async with uow.unit_of_work(rt) as session:
        entry = await waiting.lock_entry(session, entry_id)
        if entry is None or entry.status != EntryStatus.WAITING:
            return None  # left, or offered by a concurrent run meanwhile
        try:
            binding = await patients.binding_of(session, entry.user_id, entry.his_patient_id)
        except NotFound:
            end_entry(entry, EntryStatus.LEFT, now)  # the patient was unbound
            session.add(entry)
            return None
        verdict = await BookingService(rt).verdict_on(
            session, entry.user_id, binding, schedule, at_his, remaining=1
        )
        if not verdict.eligible:
            log.info("waitlist_waiter_skipped", entry=entry.id, code=verdict.code)
            return None
        hold_id = new_id("ord")
        expires_at = now + timedelta(minutes=minutes)
        if not await holds.hold_place(
            session, hold_id, slot.id, schedule.id, slot.capacity, now, minutes * 60
        ):
            return _NO_PLACE
        offer = WaitlistOffer(
            entry_id=entry.id,
            live_entry_id=entry.id,
            slot_id=slot.id,
            schedule_id=schedule.id,
            hold_id=hold_id,
            status=OfferStatus.OPEN.value,
            offered_at=now,
            expires_at=expires_at,
        )
        session.add(offer)
        entry.status = EntryStatus.OFFERED.value
        session.add(entry)
        await session.flush()
        await notify(
            session,
            now=now,
            user_id=entry.user_id,
            kind=NoticeKind.WAITLIST_OFFER,
            title="候补号源已为您保留",
            body=f"{schedule.date} {slot.starts_at:%H:%M} 的号源为您保留至"
            f"{expires_at:%H:%M}，请尽快确认",
            dedupe_key=f"waitlist_offer:{offer.id}",
            patient_id=entry.his_patient_id,
        )
        enqueue_after_commit(session, "lapse_waitlist_offer", offer.id, delay_ms=minutes * 60_000)
    # The offer's hold is a place the gate should count too (best effort: the database is
    # the truth, the gate only filters).
    try:
        await rt.slot_gate.take(slot.id)
    except Exception:
        log.warning("slot_gate_not_told", slot=slot.id)
    log.info("waitlist_offered", offer=offer.id, entry=entry_id, slot=slot.id)
    return offer.id


async def end_offer(
    session: AsyncSession,
    offer: WaitlistOffer,
    entry: WaitlistEntry | None,
    now: datetime,
    *,
    give_up: bool = False,
    status: OfferStatus = OfferStatus.DECLINED,
) -> None:
    """End an open offer and give its place back (which offers it to the next waiter);
    `give_up` leaves the entry to its caller (leaving the list ends it)."""
    offer.status = status.value
    offer.live_entry_id = None
    offer.ended_at = now
    session.add(offer)
    if entry is not None and not give_up:
        if status is OfferStatus.FAILED:
            entry.status = EntryStatus.WAITING.value  # refused by the HIS: still waiting
        else:
            end_entry(entry, EntryStatus(status.value), now)
        session.add(entry)
    await holds.release_hold(session, offer.hold_id, now)


async def _owned_offer(
    session: AsyncSession, user_id: str, offer_id: str
) -> tuple[WaitlistOffer, WaitlistEntry]:
    offer = await waiting.lock_offer(session, offer_id)
    entry = await session.get(WaitlistEntry, offer.entry_id) if offer else None
    if offer is None or entry is None or entry.user_id != user_id:
        raise NotFound("候补", "waitlist offer")
    return offer, entry


async def decline(rt: Runtime, user_id: str | None, offer_id: str) -> WaitlistOffer:
    """The waiter says no: the place passes to the next. Declining again answers the same."""
    if user_id is None:
        raise NotVerified()
    async with uow.unit_of_work(rt) as session:
        offer, entry = await _owned_offer(session, user_id, offer_id)
        if offer.status == OfferStatus.DECLINED:
            return offer
        if offer.status != OfferStatus.OPEN:
            raise OfferNotOpen()
        await end_offer(session, offer, entry, rt.clock.now(), status=OfferStatus.DECLINED)
    log.info("waitlist_offer_declined", offer=offer_id)
    return offer


async def accept(rt: Runtime, user_id: str | None, offer_id: str) -> Order:
    """Book the held place: the usual AWAITING_PAYMENT order with its payment window. One
    offer, one order: accepting again answers the same order."""
    if user_id is None:
        raise NotVerified()
    key = f"waitlist:{offer_id}"
    now = rt.clock.now()
    async with uow.unit_of_work(rt) as session:
        existing = await orders.by_idempotency_key(session, user_id, key)
        if existing is not None:
            return existing
        offer, entry = await _owned_offer(session, user_id, offer_id)
        if offer.status != OfferStatus.OPEN or offer.expires_at <= now:
            raise OfferNotOpen()
        # The booking's HIS call may outlast the offer: the hold's lease is stretched for it.
        until = max(offer.expires_at, now + timedelta(seconds=ACCEPTING_GRACE_SECONDS))
        stretched = await session.execute(
            update(PlaceHold).where(col(PlaceHold.id) == offer.hold_id).values(held_until=until)
        )
        if not stretched.rowcount:  # type: ignore[attr-defined]
            raise OfferNotOpen()
        offer.status = OfferStatus.ACCEPTING.value
        session.add(offer)
        binding = await patients.binding_of(session, user_id, entry.his_patient_id)
        hold_id, slot_id = offer.hold_id, offer.slot_id
    booked = await _book(rt, user_id, binding, offer_id, slot_id, hold_id, key)
    async with uow.unit_of_work(rt) as session:
        await settle_accepted(session, offer_id, rt.clock.now())
    log.info("waitlist_offer_accepted", offer=offer_id, order=booked.order.id)
    return booked.order


async def _book(
    rt: Runtime,
    user_id: str,
    binding: PatientBinding,
    offer_id: str,
    slot_id: str,
    hold_id: str,
    key: str,
) -> Booked:
    """The booking path after the hold, the rules checked again; a refusal ends the offer
    (the place goes on), a timeout leaves it open for the waiter to try again."""
    booked: Booked | None = None
    retry = False
    try:
        try:
            slot = await rt.his.slot(slot_id)
            day = slot.schedule.date if slot else None
            at_his = await his_visits(rt, binding.his_patient_id, day) if day else []
        except TOO_SLOW as exc:
            retry = True
            raise TryAgain() from exc
        except UpstreamUnavailable as exc:
            retry = True
            raise UpstreamUnavailableError("his") from exc
        if slot is None:
            raise NotFound("号源", "slot")
        service = BookingService(rt)
        try:
            # One booking at a time per patient, as a direct booking (patient_claims.py).
            async with rt.patient_claims.claimed(binding.his_patient_id, hold_id):
                async with rt.sessions() as session:
                    verdict = await service.verdict_on(
                        session, user_id, binding, slot.schedule, at_his, remaining=1
                    )
                if not verdict.eligible:
                    raise refusal(verdict)
                booked = await service.book_held_place(user_id, binding, slot, hold_id, key)
        except (PatientBusy, TryAgain, UpstreamUnavailableError):
            retry = True
            raise
        return booked
    finally:
        if booked is None or not booked.created:
            async with uow.unit_of_work(rt) as session:
                await _not_booked(rt, session, offer_id, reopen=retry)


async def _not_booked(rt: Runtime, session: AsyncSession, offer_id: str, *, reopen: bool) -> None:
    offer = await waiting.lock_offer(session, offer_id)
    if offer is None or offer.status != OfferStatus.ACCEPTING:
        return
    now = rt.clock.now()
    if await session.get(Order, offer.hold_id) is not None:
        await settle_accepted(session, offer_id, now)
        return
    hold = await session.get(PlaceHold, offer.hold_id)
    if reopen and hold is not None and offer.expires_at > now:
        # The HIS did not answer: nothing was booked, the waiter may accept again in time.
        offer.status = OfferStatus.OPEN.value
        hold.held_until = offer.expires_at
        session.add_all([offer, hold])
        return
    entry = await waiting.lock_entry(session, offer.entry_id)
    await end_offer(session, offer, entry, now, status=OfferStatus.FAILED)


async def settle_accepted(session: AsyncSession, offer_id: str, now: datetime) -> None:
    """The order named after the hold committed: the offer and its entry are done."""
    offer = await waiting.lock_offer(session, offer_id)
    if offer is None or offer.status == OfferStatus.ACCEPTED:
        return
    offer.status = OfferStatus.ACCEPTED.value
    offer.live_entry_id = None
    offer.ended_at = now
    session.add(offer)
    entry = await waiting.lock_entry(session, offer.entry_id)
    if entry is not None:
        end_entry(entry, EntryStatus.BOOKED, now)
        session.add(entry)


async def lapse(rt: Runtime, offer_id: str) -> bool:
    """The offer's minutes are up: the place passes on. An accept that died half-way is
    settled here too (its order committed, or its place is given back). True if it changed."""
    now = rt.clock.now()
    async with uow.unit_of_work(rt) as session:
        offer = await waiting.lock_offer(session, offer_id)
        if offer is None:
            return False
        if offer.status == OfferStatus.OPEN and offer.expires_at <= now:
            entry = await waiting.lock_entry(session, offer.entry_id)
            await end_offer(session, offer, entry, now, status=OfferStatus.LAPSED)
            log.info("waitlist_offer_lapsed", offer=offer_id)
            return True
        grace = timedelta(seconds=ACCEPTING_GRACE_SECONDS)
        if offer.status == OfferStatus.ACCEPTING and offer.expires_at + grace <= now:
            if await session.get(Order, offer.hold_id) is not None:
                await settle_accepted(session, offer_id, now)
            else:
                entry = await waiting.lock_entry(session, offer.entry_id)
                await end_offer(session, offer, entry, now, status=OfferStatus.FAILED)
            return True
    return False
