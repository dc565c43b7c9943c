"""A signed-in patient's own answers kept per account: whose they are, and that every route by
which what they show can change is seen on the very next read (each through the real path:
the mutation, the bank's notification, the expiry command, the staff's suspension and
restriction), on the embedded default and on PostgreSQL with Redis."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import httpx
from prometheus_client import REGISTRY
from sqlmodel import select
from starlette.applications import Starlette

from fixtures.accounts import bind, staff_token, user_id_of
from fixtures.graphql import gql, gql_data
from fixtures.journey import (
    book,
    eventually,
    open_slot,
    patient_of,
    pay,
    register_person,
    verified_user,
)
from fixtures.money import cancel, cashier_pay, order_row
from hospital_bff.clock import FrozenClock
from hospital_bff.personal_answers import PersonalAnswers
from hospital_bff.runtime import Runtime
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.uow import unit_of_work
from hospital_bff.store.models import Account, HospitalUser

DAY = "2026-11-28"
WEEK = {"departmentId": "dep-yk", "from": DAY, "to": DAY}


def counted(outcome: str) -> float:
    value = REGISTRY.get_sample_value("bff_personal_answers_total", {"outcome": outcome})
    return value or 0.0


def answers_of(app: Starlette) -> PersonalAnswers:
    kept: PersonalAnswers = app.state.personal_answers
    return kept


async def kept(
    client: httpx.AsyncClient, name: str, variables: dict[str, Any], token: str, **kw: Any
) -> dict[str, Any]:
    """Asked until answered from what was kept (the first answer to an account the process has
    not seen yet only teaches it whose generation to read), so a stale one could be given."""
    await gql_data(client, name, variables, token=token, **kw)
    await gql_data(client, name, variables, token=token, **kw)
    hits = counted("hit")
    data = await gql_data(client, name, variables, token=token, **kw)
    assert counted("hit") == hits + 1, "the answer was not kept"
    return data


def unauthenticated(body: dict[str, Any]) -> bool:
    return any(e["extensions"]["code"] == "UNAUTHENTICATED" for e in body.get("errors", []))


# --- whose ---------------------------------------------------------------------------------------


async def test_each_account_gets_its_own_answer_to_the_same_request(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    lilei, _ = await verified_user(client, openid="o-lilei", name="李雷")
    han, _ = await verified_user(client, openid="o-han", name="韩梅梅")
    first = await kept(client, "Me", {}, lilei)
    second = await kept(client, "Me", {}, han)
    assert first["me"]["maskedName"] != second["me"]["maskedName"]
    assert first["me"]["patients"][0]["id"] != second["me"]["patients"][0]["id"]
    # And again, alternating: each still gets their own.
    for token, expected in ((lilei, first), (han, second), (lilei, first)):
        assert await gql_data(client, "Me", token=token) == expected
    assert len(answers_of(app)) == 2


async def test_the_language_is_part_of_the_question(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    await kept(client, "Me", {}, token)
    misses = counted("miss")
    await gql_data(client, "Me", token=token, headers={"accept-language": "en"})
    assert counted("miss") == misses + 1


async def test_a_staff_token_never_meets_a_patients_kept_answer(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    await kept(client, "Me", {}, token)
    patients = (await gql_data(client, "Me", token=token))["me"]["patients"]
    staff = await staff_token(runtime)
    hits, misses = counted("hit"), counted("miss")
    for _ in range(3):
        seen = (await gql_data(client, "Me", token=staff))["me"]
        assert seen["id"].startswith("stf_") and seen["patients"] != patients, seen
    assert (counted("hit"), counted("miss")) == (hits, misses)


async def test_a_forged_or_expired_token_gets_no_kept_answer(
    client: httpx.AsyncClient, clock: FrozenClock, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    await kept(client, "Me", {}, token)
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    assert unauthenticated(await gql(client, "Me", token=forged))
    clock.advance(seconds=runtime.settings.jwt_ttl_seconds)
    body = await gql(client, "Me", token=token)
    assert unauthenticated(body), body
    assert unauthenticated(await gql(client, "Me", token=token)), "an error was kept"


async def test_a_deleted_accounts_token_is_refused_not_answered_from_the_cache(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    await kept(client, "Me", {}, token)
    async with unit_of_work(runtime) as session:
        for account in (await session.exec(select(Account))).all():
            await session.delete(account)
    body = await gql(client, "Me", token=token)
    assert unauthenticated(body), body


# --- every route of change -----------------------------------------------------------------------


async def test_binding_a_patient_shows_on_the_next_read(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    before = await kept(client, "Me", {}, token)
    child = await register_person(client, name="李小雷")
    assert (await bind(client, token, child))["__typename"] == "BindPatientSuccess"
    after = await gql_data(client, "Me", token=token)
    assert len(after["me"]["patients"]) == len(before["me"]["patients"]) + 1


async def test_a_staff_restriction_shows_on_the_next_read(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    assert (await kept(client, "Me", {}, token))["me"]["restrictedUntil"] is None
    until = (clock.now() + timedelta(days=30)).isoformat()
    data = await gql_data(
        client,
        "RestrictUser",
        {"userId": await user_id_of(client, token), "until": until, "reason": "爽约三次"},
        token=await staff_token(runtime),
        document="staff",
    )
    assert data["restrictUser"]["__typename"] == "RestrictUserSuccess", data
    assert (await gql_data(client, "Me", token=token))["me"]["restrictedUntil"] is not None


async def test_booking_paying_and_cancelling_show_on_the_next_read(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    patient = await patient_of(client, token)
    assert (await kept(client, "Orders", {"first": 10}, token))["orders"]["edges"] == []
    slot = (await open_slot(client))["slot"]["id"]
    booked = await book(client, token, patient, slot)
    order_id = booked["order"]["id"]
    listed = await gql_data(client, "Orders", {"first": 10}, token=token)
    assert [e["node"]["id"] for e in listed["orders"]["edges"]] == [order_id]

    # The bank's notification and the HIS's confirmation, in the background.
    assert (await kept(client, "Order", {"id": order_id}, token))["order"]["status"] == (
        "AWAITING_PAYMENT"
    )
    payment = (await pay(client, token, order_id))["payment"]
    assert (await kept(client, "Order", {"id": order_id}, token))["order"]["status"] == (
        "AWAITING_PAYMENT"
    )
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200

    async def confirmed() -> bool:
        return (await order_row(runtime, order_id)).status == "CONFIRMED"

    await eventually(confirmed)
    assert (await gql_data(client, "Order", {"id": order_id}, token=token))["order"][
        "status"
    ] == "CONFIRMED"

    await kept(client, "Order", {"id": order_id}, token)
    assert (await cancel(client, token, order_id))["__typename"] == "CancelAppointmentSuccess"
    done = (await gql_data(client, "Order", {"id": order_id}, token=token))["order"]
    assert done["status"] == "CANCELLED" and done["refund"] is not None


async def test_an_expiry_shows_on_the_next_read(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    slot = (await open_slot(client))["slot"]["id"]
    order_id = (await book(client, token, await patient_of(client, token), slot))["order"]["id"]
    await kept(client, "Order", {"id": order_id}, token)
    clock.advance(seconds=runtime.settings.payment_window_seconds + 1)
    # What the expiry job runs for an order whose window ended.
    await PaymentService(runtime).expire(order_id)
    assert (await gql_data(client, "Order", {"id": order_id}, token=token))["order"][
        "status"
    ] == "EXPIRED"


async def test_a_suspension_shows_on_the_next_read(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client)
    booked = await book(client, token, await patient_of(client, token), found["slot"]["id"])
    order_id = booked["order"]["id"]
    await pay(client, token, order_id)
    await kept(client, "Order", {"id": order_id}, token)
    data = await gql_data(
        client,
        "SuspendSchedule",
        {"scheduleId": found["schedule"]["id"], "reason": "专家外出会诊"},
        token=await staff_token(runtime),
        document="staff",
    )
    assert data["suspendSchedule"]["__typename"] == "SuspendScheduleSuccess", data

    async def cancelled() -> bool:
        return (await order_row(runtime, order_id)).status == "CANCELLED"

    await eventually(cancelled)  # in the background, as the bank closes the payment
    assert (await gql_data(client, "Order", {"id": order_id}, token=token))["order"][
        "status"
    ] == "CANCELLED"


async def test_a_patients_schedules_see_anothers_booking_on_the_next_read(
    client: httpx.AsyncClient,
) -> None:
    token, _ = await verified_user(client, openid="o-lilei", name="李雷")
    other, _ = await verified_user(client, openid="o-han", name="韩梅梅")
    variables = {**WEEK, "patientId": await patient_of(client, token)}
    before = await kept(client, "DepartmentSchedules", variables, token)
    slot = (await open_slot(client))["slot"]
    assert (await book(client, other, await patient_of(client, other), slot["id"]))[
        "__typename"
    ] == "BookAppointmentSuccess"
    after = await gql_data(client, "DepartmentSchedules", variables, token=token)

    def remaining(listed: dict[str, Any]) -> int:
        return next(
            s["remaining"]
            for sch in listed["schedules"]
            for s in sch["slots"]
            if s["id"] == slot["id"]
        )

    assert remaining(after) == remaining(before) - 1


async def test_an_answer_with_errors_is_never_kept(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    await kept(client, "Me", {}, token)  # the account is known: its answers would be kept
    # A page size out of range: an error, so asked again it runs again.
    variables = {"first": -1}
    body = await gql(client, "Orders", variables, token=token)
    assert "errors" in body, body
    runs = counted("not_kept")
    assert await gql(client, "Orders", variables, token=token) == body
    assert counted("not_kept") == runs + 1


def test_nothing_is_kept_when_workers_write_without_a_shared_redis() -> None:
    """A broker's worker processes bump generations this process cannot read."""
    settings = SimpleNamespace(redis_url=None, broker_url="amqp://guest:guest@rabbit/")
    answers = PersonalAnswers()
    answers.attach(SimpleNamespace(settings=settings, catalogue=None))  # type: ignore[arg-type]
    assert answers.runtime is None


async def test_an_answer_made_while_a_write_commits_is_not_given_again(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    """The generations kept are those read before the query: a write that commits after them
    (here, between them and the query) leaves the answer kept under the old ones, never given."""
    token, _ = await verified_user(client)
    await kept(client, "Me", {}, token)
    answers = answers_of(app)
    user_id = await user_id_of(client, token)
    answers._entries.clear()  # the next request misses (the account's user is known)
    read = answers.read
    wrote = False

    async def read_then_write(keys: list[str]) -> list[Any] | None:
        nonlocal wrote
        values = await read(keys)
        if not wrote:
            wrote = True
            async with unit_of_work(runtime) as session:
                user = await session.get(HospitalUser, user_id)
                assert user is not None
                user.restricted_until = clock.now() + timedelta(days=1)
        return values

    answers.read = read_then_write  # type: ignore[method-assign]
    made = await gql_data(client, "Me", token=token)
    assert wrote and made["me"]["restrictedUntil"] is not None
    hits, stale = counted("hit"), counted("stale")
    assert await gql_data(client, "Me", token=token) == made
    assert (counted("hit"), counted("stale")) == (hits, stale + 1)


async def test_a_mutation_reads_no_generations_and_is_not_kept(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    # Never kept whatever it answers, so nothing is read for it before it runs (a Redis
    # round trip on every booking of a burst, with several processes).
    token, _ = await verified_user(client)
    answers = answers_of(app)
    reads: list[list[str]] = []
    real_read = answers.read

    async def counting_read(keys: list[str]) -> list[Any] | None:
        reads.append(keys)
        return await real_read(keys)

    answers.read = counting_read  # type: ignore[method-assign]
    patient = await patient_of(client, token)
    not_kept = counted("not_kept")
    booked = await book(client, token, patient, "no-such-slot")
    assert booked["code"] == "NOT_FOUND", booked
    assert counted("not_kept") >= not_kept + 1
    reads.clear()
    await gql_data(client, "Me", token=token)
    await gql_data(client, "Me", token=token)
    assert reads, "a personal query reads the generations"
    reads.clear()
    await book(client, token, patient, "no-such-slot", key="k2")
    assert reads == [], "the mutation read the generations"


def test_the_kept_answers_stay_within_their_bytes() -> None:
    """Counted by entries alone, one account's distinct large documents filled the process."""
    from hospital_bff.personal_answers import PersonalAnswers, PersonalEntry

    answers = PersonalAnswers(max_bytes=8_000)

    def entry(size: int) -> PersonalEntry:
        return PersonalEntry(b"x" * size, [(b"etag", b"1")], [], [], expires=answers.now() + 60)

    for i in range(20):
        answers.put(f"k{i}".encode(), entry(900))
    assert answers.size <= 8_000 and len(answers) == 8, "the oldest went first"
    assert answers.fresh(b"k19") is not None and answers.fresh(b"k0") is None
    answers.put(b"huge", entry(1_001))
    assert answers.fresh(b"huge") is None, "over an eighth of the budget: sent, not kept"
    answers.put(b"k19", entry(10))
    answers.drop(b"k18")
    assert answers.size == sum(len(k) + len(e.body) + 5 for k, e in answers._entries.items()), (
        "replaced and dropped entries give their bytes back"
    )
    answers.clear()
    assert answers.size == 0
