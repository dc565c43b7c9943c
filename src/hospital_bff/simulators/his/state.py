"""Everything the simulated HIS knows, in memory: its records, their indexes, the events it
sent, and the faults it is told to show. The rules that change it are in `rules`."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import Any

import httpx

from hospital_bff.clock import Clock
from hospital_bff.simulators.his.errors import not_found
from hospital_bff.simulators.his.faults import Faults
from hospital_bff.simulators.his.records import (
    BillLockRecord,
    BillPaymentRecord,
    BillRecord,
    DepartmentRecord,
    ExpertRecord,
    HisSeed,
    PatientRecord,
    PrescriptionRecord,
    QueueEntryRecord,
    RegistrationRecord,
    ReportRecord,
    ScheduleRecord,
    SlotLockRecord,
    SlotRecord,
)
from hospital_bff.simulators.his.seed import BOOKING_HORIZON_DAYS, add_schedules, build_seed


class HisState:
    """Everything the simulated HIS knows, in memory; `lock` serialises every change."""

    def __init__(
        self,
        clock: Clock,
        *,
        seed: bool = True,
        webhook_url: str | None = None,
        webhook_secret: str = "",
        http: httpx.AsyncClient | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.clock = clock
        self.seed = seed
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.http = http
        self.random = rng or random.Random()
        self.lock = asyncio.Lock()
        # How long a "timeout" fault holds the answer back; tests shorten it.
        self.hang_seconds = 30.0
        # Pauses between webhook attempts; a delivery gives up after the last.
        self.retry_delays: tuple[float, ...] = (0.5, 2.0, 5.0)
        self.faults = Faults()
        self.sent_events: list[dict[str, Any]] = []
        self.delivered: list[str] = []  # event IDs, once per accepted POST
        self.deliveries: set[asyncio.Task[None]] = set()
        # Paced calling of today's queues (PUT /queue/pace); 0 is off, tests call the next now.
        self.pace_seconds = 0.0
        self.pace_task: asyncio.Task[None] | None = None
        self.reset()

    def reset(self) -> None:
        """Back to the state of a fresh simulator (the catalogue relative to today)."""
        today = self.clock.today()
        self.use_records(build_seed(today, self.clock.tz, demo_patients=self.seed))
        self.slot_locks: dict[str, SlotLockRecord] = {}
        self.registrations: dict[str, RegistrationRecord] = {}
        self.bill_locks: dict[str, BillLockRecord] = {}
        self.bill_payments: dict[str, BillPaymentRecord] = {}
        self.queue: dict[str, QueueEntryRecord] = {}  # by registration ID
        self.stop_pace()
        self.reindex()
        self.seeded_through = today + timedelta(days=BOOKING_HORIZON_DAYS)
        self.counter = 0
        self.faults = Faults()
        self.sent_events = []
        self.delivered = []

    def use_records(self, seed: HisSeed) -> None:
        """Hold `seed`'s records (a fresh seed, or the ones saved before a restart)."""
        self.hospital = seed
        self.departments: dict[str, DepartmentRecord] = seed.departments
        self.experts: dict[str, ExpertRecord] = seed.experts
        self.schedules: dict[str, ScheduleRecord] = seed.schedules
        self.slots: dict[str, SlotRecord] = seed.slots
        self.patients: dict[str, PatientRecord] = seed.patients
        self.bills: dict[str, BillRecord] = seed.bills
        self.reports: dict[str, ReportRecord] = seed.reports
        self.prescriptions: dict[str, PrescriptionRecord] = seed.prescriptions

    def reindex(self) -> None:
        """Rebuild the lookups derived from the registrations and locks."""
        self.registration_by_order: dict[str, str] = {
            r.order_id: r.id for r in self.registrations.values() if r.order_id is not None
        }
        self.bill_payment_by_order: dict[str, str] = {
            p.order_id: p.id for p in self.bill_payments.values()
        }
        # Per-slot indexes keep `remaining` cheap when a week of schedules is listed.
        self.locks_by_slot: dict[str, set[str]] = {}
        for lock in self.slot_locks.values():
            if not lock.released and lock.consumed_by is None:
                self.locks_by_slot.setdefault(lock.slot_id, set()).add(lock.lock_id)
        self.registrations_by_slot: dict[str, set[str]] = {}
        for registration in self.registrations.values():
            self.registrations_by_slot.setdefault(registration.slot_id, set()).add(registration.id)

    def next_number(self) -> int:
        """One sequence for every ID the simulator makes, so IDs never repeat within a run."""
        self.counter += 1
        return self.counter

    def next_id(self, prefix: str) -> str:
        return f"{prefix}-{self.next_number():06d}"

    def roll_calendar(self) -> None:
        """A long-running simulator keeps a week of schedules ahead of today."""
        horizon = self.clock.today() + timedelta(days=BOOKING_HORIZON_DAYS)
        while self.seeded_through < horizon:
            self.seeded_through += timedelta(days=1)
            add_schedules(self.hospital, self.seeded_through, self.clock.tz)

    def get_patient(self, patient_id: str) -> PatientRecord:
        patient = self.patients.get(patient_id)
        if patient is None:
            raise not_found("patient")
        return patient

    def get_registration(self, registration_id: str) -> RegistrationRecord:
        registration = self.registrations.get(registration_id)
        if registration is None:
            raise not_found("registration")
        return registration

    def stop_pace(self) -> None:
        """No more paced calls (a reset, or `secondsPerPatient: 0`)."""
        self.pace_seconds = 0.0
        if self.pace_task is not None:
            self.pace_task.cancel()
            self.pace_task = None

    async def drain(self) -> None:
        """Wait until every pending webhook delivery has succeeded or given up."""
        while self.deliveries:
            await asyncio.gather(*list(self.deliveries), return_exceptions=True)
