"""FHIR ids and references read back into ours, and the date prefixes of a search."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hospital_bff.clock import SHANGHAI
from hospital_bff.fhir import mapping
from hospital_bff.fhir.context import compares, prefixed


@pytest.mark.parametrize(
    ("appointment", "order"),
    [
        ("ord-3fa2b1", "ord_3fa2b1"),
        ("ord-", None),
        ("proposed.slot-a.pat-1", None),
        ("rfd-3fa2b1", None),
        ("ord", None),
    ],
)
def test_an_appointment_id_names_an_order_only_if_it_is_one(
    appointment: str, order: str | None
) -> None:
    assert mapping.order_id(appointment) == order
    if order is not None:
        assert mapping.appointment_id(order) == appointment


@pytest.mark.parametrize(
    ("proposal", "parts"),
    [
        (
            mapping.proposal_id("slot-exp-1-20261128-AM-0800", "pat-0001"),
            ("slot-exp-1-20261128-AM-0800", "pat-0001"),
        ),
        ("proposed.", None),
        ("proposed.slot-a", None),
        ("ord-1", None),
    ],
)
def test_a_proposal_names_its_slot_and_patient(
    proposal: str, parts: tuple[str, str] | None
) -> None:
    assert mapping.proposal_of(proposal) == parts


@pytest.mark.parametrize(
    ("value", "kind", "found"),
    [
        ("Patient/pat-1", "Patient", "pat-1"),
        ("pat-1", "Patient", "pat-1"),
        ("https://other.example/fhir/Patient/pat-1", "Patient", "pat-1"),
        ("Practitioner/pat-1", "Patient", ""),
    ],
)
def test_a_reference_gives_its_id_only_for_its_type(value: str, kind: str, found: str) -> None:
    assert mapping.reference_id(value, kind) == found


EIGHT = datetime(2026, 11, 28, 8, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("raw", "holds"),
    [
        ("2026-11-28", True),
        ("ge2026-11-28", True),
        ("gt2026-11-28", False),
        ("lt2026-11-29", True),
        ("ne2026-11-28", False),
        ("ge2026-11-28T08:00:00+08:00", True),
        ("gt2026-11-28T00:00:00Z", False),  # 08:00 in Shanghai is 00:00 UTC
        ("gt2026-11-27T23:59:00Z", True),
        ("le2026-11-28T07:59:00+08:00", False),
    ],
)
def test_a_prefixed_bound_compares_a_slot_start(raw: str, holds: bool) -> None:
    prefix, value = prefixed(raw)
    bound: date | datetime = (
        date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    )
    assert compares(prefix, EIGHT, bound) is holds
