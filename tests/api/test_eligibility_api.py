"""`Schedule.eligibility(patientId)`: the booking rules explained through the API, and the
same verdict from BookAppointment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import event
from starlette.applications import Starlette

from fixtures.accounts import staff_token, user_id_of
from fixtures.graphql import gql_data
from fixtures.journey import book, patient_of, register_person, verified_user
from hospital_bff.runtime import Runtime

DAY = "2026-11-28"


async def schedules(
    client: httpx.AsyncClient, token: str, department: str, patient_id: str
) -> list[dict[str, Any]]:
    data = await gql_data(
        client,
        "DepartmentSchedules",
        {"departmentId": department, "from": DAY, "to": DAY, "patientId": patient_id},
        token=token,
    )
    found: list[dict[str, Any]] = [s for s in data["schedules"] if s["status"] == "OPEN"]
    assert found, f"no open schedule in {department}"
    return found


def free_slot(schedule: dict[str, Any]) -> str:
    slot_id: str = next(s["id"] for s in schedule["slots"] if s["remaining"] > 0)
    return slot_id


async def test_male_patient_on_obstetrics_is_ineligible_by_sex(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client, sex="MALE")
    patient = await patient_of(client, token)
    listed = await schedules(client, token, "dep-fck", patient)
    verdict = listed[0]["eligibility"]
    assert verdict["eligible"] is False
    assert verdict["code"] == "INELIGIBLE_SEX"
    assert verdict["reason"]
    refused = await book(client, token, patient, free_slot(listed[0]))
    assert refused["code"] == "INELIGIBLE_SEX"


async def test_female_patient_on_obstetrics_is_eligible(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client, name="韩梅梅", sex="FEMALE")
    patient = await patient_of(client, token)
    verdict = (await schedules(client, token, "dep-fck", patient))[0]["eligibility"]
    assert verdict == {"eligible": True, "code": None, "reason": None}


async def test_adult_on_paediatrics_is_ineligible_by_age_a_child_is_not(
    client: httpx.AsyncClient,
) -> None:
    token, _ = await verified_user(client)
    adult = await patient_of(client, token)
    verdict = (await schedules(client, token, "dep-ek", adult))[0]["eligibility"]
    assert verdict["eligible"] is False
    assert verdict["code"] == "INELIGIBLE_AGE"

    child = await register_person(client, name="李小雷", birth=date(2020, 3, 1))
    bound = await gql_data(
        client,
        "BindPatient",
        {
            "input": {
                "name": child["name"],
                "idNumber": child["idNumber"],
                "phone": child["phone"],
                "relation": "CHILD",
            }
        },
        token=token,
    )
    assert bound["bindPatient"]["__typename"] == "BindPatientSuccess", bound
    child_id = bound["bindPatient"]["patient"]["id"]
    listed = await schedules(client, token, "dep-ek", child_id)
    assert listed[0]["eligibility"]["eligible"] is True
    assert (await book(client, token, child_id, free_slot(listed[0])))[
        "__typename"
    ] == "BookAppointmentSuccess"


async def test_restricted_user_is_told_so(client: httpx.AsyncClient, runtime: Runtime) -> None:
    token, _ = await verified_user(client)
    patient = await patient_of(client, token)
    user_id = await user_id_of(client, token)
    staff = await staff_token(runtime, "张护士")
    restricted = await gql_data(
        client,
        "RestrictUser",
        {"userId": user_id, "until": "2026-12-27T00:00:00+08:00", "reason": "多次爽约"},
        token=staff,
        document="staff",
    )
    assert restricted["restrictUser"]["__typename"] == "RestrictUserSuccess", restricted
    listed = await schedules(client, token, "dep-yk", patient)
    verdict = listed[0]["eligibility"]
    assert verdict["eligible"] is False
    assert verdict["code"] == "USER_RESTRICTED"
    assert (await book(client, token, patient, free_slot(listed[0])))["code"] == "USER_RESTRICTED"


async def test_second_booking_on_the_same_schedule_is_a_duplicate(
    client: httpx.AsyncClient,
) -> None:
    token, _ = await verified_user(client)
    patient = await patient_of(client, token)
    listed = await schedules(client, token, "dep-yk", patient)
    first = listed[0]
    assert (await book(client, token, patient, free_slot(first)))[
        "__typename"
    ] == "BookAppointmentSuccess"
    again = next(
        s for s in await schedules(client, token, "dep-yk", patient) if s["id"] == first["id"]
    )
    assert again["eligibility"]["eligible"] is False
    assert again["eligibility"]["code"] == "DUPLICATE_BOOKING"
    refused = await book(client, token, patient, free_slot(again), key="k2")
    assert refused["code"] == "DUPLICATE_BOOKING"


async def test_booking_limits_per_department_and_per_day(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    patient = await patient_of(client, token)
    # One per department per day: a second expert of the same department the same day.
    nk = await schedules(client, token, "dep-nk", patient)
    assert (await book(client, token, patient, free_slot(nk[0]), key="nk"))[
        "__typename"
    ] == "BookAppointmentSuccess"
    other_expert = next(
        s
        for s in await schedules(client, token, "dep-nk", patient)
        if s["expert"]["id"] != nk[0]["expert"]["id"]
    )
    assert other_expert["eligibility"]["code"] == "BOOKING_LIMIT_REACHED"
    assert (await book(client, token, patient, free_slot(other_expert), key="nk2"))[
        "code"
    ] == "BOOKING_LIMIT_REACHED"
    # Three per day: two more departments, then a fourth is refused.
    for department in ("dep-wk", "dep-yk"):
        listed = await schedules(client, token, department, patient)
        assert listed[0]["eligibility"]["eligible"] is True
        booked = await book(client, token, patient, free_slot(listed[0]), key=department)
        assert booked["__typename"] == "BookAppointmentSuccess", booked
    fourth = await schedules(client, token, "dep-xhnk", patient)
    assert fourth[0]["eligibility"]["code"] == "BOOKING_LIMIT_REACHED"
    assert (await book(client, token, patient, free_slot(fourth[0]), key="xh"))[
        "code"
    ] == "BOOKING_LIMIT_REACHED"


async def test_another_users_patient_looks_like_none(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    patient = await patient_of(client, token)
    other, _ = await verified_user(client, openid="o-hanmeimei", name="韩梅梅", sex="FEMALE")
    data = await gql_data(
        client,
        "DepartmentSchedules",
        {"departmentId": "dep-yk", "from": DAY, "to": DAY, "patientId": patient},
        token=other,
    )
    verdict = data["schedules"][0]["eligibility"]
    assert verdict["eligible"] is False
    assert verdict["code"] == "NOT_FOUND"


async def test_a_weeks_eligibility_costs_the_queries_of_one_day(
    client: httpx.AsyncClient, runtime: Runtime, app: Starlette
) -> None:
    """42 schedules are judged with as many SQL statements as 6: per request, not per schedule."""
    token, _ = await verified_user(client)
    patient = await patient_of(client, token)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    async def listed(days: int) -> tuple[int, int]:
        statements.clear()
        app.state.personal_answers.clear()  # the query's cost, not a kept answer's
        to = (date.fromisoformat(DAY) + timedelta(days=days - 1)).isoformat()
        data = await gql_data(
            client,
            "DepartmentSchedules",
            {"departmentId": "dep-nk", "from": DAY, "to": to, "patientId": patient},
            token=token,
        )
        assert all(s["eligibility"]["code"] != "NOT_FOUND" for s in data["schedules"])
        return len(data["schedules"]), len(statements)

    await listed(1)  # the catalogue and the first day's HIS registrations, loaded once
    event.listen(runtime.engine.sync_engine, "before_cursor_execute", count)
    try:
        one_day, day_statements = await listed(1)
        week, week_statements = await listed(7)
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", count)
    assert week >= 6 * one_day > 0
    assert week_statements == day_statements, statements
    # The caller's account, then the binding, the user and the orders of the days asked.
    assert day_statements <= 4, statements


async def test_someone_elses_patient_is_not_found_on_every_schedule(
    client: httpx.AsyncClient,
) -> None:
    owner, _ = await verified_user(client)
    patient = await patient_of(client, owner)
    stranger, _ = await verified_user(client, openid="o-stranger", name="王小二")
    data = await gql_data(
        client,
        "DepartmentSchedules",
        {"departmentId": "dep-nk", "from": DAY, "to": DAY, "patientId": patient},
        token=stranger,
    )
    assert data["schedules"]
    assert {s["eligibility"]["code"] for s in data["schedules"]} == {"NOT_FOUND"}
