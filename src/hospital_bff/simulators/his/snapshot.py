"""The simulated HIS's records as bytes (JSON) and back, so that a demo's hospital survives a
restart: the catalogue, patients, bills, reports, suspensions, locks, registrations, queues, and the
sequence its IDs come from. Events already sent and faults are not kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import TypeAdapter

from hospital_bff.simulators.his.records import (
    BillLockRecord,
    BillPaymentRecord,
    HisSeed,
    PatientRecord,
    QueueEntryRecord,
    RegistrationRecord,
    SlotLockRecord,
)
from hospital_bff.simulators.his.state import HisState


@dataclass
class HisSnapshot:
    """Everything a restarted HIS must still know."""

    hospital: HisSeed
    slot_locks: dict[str, SlotLockRecord]
    registrations: dict[str, RegistrationRecord]
    bill_locks: dict[str, BillLockRecord]
    bill_payments: dict[str, BillPaymentRecord]
    counter: int
    seeded_through: dt.date
    # Absent from records saved before the queue existed.
    queue: dict[str, QueueEntryRecord] = field(default_factory=dict)


_SNAPSHOT = TypeAdapter(HisSnapshot)


def dump_his(state: HisState) -> bytes:
    return _SNAPSHOT.dump_json(
        HisSnapshot(
            hospital=state.hospital,
            slot_locks=state.slot_locks,
            registrations=state.registrations,
            bill_locks=state.bill_locks,
            bill_payments=state.bill_payments,
            counter=state.counter,
            seeded_through=state.seeded_through,
            queue=state.queue,
        )
    )


def load_his(state: HisState, data: bytes) -> None:
    """Take the saved records in place of the fresh seed (raises ValueError when unreadable)."""
    saved = _SNAPSHOT.validate_json(data)
    state.use_records(saved.hospital)
    state.slot_locks = saved.slot_locks
    state.registrations = saved.registrations
    state.bill_locks = saved.bill_locks
    state.bill_payments = saved.bill_payments
    state.counter = saved.counter
    state.seeded_through = saved.seeded_through
    state.queue = saved.queue
    state.reindex()
    state.roll_calendar()


def saved_patients(data: bytes) -> list[PatientRecord]:
    """The patient index of saved records (raises ValueError when unreadable)."""
    return list(_SNAPSHOT.validate_json(data).hospital.patients.values())
