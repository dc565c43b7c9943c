"""The simulated HIS's seed is derived once per day and process and copied for each start:
each copy must equal a fresh derivation and share nothing another start could change."""

from __future__ import annotations

from datetime import date

from hospital_bff.clock import SHANGHAI
from hospital_bff.simulators.his.records import HisSeed
from hospital_bff.simulators.his.seed import _first_seed, build_seed

DAY = date(2026, 11, 27)


def derived_afresh(demo_patients: bool = True) -> HisSeed:
    return _first_seed.__wrapped__(DAY, SHANGHAI, demo_patients)


def test_a_copied_seed_equals_one_derived_afresh() -> None:
    for demo_patients in (True, False):
        copied = build_seed(DAY, SHANGHAI, demo_patients=demo_patients)
        assert copied == derived_afresh(demo_patients)
        assert copied.slots and copied.schedules and copied.experts
    assert build_seed(DAY, SHANGHAI, demo_patients=False).patients == {}


def test_changing_one_copy_leaves_the_next_as_derived() -> None:
    first = build_seed(DAY, SHANGHAI)
    schedule = next(iter(first.schedules.values()))
    schedule.status = "SUSPENDED"
    schedule.slot_ids.append("slot-extra")
    schedule.last_number = 9
    next(iter(first.slots.values())).capacity = 0
    bill = next(iter(first.bills.values()))
    bill.paid_by = "order-1"
    bill.items[0]["amount"] = 1
    next(iter(first.reports.values())).items.clear()
    next(iter(first.prescriptions.values())).items.clear()
    next(iter(first.departments.values())).name = "changed"
    next(iter(first.experts.values())).name = "changed"
    next(iter(first.patients.values())).phone = None
    first.slots.clear()

    assert build_seed(DAY, SHANGHAI) == derived_afresh()
