"""The record access rules: who reads a patient's reports and prescriptions, table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from hospital_bff.services.errors import InvalidInput
from hospital_bff.services.record_access import (
    AccessBasis,
    GrantTerms,
    RecordScope,
    access_basis,
    age_on,
    check_grant_request,
)

TODAY = date(2026, 11, 27)
ADULT = date(1990, 7, 21)
MINOR = date(2015, 6, 1)
TURNS_18_TOMORROW = date(2008, 11, 28)
TURNED_18_TODAY = date(2008, 11, 27)
REPORTS = RecordScope.REPORTS
RX = RecordScope.PRESCRIPTIONS


def grant(*scopes: RecordScope, ends_on: date = TODAY, revoked: bool = False) -> GrantTerms:
    return GrantTerms(scopes=frozenset(scopes), ends_on=ends_on, revoked=revoked)


@pytest.mark.parametrize(
    ("relation", "birth", "grants", "scope", "expected"),
    [
        ("SELF", ADULT, [], REPORTS, AccessBasis.SELF),
        ("SELF", MINOR, [], RX, AccessBasis.SELF),
        ("CHILD", MINOR, [], REPORTS, AccessBasis.GUARDIAN),
        ("CHILD", TURNS_18_TOMORROW, [], RX, AccessBasis.GUARDIAN),
        ("CHILD", TURNED_18_TODAY, [], REPORTS, None),
        ("CHILD", ADULT, [], REPORTS, None),
        ("SPOUSE", ADULT, [], REPORTS, None),
        ("OTHER", MINOR, [], REPORTS, None),  # only a CHILD binding makes a guardian
        ("PARENT", ADULT, [], RX, None),
        ("SPOUSE", ADULT, [grant(REPORTS)], REPORTS, AccessBasis.GRANT),
        ("SPOUSE", ADULT, [grant(REPORTS)], RX, None),
        ("SPOUSE", ADULT, [grant(REPORTS, RX)], RX, AccessBasis.GRANT),
        ("SPOUSE", ADULT, [grant(REPORTS, ends_on=date(2026, 11, 26))], REPORTS, None),
        ("SPOUSE", ADULT, [grant(REPORTS, revoked=True)], REPORTS, None),
        (
            "CHILD",
            ADULT,
            [grant(REPORTS, revoked=True), grant(REPORTS, ends_on=date(2027, 1, 1))],
            REPORTS,
            AccessBasis.GRANT,
        ),
    ],
)
def test_who_reads(
    relation: str,
    birth: date,
    grants: list[GrantTerms],
    scope: RecordScope,
    expected: AccessBasis | None,
) -> None:
    assert access_basis(relation, birth, grants, scope, TODAY) is expected


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(2008, 11, 27), date(2026, 11, 27), 18),
        (date(2008, 11, 28), date(2026, 11, 27), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_counts_whole_years(birth: date, today: date, age: int) -> None:
    assert age_on(birth, today) == age


@pytest.mark.parametrize(
    ("scopes", "ends_on", "ok"),
    [
        (["REPORTS"], TODAY, True),
        (["REPORTS", "PRESCRIPTIONS"], date(2027, 11, 28), True),
        ([], TODAY, False),
        (["EVERYTHING"], TODAY, False),
        (["REPORTS"], date(2026, 11, 26), False),
        (["REPORTS"], date(2027, 11, 29), False),
    ],
)
def test_grant_requests(scopes: list[str], ends_on: date, ok: bool) -> None:
    if ok:
        assert check_grant_request(scopes, ends_on, TODAY) == frozenset(
            RecordScope(s) for s in scopes
        )
    else:
        with pytest.raises(InvalidInput):
            check_grant_request(scopes, ends_on, TODAY)
