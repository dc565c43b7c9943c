"""A request leaves no reference cycle behind (gc_pauses.py): what it allocated is freed when
it is answered, not by a garbage collection whose pause grows with every request waiting to
be collected (issue 11: the slot-release burst's collections freed ~13,000 such objects).

Watched here: DataLoaders whose batch functions were their own methods, httpx's answer
pointing at its stream that points back at it (datasources/http.py `unbind_stream`), and a
whole GraphQL request: graphql-core's executor bound to its own async helpers
(shared_events.py) kept the context, the loaders and the operation's fields in one cycle."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import httpx
import pytest

from fixtures.graphql import gql_data
from fixtures.journey import patient_of, verified_user
from hospital_bff.datasources.http import OutboundClient
from hospital_bff.resolvers.context import Context
from hospital_bff.resolvers.loaders import DataLoaders
from hospital_bff.resolvers.shared_events import SharedEventExecutor


@pytest.fixture
def saved_garbage() -> Iterator[list[object]]:
    """What the collector finds unreachable from here on, kept for the test to look at."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def of_types(garbage: list[object], *types: type) -> list[object]:
    return [o for o in garbage if isinstance(o, types)]


def test_a_requests_dataloaders_are_freed_without_a_collection(
    saved_garbage: list[object],
) -> None:
    loaders = DataLoaders(runtime=object())  # type: ignore[arg-type]  # not called here
    assert loaders.eligibility is not None
    del loaders
    gc.collect()
    assert not of_types(saved_garbage, DataLoaders)


async def ask(client: httpx.AsyncClient) -> int:
    response = await client.get("http://his.test/x")
    return response.status_code


async def test_an_outbound_answer_is_freed_without_a_collection(
    saved_garbage: list[object],
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    async with OutboundClient(transport=transport) as client:
        assert await ask(client) == 200
        gc.collect()
    assert not of_types(saved_garbage, httpx.Response)


async def schedules(client: httpx.AsyncClient, token: str, patient: str, day: int) -> None:
    # Every schedule's eligibility through a DataLoader; another day each time, so that the
    # response cache does not answer it.
    when = f"2026-11-{day:02d}"
    await gql_data(
        client,
        "DepartmentSchedules",
        {"departmentId": "dep-nk", "from": when, "to": when, "patientId": patient},
        token=token,
    )


async def test_a_graphql_request_leaves_no_cycle(
    client: httpx.AsyncClient, saved_garbage: list[object]
) -> None:
    token, _ = await verified_user(client)
    patient = await patient_of(client, token)
    for day in (20, 21):  # what is built once per query is built
        await schedules(client, token, patient, day)
        gc.collect()
    saved_garbage.clear()
    await schedules(client, token, patient, 22)
    # strawberry keeps the latest operation's context until the next operation.
    await schedules(client, token, patient, 23)
    gc.collect()
    assert not of_types(saved_garbage, Context, DataLoaders, SharedEventExecutor)
