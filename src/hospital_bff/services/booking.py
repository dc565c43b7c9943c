"""Booking a registration (paper §4.2): check, hold a place, lock it at the HIS, bill.

The place is held in our database first (never beyond capacity, across processes), then
locked at the HIS (the hospital's own arbiter); if either says no, whatever was taken is
given back. An AWAITING_PAYMENT order with a payment window ends the step.

Over 400 lines: the gate's ticket, the patient's claim, the rules, the hold, the HIS lock and
the order are one sequence whose every failure gives back what the steps before it took;
apart, each step would have to know the others' give-backs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import TOO_SLOW, UpstreamRejected, UpstreamUnavailable
from hospital_bff.datasources.his_models import Department, Schedule, SlotWithSchedule
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.accounts import patients
from hospital_bff.services.booking_facts import made_or_binding, schedule_facts, user_and_ours
from hospital_bff.services.catalogue import Catalogue
from hospital_bff.services.eligibility import (
    BookedVisit,
    BookingCounts,
    BookingLimits,
    PatientFacts,
    UserFacts,
    Verdict,
    check_eligibility,
    count_bookings,
)
from hospital_bff.services.errors import (
    DomainError,
    NotFound,
    NotVerified,
    UpstreamUnavailableError,
)
from hospital_bff.services.his_bookings import his_visits, his_visits_by_day
from hospital_bff.services.money import his_locks, holds, orders
from hospital_bff.services.money.rules import OrderKind
from hospital_bff.services.slot_gate import Ticket, TryAgain, held_places
from hospital_bff.store.ids import new_id
from hospital_bff.store.models import Order, PatientBinding

log = structlog.get_logger(__name__)

# How old a booking's read of an open slot may be (HisClient.bookable_slot): the HIS's lock
# has the last word on whether a place is still there.
BOOKABLE_SLOT_SECONDS = 1.0


class SlotFull(DomainError):
    code = "SLOT_FULL"

    def __init__(self) -> None:
        super().__init__("该时段号源已满，请选择其他时段", message_en="This time slot is full")


@dataclass
class _Attempt:
    """Whether a booking still has a ticket of the slot gate to give back."""

    ticket_out: bool


@dataclass(frozen=True)
class Booked:
    order: Order
    created: bool


def refusal(verdict: Verdict) -> DomainError:
    """The error a booking (or a waitlist accept) answers for a verdict that refuses it."""
    assert verdict.code is not None
    reason = verdict.reason or verdict.code
    return DomainError(reason, code=verdict.code, message_en=verdict.reason_en)


class BookingService:
    """Eligibility and booking of registrations."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def eligibility(
        self,
        session: AsyncSession,
        user_id: str,
        patient_id: str,
        schedule: Schedule,
        remaining: int | None = None,
    ) -> Verdict:
        binding = await patients.binding_of(session, user_id, patient_id)
        at_his = await his_visits(self.rt, binding.his_patient_id, schedule.date)
        return await self._verdict(session, user_id, binding, schedule, at_his, remaining)

    async def eligibility_of_schedules(
        self, session: AsyncSession, user_id: str, patient_id: str, schedules: Sequence[Schedule]
    ) -> list[Verdict]:
        """One patient's verdict on many schedules in a fixed number of queries and HIS calls
        (the binding, the user, our orders of those days, the HIS's registrations of those
        days), however many schedules a screen lists."""
        binding = await patients.binding_of(session, user_id, patient_id)
        days = {s.date for s in schedules}
        at_his = await his_visits_by_day(self.rt, binding.his_patient_id, days)
        user, ours = await user_and_ours(session, user_id, binding.his_patient_id, days)
        catalogue = await self.rt.catalogue.catalogue()
        return [
            self._check(
                user,
                binding,
                s,
                catalogue.departments_by_id.get(s.department_id),
                count_bookings(ours[s.date], at_his[s.date], s.id, s.department_id),
            )
            for s in schedules
        ]

    async def _verdict(
        self,
        session: AsyncSession,
        user_id: str,
        binding: PatientBinding,
        schedule: Schedule,
        at_his: list[BookedVisit],
        remaining: int | None = None,
    ) -> Verdict:
        verdict, _ = await self._rules(session, user_id, binding, schedule, at_his, remaining)
        return verdict

    async def _rules(
        self,
        session: AsyncSession,
        user_id: str,
        binding: PatientBinding,
        schedule: Schedule,
        at_his: list[BookedVisit],
        remaining: int | None = None,
    ) -> tuple[Verdict, Catalogue]:
        """The verdict, and the catalogue it was read with (a booking names the order's
        department and expert from the same copy: one read of the cache, not two)."""
        day = schedule.date
        user, ours = await user_and_ours(session, user_id, binding.his_patient_id, [day])
        catalogue = await self.rt.catalogue.catalogue()
        department = catalogue.departments_by_id.get(schedule.department_id)
        counts = count_bookings(ours[day], at_his, schedule.id, schedule.department_id)
        return self._check(user, binding, schedule, department, counts, remaining), catalogue

    async def verdict_on(
        self,
        session: AsyncSession,
        user_id: str,
        binding: PatientBinding,
        schedule: Schedule,
        at_his: list[BookedVisit],
        remaining: int | None = None,
    ) -> Verdict:
        """The rules for a binding already read, the HIS's visits asked before the unit (the
        waitlist checks them when joining and again when offering)."""
        return await self._verdict(session, user_id, binding, schedule, at_his, remaining)

    async def book_held_place(
        self, user_id: str, binding: PatientBinding, slot: SlotWithSchedule, hold_id: str, key: str
    ) -> Booked:
        """A place held under `hold_id` (a waitlist offer's) locked and billed, named after it."""
        booked = await self._lock_and_create(user_id, binding, slot, hold_id, key)
        return await self._told(booked, slot.schedule.department_id)

    def _check(
        self,
        user: UserFacts,
        binding: PatientBinding,
        schedule: Schedule,
        department: Department | None,
        counts: BookingCounts,
        remaining: int | None = None,
    ) -> Verdict:
        return check_eligibility(
            self.rt.clock.now(),
            user,
            PatientFacts(sex=binding.sex, birth_date=binding.birth_date),  # type: ignore[arg-type]
            schedule_facts(schedule, department, remaining),
            counts,
            BookingLimits.from_settings(self.rt.settings),
        )

    async def book(
        self, user_id: str | None, patient_id: str, slot_id: str, idempotency_key: str
    ) -> Booked:
        """The whole booking step, in short transactions of its own: the hold must be visible
        to every other process before the HIS is asked, and given back if the HIS says no."""
        if user_id is None:
            raise NotVerified()
        orders.check_idempotency_key(idempotency_key)
        rt = self.rt
        # A full slot is answered here, before the HIS hears of it: only a request sent again
        # for the order it already made is told otherwise (the same key, the same order).
        ticket = await rt.slot_gate.take(slot_id)
        if ticket is Ticket.FULL:
            existing = await self._committed_by_key(user_id, idempotency_key)
            if existing is not None:
                return Booked(existing, created=False)
            raise SlotFull()
        attempt = _Attempt(ticket_out=ticket is Ticket.TAKEN)
        try:
            # Read once, before the HIS hears the id: the same key answers the same order (even
            # with the HIS away); a stranger's patient is NOT_FOUND (a racing unbinding: after).
            async with uow.reads(rt) as session:
                found = await made_or_binding(session, user_id, idempotency_key, patient_id)
            if isinstance(found, Order):
                return Booked(found, created=False)
            binding = found
            async with rt.slot_gate.admission.admitted():
                try:
                    return await self._book(
                        user_id, binding, slot_id, idempotency_key, ticket, attempt
                    )
                except DomainError:
                    # Sent again while the first was in flight: the first's order answers it.
                    existing = await self._committed_by_key(user_id, idempotency_key)
                    if existing is None:
                        raise
                    return Booked(existing, created=False)
        finally:
            if attempt.ticket_out:
                await rt.slot_gate.give_back(slot_id)

    async def _book(
        self,
        user_id: str,
        binding: PatientBinding,
        slot_id: str,
        idempotency_key: str,
        ticket: Ticket,
        attempt: _Attempt,
    ) -> Booked:
        rt = self.rt
        patient_id = binding.his_patient_id
        try:
            # Asked before the transaction below: no HTTP inside it.
            slot = await rt.his.bookable_slot(slot_id, BOOKABLE_SLOT_SECONDS)
            at_his = await his_visits(rt, patient_id, slot.schedule.date) if slot else []
        except TOO_SLOW as exc:
            # Too slow to answer in time (overload, ours or the HIS's): nothing is taken yet.
            raise TryAgain() from exc
        except UpstreamUnavailable as exc:
            raise UpstreamUnavailableError("his") from exc
        if slot is not None and ticket is Ticket.UNKNOWN:
            # The gate had no count for this slot: start it from the database's holds.
            ticket = await rt.slot_gate.seed_and_take(
                slot.id, slot.capacity, functools.partial(self._held, slot.id)
            )
            if ticket is Ticket.FULL:
                raise SlotFull()
            attempt.ticket_out = True
        # The claim, the hold and the HIS lock are named after the order to come. One booking
        # at a time per patient, from the rules' read to the order's commit (patient_claims).
        order_id = new_id("ord")
        async with rt.patient_claims.claimed(patient_id, order_id):
            # No HTTP inside: the rules, then a place held in one statement (holds.hold_place),
            # no transaction around them (under READ COMMITTED the rules' read is its own
            # snapshot either way).
            async with uow.statements(rt) as session:
                if slot is None:
                    raise NotFound("号源", "slot")
                schedule = slot.schedule
                verdict, catalogue = await self._rules(
                    session, user_id, binding, schedule, at_his, remaining=slot.remaining
                )
                if not verdict.eligible:
                    raise refusal(verdict)
                # Leased: if this process dies before the order commits, the sweep frees it.
                if not await holds.hold_place(
                    session,
                    order_id,
                    slot.id,
                    schedule.id,
                    slot.capacity,
                    rt.clock.now(),
                    rt.settings.place_hold_lease_seconds,
                ):
                    rt.his.forget_bookable(slot.id)
                    raise SlotFull()
            # The ticket is the hold's now: whoever frees the place tells the gate (uow.py).
            attempt.ticket_out = False
            booked: Booked | None = None
            try:
                booked = await self._lock_and_create(
                    user_id, binding, slot, order_id, idempotency_key, catalogue
                )
            finally:
                # Only a booking whose order did not commit gives its place back.
                if booked is None or not booked.created:
                    async with uow.unit_of_work(rt) as session:
                        await holds.release_hold(session, order_id, rt.clock.now())
        return await self._told(booked, schedule.department_id)

    async def _told(self, booked: Booked, department_id: str) -> Booked:
        if booked.created:  # the new order's place reaches the kept schedule answers at once
            try:
                await self.rt.catalogue.invalidate_schedules(department_id)
            except Exception:
                # The cached figures live seconds; a booking is never undone for them.
                log.warning("schedule_cache_not_invalidated", department=department_id)
        return booked

    async def _lock_and_create(
        self,
        user_id: str,
        binding: PatientBinding,
        slot: SlotWithSchedule,
        order_id: str,
        key: str,
        catalogue: Catalogue | None = None,
    ) -> Booked:
        rt = self.rt
        try:
            await rt.his.lock_slot(
                order_id, slot.id, binding.his_patient_id, orders.his_lock_seconds(rt.settings)
            )
        except UpstreamRejected as exc:
            rt.his.forget_bookable(slot.id)
            if exc.code == "SLOT_FULL":
                raise SlotFull() from exc
            if exc.code == "SCHEDULE_NOT_OPEN":
                raise DomainError(
                    "该号源暂不可预约",
                    code="SCHEDULE_NOT_OPEN",
                    message_en="This schedule is not open",
                ) from exc
            raise DomainError(exc.detail, code="INVALID_STATE") from exc
        except UpstreamUnavailable as exc:
            # Our hold goes back with it (the caller's finally).
            await his_locks.after_failed_lock(rt, order_id, OrderKind.REGISTRATION, exc)
            if isinstance(exc, TOO_SLOW):
                raise TryAgain() from exc  # nothing is taken: the same request may come again
            raise UpstreamUnavailableError("his") from exc
        schedule = slot.schedule
        if catalogue is None:
            catalogue = await rt.catalogue.catalogue()
        department = catalogue.departments_by_id.get(schedule.department_id)
        expert = catalogue.experts_by_id.get(schedule.expert_id)
        items = [
            {"code": "REG", "name": "挂号费", "amount": schedule.registration_fee},
            {"code": "DIAG", "name": "诊查费", "amount": schedule.diagnosis_fee},
        ]
        order = orders.awaiting_payment(
            order_id=order_id,
            kind=OrderKind.REGISTRATION,
            user_id=user_id,
            his_patient_id=binding.his_patient_id,
            patient_name=binding.name,
            idempotency_key=key,
            amount=schedule.registration_fee + schedule.diagnosis_fee,
            items=items,
            now=rt.clock.now(),
            window_seconds=rt.settings.payment_window_seconds,
            slot_id=slot.id,
            schedule_id=schedule.id,
            department_id=schedule.department_id,
            department_name=department.name if department else None,
            expert_id=schedule.expert_id,
            expert_name=expert.name if expert else None,
            expert_title=expert.title if expert else None,
            visit_date=schedule.date,
            period=schedule.period,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            location=schedule.location,
        )
        try:
            # The hold becomes the order's place in the order's own commit.
            order, created = await orders.open_order(rt, order, hold_id=order_id)
        except orders.HoldLapsed as exc:
            # This booking outlived its lease (the HIS answered that slowly): the sweep gave
            # the place back already, so nothing was booked; the patient tries again.
            await his_locks.release(rt, order_id, OrderKind.REGISTRATION)
            raise TryAgain() from exc
        if not created:
            # A concurrent request with the same key won: ours was given back, theirs answers.
            return Booked(order, created=False)
        log.info("booked", order=order.id, slot=slot.id)
        return Booked(order, created=True)

    async def seed_gate(self, slot_id: str) -> bool:
        """Start the gate's count of a slot whose count lapsed, as a booking would (the HIS's
        capacity, the database's holds); False if the HIS does not know the slot."""
        slot = await self.rt.his.slot(slot_id)
        if slot is None:
            return False
        await self.rt.slot_gate.seed(slot.id, slot.capacity, functools.partial(self._held, slot.id))
        return True

    async def _held(self, slot_id: str) -> int:
        async with uow.reads(self.rt) as session:
            return await held_places(session, slot_id)

    async def _committed_by_key(self, user_id: str, key: str) -> Order | None:
        async with uow.reads(self.rt) as session:
            return await orders.by_idempotency_key(session, user_id, key)
