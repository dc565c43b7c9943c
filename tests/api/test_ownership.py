"""Invariant 4: another user's object answers exactly like one that does not exist.

User A and user B each have a patient and a booked order. For every operation of the contract
that takes an ID, B (and a signed-in but unverified account) sends A's ID and then a made-up
one; the two answers must be identical once the ID is swapped, and A's data must not move.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.requests import Request

from fixtures.accounts import WANG_FANG, ZHANG_WEI, me, verified_as
from fixtures.graphql import contract_document, gql, gql_data, operation_names
from fixtures.journey import book, open_slot, sign_in
from hospital_bff.resolvers.context import Context
from hospital_bff.resolvers.loaders import DataLoaders
from hospital_bff.resolvers.subscriptions import order_updated
from hospital_bff.runtime import Runtime

DAY = "2026-11-28"
FAKE = {
    "patient": "pat-999999",
    "order": "ord_00000000000000000000",
    "bill": "bill-9999-1",
    "report": "rpt-9999-1",
    "notice": "ntc_00000000000000000000",
}


@dataclass
class World:
    a: str
    b: str
    unverified: str
    ids: dict[str, str]  # A's objects, by kind
    b_patient: str
    free_slot: str


async def build_world(client: httpx.AsyncClient, app: Starlette) -> World:
    his = app.state.simulators["his"].state.his
    a = await verified_as(client, ZHANG_WEI, "o-a")
    b = await verified_as(client, WANG_FANG, "o-b")
    unverified = await sign_in(client, "o-c")

    slots = (
        await gql_data(
            client, "DepartmentSchedules", {"departmentId": "dep-yk", "from": DAY, "to": DAY}
        )
    )["schedules"]
    free = [
        s["id"]
        for schedule in slots
        if schedule["status"] == "OPEN"
        for s in schedule["slots"]
        if s["remaining"] > 0
    ]
    a_order = await book(client, a, ZHANG_WEI["id"], free[0], key="a1")
    assert a_order["__typename"] == "BookAppointmentSuccess", a_order
    b_slot = await open_slot(client, day="2026-11-29")
    b_order = await book(client, b, WANG_FANG["id"], b_slot["slot"]["id"], key="b1")
    assert b_order["__typename"] == "BookAppointmentSuccess", b_order

    created = await client.post(
        "/sim/his/reports",
        json={"patientId": ZHANG_WEI["id"], "kind": "LAB", "title": "血常规", "conclusion": "正常"},
    )
    assert created.status_code in (200, 201), created.text
    await his.drain()

    bills = (await gql_data(client, "UnpaidBills", {"patientId": ZHANG_WEI["id"]}, token=a))[
        "unpaidBills"
    ]
    reports = (await gql_data(client, "Reports", {"patientId": ZHANG_WEI["id"]}, token=a))[
        "reports"
    ]["edges"]
    notices = (await gql_data(client, "Notices", {"first": 10}, token=a))["notices"]["edges"]
    prescriptions = (
        await gql_data(client, "Prescriptions", {"patientId": ZHANG_WEI["id"]}, token=a)
    )["prescriptions"]
    assert bills, "A must have something to steal"
    assert reports, "A must have something to steal"
    assert notices, "A must have something to steal"
    assert prescriptions, "A must have something to steal"
    return World(
        a=a,
        b=b,
        unverified=unverified,
        ids={
            "patient": ZHANG_WEI["id"],
            "order": a_order["order"]["id"],
            "bill": bills[0]["id"],
            "report": reports[0]["node"]["id"],
            "notice": notices[0]["node"]["id"],
        },
        b_patient=WANG_FANG["id"],
        free_slot=free[-1],
    )


async def snapshot(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    """Everything A can see of their own data."""
    token, patient = world.a, world.ids["patient"]
    return {
        "me": await me(client, token),
        "order": await gql_data(client, "Order", {"id": world.ids["order"]}, token=token),
        "orders": await gql_data(client, "Orders", {"first": 10}, token=token),
        "bills": await gql_data(client, "UnpaidBills", {"patientId": patient}, token=token),
        "reports": await gql_data(client, "Reports", {"patientId": patient}, token=token),
        "report": await gql_data(client, "Report", {"id": world.ids["report"]}, token=token),
        "rx": await gql_data(client, "Prescriptions", {"patientId": patient}, token=token),
        "notices": await gql_data(client, "Notices", {"first": 10}, token=token),
    }


@contextmanager
def outbound(runtime: Runtime) -> Iterator[list[httpx.Request]]:
    """Every request the BFF sends out while inside."""
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request)

    hooks = runtime.http.event_hooks
    runtime.http.event_hooks = {**hooks, "request": [*hooks.get("request", []), record]}
    try:
        yield seen
    finally:
        runtime.http.event_hooks = hooks


def swap(text: str, kinds: tuple[str, ...], ids: dict[str, str]) -> str:
    for kind in kinds:
        text = text.replace(ids[kind], FAKE[kind])
    return text


# Each operation that takes an ID: (operation, the kinds of ID it takes, variables from IDs).
CASES: list[tuple[str, tuple[str, ...], Any]] = [
    ("UnbindPatient", ("patient",), lambda i, w: {"patientId": i["patient"]}),
    (
        "DepartmentSchedules",
        ("patient",),
        lambda i, w: {"departmentId": "dep-yk", "from": DAY, "to": DAY, "patientId": i["patient"]},
    ),
    (
        "BookAppointment",
        ("patient",),
        lambda i, w: {
            "input": {"patientId": i["patient"], "slotId": w.free_slot, "idempotencyKey": "x"}
        },
    ),
    ("PayOrder", ("order",), lambda i, w: {"orderId": i["order"], "idempotencyKey": "x"}),
    ("CancelAppointment", ("order",), lambda i, w: {"orderId": i["order"], "reason": "不去了"}),
    ("Order", ("order",), lambda i, w: {"id": i["order"]}),
    ("Orders", ("patient",), lambda i, w: {"patientId": i["patient"], "first": 10}),
    ("UnpaidBills", ("patient",), lambda i, w: {"patientId": i["patient"]}),
    (
        "PayBills",
        ("patient", "bill"),
        lambda i, w: {
            "input": {"patientId": i["patient"], "billIds": [i["bill"]], "idempotencyKey": "x"}
        },
    ),
    (
        "PayBills",
        ("bill",),  # the caller's own patient with A's bill
        lambda i, w: {
            "input": {"patientId": w.b_patient, "billIds": [i["bill"]], "idempotencyKey": "x"}
        },
    ),
    ("Reports", ("patient",), lambda i, w: {"patientId": i["patient"], "first": 10}),
    ("Report", ("report",), lambda i, w: {"id": i["report"]}),
    ("Prescriptions", ("patient",), lambda i, w: {"patientId": i["patient"]}),
    ("MarkNoticesRead", ("notice",), lambda i, w: {"ids": [i["notice"]]}),
]

# What "nothing there" looks like for each operation.
MISSING: dict[str, Any] = {
    "UnbindPatient": lambda d: d["unbindPatient"]["code"] in {"NOT_FOUND", "NOT_VERIFIED"},
    "DepartmentSchedules": lambda d: all(
        not s["eligibility"]["eligible"] and s["eligibility"]["code"] == "NOT_FOUND"
        for s in d["schedules"]
    ),
    "BookAppointment": lambda d: d["bookAppointment"]["code"] in {"NOT_FOUND", "NOT_VERIFIED"},
    "PayOrder": lambda d: d["payOrder"]["code"] == "NOT_FOUND",
    "CancelAppointment": lambda d: d["cancelAppointment"]["code"] == "NOT_FOUND",
    "Order": lambda d: d["order"] is None,
    "Orders": lambda d: d["orders"]["edges"] == [],
    "UnpaidBills": lambda d: d["unpaidBills"] == [],
    "PayBills": lambda d: d["payBills"]["code"] in {"NOT_FOUND", "NOT_VERIFIED"},
    "Reports": lambda d: d["reports"]["edges"] == [],
    "Report": lambda d: d["report"] is None,
    "Prescriptions": lambda d: d["prescriptions"] == [],
    "MarkNoticesRead": lambda d: d["markNoticesRead"]["unreadCount"] == 0,
}


def test_every_contract_operation_taking_an_id_is_covered() -> None:
    taking_ids = {
        name
        for name in operation_names(contract_document())
        if name not in {"SignIn", "VerifyIdentity", "BindPatient", "Me", "Departments", "Notices"}
        and name not in {"NoticeStream", "DepartmentExperts", "ExpertDetail"}
        and name not in {"ScheduleAvailability", "OrderUpdates"}
    }
    # Public catalogue IDs (department, expert, schedule) belong to no one; OrderUpdates is a
    # subscription, tested on its resolver below.
    assert taking_ids == {name for name, _, _ in CASES}


@pytest.mark.parametrize("caller", ["other_user", "unverified"])
async def test_another_users_ids_answer_like_missing_ones(
    client: httpx.AsyncClient, app: Starlette, caller: str
) -> None:
    world = await build_world(client, app)
    token = world.b if caller == "other_user" else world.unverified
    before = await snapshot(client, world)
    b_before = await me(client, world.b)

    runtime: Runtime = app.state.runtime
    for operation, kinds, variables in CASES:
        real_vars, fake_vars = variables(world.ids, world), variables(FAKE, world)
        with outbound(runtime) as sent:
            with_real = await gql(client, operation, real_vars, token=token)
        # Ownership is settled from our own data first: A's IDs never reach the HIS.
        for request in sent:
            text = str(request.url) + request.content.decode()
            leaked = [world.ids[kind] for kind in kinds if world.ids[kind] in text]
            assert not leaked, (operation, request.method, request.url, leaked)
        with_fake = await gql(client, operation, fake_vars, token=token)
        assert "errors" not in with_fake, (operation, with_fake)
        assert MISSING[operation](with_fake["data"]), (operation, with_fake)
        assert swap(json.dumps(with_real, ensure_ascii=False), kinds, world.ids) == json.dumps(
            with_fake, ensure_ascii=False
        ), (operation, with_real, with_fake)

    assert await snapshot(client, world) == before, "A's data changed"
    assert await me(client, world.b) == b_before


async def test_order_updates_of_another_users_order_answer_like_a_missing_one(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    world = await build_world(client, app)

    async def first_event(token: str, order_id: str) -> GraphQLError:
        request = Request(
            {
                "type": "http",
                "method": "POST",
                "path": "/graphql",
                "headers": [(b"authorization", f"Bearer {token}".encode())],
                "query_string": b"",
            }
        )
        context = Context(
            request=request, response=None, runtime=runtime, loaders=DataLoaders(runtime)
        )
        stream = order_updated(SimpleNamespace(context=context), order_id)  # type: ignore[arg-type]
        with pytest.raises(GraphQLError) as refused:
            await stream.__anext__()
        await stream.aclose()
        return refused.value

    for token in (world.b, world.unverified):
        theirs = await first_event(token, world.ids["order"])
        missing = await first_event(token, FAKE["order"])
        assert (theirs.message, theirs.extensions) == (missing.message, missing.extensions)
        assert missing.extensions == {"code": "NOT_FOUND"}
