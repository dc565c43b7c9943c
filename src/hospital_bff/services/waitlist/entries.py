"""Joining and leaving a waitlist (commands: they open their own units of work).

Joining checks the booking rules (services/eligibility.py) on the schedule, or on each of the
expert's schedules in the range: a patient the rules refuse for any reason but a full
schedule hears that reason; a schedule with places free answers PLACES_AVAILABLE, telling the
app to book instead (a waitlist is for what is full, and an entry would otherwise take a
place from the public at once).
"""

from __future__ import annotations

from datetime import date, datetime

import structlog
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.datasources.his_models import Schedule
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.accounts import patients
from hospital_bff.services.booking import BookingService
from hospital_bff.services.eligibility import BookedVisit
from hospital_bff.services.errors import (
    DomainError,
    NotFound,
    NotVerified,
    UpstreamUnavailableError,
)
from hospital_bff.services.his_bookings import his_visits_by_day
from hospital_bff.services.waitlist import offers, waiting
from hospital_bff.services.waitlist.rules import (
    LIVE,
    AlreadyWaiting,
    EntryStatus,
    PlacesAvailable,
    Target,
    check_target,
    end_entry,
)
from hospital_bff.store.models import PatientBinding, WaitlistEntry

log = structlog.get_logger(__name__)


async def join(rt: Runtime, user_id: str | None, patient_id: str, target: Target) -> WaitlistEntry:
    """Put a bound patient on a schedule's (or an expert's) waitlist, the rules checked."""
    if user_id is None:
        raise NotVerified()
    check_target(target, rt.clock.now().date(), rt.settings.waitlist_max_days)
    # A patient not bound to this caller is NOT_FOUND before the HIS hears the id at all.
    async with rt.sessions() as session:
        binding = await patients.binding_of(session, user_id, patient_id)
        if await _live(session, target.live_key(binding.his_patient_id)):
            raise AlreadyWaiting()
    schedules = await _schedules(rt, target)
    try:
        at_his = await his_visits_by_day(rt, patient_id, {s.date for s in schedules})
    except UpstreamUnavailable as exc:
        raise UpstreamUnavailableError("his") from exc
    async with uow.unit_of_work(rt) as session:
        binding = await patients.binding_of(session, user_id, patient_id)
        await _check_rules(rt, session, user_id, binding, schedules, at_his)
        entry = WaitlistEntry(
            user_id=user_id,
            his_patient_id=binding.his_patient_id,
            patient_name=binding.name,
            schedule_id=target.schedule_id,
            expert_id=target.expert_id if target.schedule_id is None else schedules[0].expert_id,
            date_from=target.date_from or schedules[0].date,
            date_to=target.date_to or schedules[0].date,
            status=EntryStatus.WAITING.value,
            live_key=target.live_key(binding.his_patient_id),
            joined_at=rt.clock.now(),
        )
        session.add(entry)
        try:
            await session.flush()
        except IntegrityError as exc:
            # A concurrent join for the same patient and list committed first.
            raise AlreadyWaiting() from exc
    log.info("waitlist_joined", entry=entry.id)
    return entry


async def _live(session: AsyncSession, live_key: str) -> bool:
    found = (
        await session.exec(select(WaitlistEntry.id).where(WaitlistEntry.live_key == live_key))
    ).first()
    return found is not None


async def _schedules(rt: Runtime, target: Target) -> list[Schedule]:
    try:
        if target.schedule_id is not None:
            found = await rt.his.schedules(ids=[target.schedule_id])
        else:
            catalogue = await rt.catalogue.catalogue()
            if target.expert_id not in catalogue.experts_by_id:
                raise NotFound("专家", "expert")
            found = await rt.his.schedules(
                expert_id=target.expert_id, date_from=target.date_from, date_to=target.date_to
            )
    except UpstreamUnavailable as exc:
        raise UpstreamUnavailableError("his") from exc
    if not found:
        raise NotFound("号源", "schedule")
    return found


async def _check_rules(
    rt: Runtime,
    session: AsyncSession,
    user_id: str,
    binding: PatientBinding,
    schedules: list[Schedule],
    at_his: dict[date, list[BookedVisit]],
) -> None:
    """Every schedule refused for a reason of the patient's: that reason. Any with a place
    free (to this patient): PLACES_AVAILABLE. Else they may wait."""
    booking = BookingService(rt)
    refusal = None
    waitable = False
    for schedule in schedules:
        free = await free_places(session, schedule, rt.clock.now())
        verdict = await booking.verdict_on(
            session,
            user_id,
            binding,
            schedule,
            at_his.get(schedule.date, []),
            remaining=free,
        )
        if verdict.eligible:
            raise PlacesAvailable()
        if verdict.code == "SLOT_FULL":
            waitable = True
        elif refusal is None:
            refusal = verdict
    if not waitable:
        assert refusal is not None
        assert refusal.code is not None
        raise DomainError(
            refusal.reason or refusal.code, code=refusal.code, message_en=refusal.reason_en
        )


async def free_places(session: AsyncSession, schedule: Schedule, now: datetime) -> int:
    """Places the public could book now: the HIS's remaining, less those held as offers
    (an offer is our hold, not yet a lock at the HIS)."""
    if not schedule.slots:
        return schedule.remaining
    total = 0
    for slot in schedule.slots:
        total += max(0, slot.remaining - await waiting.offers_held(session, slot.id, now))
    return total


async def leave(rt: Runtime, user_id: str | None, entry_id: str) -> WaitlistEntry:
    """Leave a waitlist; an offer held for the entry is given up (the next waiter gets it).
    Leaving twice answers the entry as it is."""
    if user_id is None:
        raise NotVerified()
    async with uow.unit_of_work(rt) as session:
        entry = await waiting.lock_entry(session, entry_id)
        if entry is None or entry.user_id != user_id:
            raise NotFound("候补", "waitlist entry")
        if EntryStatus(entry.status) in LIVE:
            offer = await waiting.open_offer(session, entry.id)
            if offer is not None:
                await offers.end_offer(session, offer, entry, rt.clock.now(), give_up=True)
            end_entry(entry, EntryStatus.LEFT, rt.clock.now())
            session.add(entry)
        return entry


async def on_schedule(rt: Runtime, schedule_id: str) -> list[waiting.WaitlistView]:
    """Staff's view of a schedule's waitlist, with the expert-wide entries that cover it (the
    HIS names the schedule's expert and day; away, the schedule's own entries still show)."""
    try:
        found = await rt.his.schedules(ids=[schedule_id])
    except UpstreamUnavailable:
        found = []
    expert_id, day = (found[0].expert_id, found[0].date) if found else (None, None)
    async with rt.sessions() as session:
        entries = await waiting.live_entries_on(session, schedule_id, expert_id, day)
        return await waiting.views(session, entries)


async def end_past_entries(rt: Runtime) -> int:
    """Entries whose last day is over leave their lists (the sweep): nobody is asked about a
    schedule that can no longer be booked."""
    today = rt.clock.now().date()
    async with uow.unit_of_work(rt) as session:
        result = await session.execute(
            update(WaitlistEntry)
            .where(
                col(WaitlistEntry.status) == EntryStatus.WAITING.value,
                col(WaitlistEntry.date_to) < today,
            )
            .values(status=EntryStatus.EXPIRED.value, live_key=None, ended_at=rt.clock.now())
        )
    return int(result.rowcount)  # type: ignore[attr-defined]
