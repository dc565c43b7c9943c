"""Who waits for what: the queries of the waitlist (no HTTP, no commit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.services.waitlist.rules import LIVE, EntryStatus, OfferStatus
from hospital_bff.store.models import SlotInventory, WaitlistEntry, WaitlistOffer


async def offer_when_freed(session: AsyncSession, slot_id: str) -> None:
    """In the transaction that gives a place back: if anyone may be waiting for its schedule,
    a job offers it once this commits (services/waitlist/offers.py). Expert-wide entries are
    matched by the job, which knows the schedule's expert and day."""
    schedule_id = (
        await session.exec(
            select(SlotInventory.schedule_id).where(SlotInventory.slot_id == slot_id)
        )
    ).first()
    if schedule_id is None:
        return
    waiting = (
        await session.exec(
            select(WaitlistEntry.id)
            .where(
                WaitlistEntry.status == EntryStatus.WAITING.value,
                or_(
                    col(WaitlistEntry.schedule_id) == schedule_id,
                    col(WaitlistEntry.schedule_id).is_(None),
                ),
            )
            .limit(1)
        )
    ).first()
    if waiting is not None:
        enqueue_after_commit(session, "offer_waitlist_place", slot_id)


async def waiting_for(
    session: AsyncSession, schedule_id: str, expert_id: str, day: date
) -> list[WaitlistEntry]:
    """The entries waiting for this schedule, first come first served: its own, and the
    expert's whose range covers its day."""
    query = (
        select(WaitlistEntry)
        .where(
            WaitlistEntry.status == EntryStatus.WAITING.value,
            or_(
                col(WaitlistEntry.schedule_id) == schedule_id,
                and_(
                    col(WaitlistEntry.schedule_id).is_(None),
                    col(WaitlistEntry.expert_id) == expert_id,
                    col(WaitlistEntry.date_from) <= day,
                    col(WaitlistEntry.date_to) >= day,
                ),
            ),
        )
        .order_by(col(WaitlistEntry.joined_at), col(WaitlistEntry.id))
    )
    return list((await session.exec(query)).all())


async def position(session: AsyncSession, entry: WaitlistEntry) -> int:
    """1 for the first in line: the live entries of the same list who joined before."""
    same = (
        col(WaitlistEntry.schedule_id) == entry.schedule_id
        if entry.schedule_id is not None
        else and_(
            col(WaitlistEntry.schedule_id).is_(None),
            col(WaitlistEntry.expert_id) == entry.expert_id,
        )
    )
    ahead = (
        await session.exec(
            select(func.count())
            .select_from(WaitlistEntry)
            .where(
                same,
                col(WaitlistEntry.status).in_([s.value for s in LIVE]),
                or_(
                    col(WaitlistEntry.joined_at) < entry.joined_at,
                    and_(
                        col(WaitlistEntry.joined_at) == entry.joined_at,
                        col(WaitlistEntry.id) < entry.id,
                    ),
                ),
            )
        )
    ).one()
    return int(ahead) + 1


async def open_offer(session: AsyncSession, entry_id: str) -> WaitlistOffer | None:
    """The offer held for an entry now, if any."""
    query = select(WaitlistOffer).where(
        WaitlistOffer.live_entry_id == entry_id,
        col(WaitlistOffer.status).in_([OfferStatus.OPEN.value, OfferStatus.ACCEPTING.value]),
    )
    return (await session.exec(query)).first()


async def live_entries_of(
    session: AsyncSession, user_id: str, patient_id: str | None = None
) -> list[WaitlistEntry]:
    """A user's live entries (waiting or offered), oldest first."""
    query = select(WaitlistEntry).where(
        WaitlistEntry.user_id == user_id,
        col(WaitlistEntry.status).in_([s.value for s in LIVE]),
    )
    if patient_id is not None:
        query = query.where(WaitlistEntry.his_patient_id == patient_id)
    query = query.order_by(col(WaitlistEntry.joined_at), col(WaitlistEntry.id))
    return list((await session.exec(query)).all())


async def live_entries_on(
    session: AsyncSession, schedule_id: str, expert_id: str | None, day: date | None
) -> list[WaitlistEntry]:
    """Staff's view: the live entries of one schedule (its own, and the expert's whose range
    covers its day, when those are known), in the order they are served."""
    covers = col(WaitlistEntry.schedule_id) == schedule_id
    if expert_id is not None and day is not None:
        covers = or_(
            covers,
            and_(
                col(WaitlistEntry.schedule_id).is_(None),
                col(WaitlistEntry.expert_id) == expert_id,
                col(WaitlistEntry.date_from) <= day,
                col(WaitlistEntry.date_to) >= day,
            ),
        )
    query = (
        select(WaitlistEntry)
        .where(covers, col(WaitlistEntry.status).in_([s.value for s in LIVE]))
        .order_by(col(WaitlistEntry.joined_at), col(WaitlistEntry.id))
    )
    return list((await session.exec(query)).all())


async def lock_entry(session: AsyncSession, entry_id: str) -> WaitlistEntry | None:
    """An entry read for update: an offer and a leave on one entry queue here."""
    query = (
        select(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).first()


async def lock_offer(session: AsyncSession, offer_id: str) -> WaitlistOffer | None:
    query = (
        select(WaitlistOffer)
        .where(WaitlistOffer.id == offer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).first()


async def offers_held(session: AsyncSession, slot_id: str, now: datetime) -> int:
    """The places of a slot held as offers now (an open one past its minutes is only waiting
    for its lapse to be recorded)."""
    query = (
        select(func.count())
        .select_from(WaitlistOffer)
        .where(
            WaitlistOffer.slot_id == slot_id,
            or_(
                and_(
                    col(WaitlistOffer.status) == OfferStatus.OPEN.value,
                    col(WaitlistOffer.expires_at) > now,
                ),
                col(WaitlistOffer.status) == OfferStatus.ACCEPTING.value,
            ),
        )
    )
    return int((await session.exec(query)).one())


@dataclass(frozen=True)
class WaitlistView:
    """An entry as its patient (or staff) sees it: where it stands in line, and its offer."""

    entry: WaitlistEntry
    position: int
    offer: WaitlistOffer | None


async def views(session: AsyncSession, entries: list[WaitlistEntry]) -> list[WaitlistView]:
    return [
        WaitlistView(e, await position(session, e), await open_offer(session, e.id))
        for e in entries
    ]
