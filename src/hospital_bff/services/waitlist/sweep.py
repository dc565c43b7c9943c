"""The waitlist's safety net: what the sweep (jobs/scheduler.py `settle_waitlists`) asks.

Offers whose lapse job was lost, accepts left half-way by a crash, and places that came back
without a release of ours (capacity added at the HIS, a suspension undone, a lost offer job):
every schedule someone waits for is asked of the HIS, and each free place offered.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.runtime import Runtime
from hospital_bff.services.errors import UpstreamUnavailableError
from hospital_bff.services.waitlist.offers import ACCEPTING_GRACE_SECONDS, offer_place
from hospital_bff.services.waitlist.rules import EntryStatus, OfferStatus
from hospital_bff.store.models import WaitlistEntry, WaitlistOffer


async def offers_due(rt: Runtime) -> list[str]:
    """Open offers past their minutes, and accepts left half-way: the sweep lapses or settles
    each (the delayed job may have been lost)."""
    now = rt.clock.now()
    grace = timedelta(seconds=ACCEPTING_GRACE_SECONDS)
    async with rt.sessions() as session:
        rows = await session.exec(
            select(WaitlistOffer.id).where(
                (
                    (col(WaitlistOffer.status) == OfferStatus.OPEN.value)
                    & (col(WaitlistOffer.expires_at) <= now)
                )
                | (
                    (col(WaitlistOffer.status) == OfferStatus.ACCEPTING.value)
                    & (col(WaitlistOffer.expires_at) <= now - grace)
                )
            )
        )
        return list(rows.all())


async def schedules_waited_for(rt: Runtime) -> list[str]:
    """Every schedule someone waits for (their own, or in an expert's range): the sweep asks
    the HIS about each, so a place that came back unseen (capacity added at the HIS, a
    suspension undone, a lost job) is offered within a sweep."""
    async with rt.sessions() as session:
        entries = list(
            (
                await session.exec(
                    select(WaitlistEntry).where(WaitlistEntry.status == EntryStatus.WAITING.value)
                )
            ).all()
        )
    ids = {e.schedule_id for e in entries if e.schedule_id is not None}
    for entry in (e for e in entries if e.schedule_id is None):
        try:
            found = await rt.his.schedules(
                expert_id=entry.expert_id, date_from=entry.date_from, date_to=entry.date_to
            )
        except UpstreamUnavailable:
            continue  # the next sweep asks again
        ids.update(s.id for s in found)
    return sorted(ids)


async def offer_schedule(rt: Runtime, schedule_id: str) -> int:
    """Offer every free place of a schedule to its waiters; how many offers were made."""
    try:
        found = await rt.his.schedules(ids=[schedule_id])
    except UpstreamUnavailable as exc:
        raise UpstreamUnavailableError("his") from exc
    made = 0
    for schedule in found:
        for slot in schedule.slots:
            for _ in range(max(0, slot.remaining)):
                if await offer_place(rt, slot.id) is None:
                    break
                made += 1
    return made
