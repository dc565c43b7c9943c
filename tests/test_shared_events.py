"""A public subscription's event executed once for all its subscribers (resolvers/shared_events):
who joins it, what a subscriber that goes away does to the others, what is never shared."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from graphql import ExecutionResult, parse
from starlette.websockets import WebSocket

from fixtures.journey import open_slot
from hospital_bff.graphql_over_http import json_text
from hospital_bff.resolvers import shared_events
from hospital_bff.resolvers.context import Context
from hospital_bff.resolvers.event_loads import EventLoads
from hospital_bff.resolvers.loaders import DataLoaders
from hospital_bff.resolvers.shared_events import SharedEventExecutor, SharedResults, next_frame
from hospital_bff.runtime import Runtime
from hospital_bff.schema import schema
from hospital_bff.schema.catalogue import Schedule

WATCH = "subscription W($s: ID!) { scheduleUpdated(scheduleId: $s) { id remaining } }"
NOTICES = "subscription N { notices { id title } }"
# As strawberry's parser cache hands them out: one document per text.
DOCUMENTS = {query: parse(query) for query in (WATCH, NOTICES)}


def _context(runtime: Runtime) -> Context:
    scope = {"type": "websocket", "headers": [], "path": "/graphql", "query_string": b""}
    return Context(
        request=WebSocket(scope, receive=_never, send=_never),
        response=None,
        runtime=runtime,
        loaders=DataLoaders(runtime),
    )


async def _never(*_: Any) -> Any:
    raise AssertionError("the socket is not used")


def _per_event(query: str, context: Context, variables: dict[str, Any], event: Any) -> Any:
    executor = SharedEventExecutor.build(schema._schema, DOCUMENTS[query], None, context, variables)
    assert not isinstance(executor, list), executor
    return executor.build_per_event_executor(event)


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> SharedResults:
    results = SharedResults()
    monkeypatch.setattr(shared_events, "SHARED", results)
    return results


async def _event(client: httpx.AsyncClient, runtime: Runtime) -> Schedule:
    found = await open_slot(client)
    dto = await runtime.catalogue.schedule(found["schedule"]["id"])
    assert dto is not None
    return Schedule.from_dto(dto)


async def test_a_subscriber_that_goes_away_mid_execution_does_not_stall_the_others(
    client: httpx.AsyncClient,
    runtime: Runtime,
    shared: SharedResults,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = await _event(client, runtime)
    variables = {"s": str(event.id)}
    started, release = asyncio.Event(), asyncio.Event()
    execute = SharedResults._execute

    async def held(self: SharedResults, executor: Any, context: Context) -> Any:
        started.set()
        await release.wait()
        return await execute(self, executor, context)

    monkeypatch.setattr(SharedResults, "_execute", held)
    first = asyncio.ensure_future(
        _per_event(WATCH, _context(runtime), variables, event).execute_operation()
    )
    await started.wait()
    first.cancel()  # its socket closed while the shared execution runs
    with pytest.raises(asyncio.CancelledError):
        await first
    release.set()
    result = await _per_event(WATCH, _context(runtime), variables, event).execute_operation()

    assert isinstance(result, ExecutionResult)
    assert result.errors is None
    assert result.data == {"scheduleUpdated": {"id": event.id, "remaining": event.remaining}}
    assert shared.executions == 1  # the second joined the first's execution
    message = {"id": "7", "type": "next", "payload": {"data": result.data}}
    assert next_frame(message) == json_text(message)  # the very bytes of the unshared path


async def test_other_variables_another_event_or_a_personal_root_field_are_not_shared(
    client: httpx.AsyncClient, runtime: Runtime, shared: SharedResults
) -> None:
    event = await _event(client, runtime)
    same = {"s": str(event.id)}
    for variables, payload in ((same, event), (same, event), ({"s": "other"}, event)):
        await _per_event(WATCH, _context(runtime), variables, payload).execute_operation()
    assert shared.executions == 2  # the second of the same variables joined the first
    await _per_event(
        WATCH, _context(runtime), same, await _event(client, runtime)
    ).execute_operation()
    assert shared.executions == 3  # another event (the same schedule, read again)
    # The caller's notices: executed as strawberry does, never by the shared path.
    notices = _per_event(NOTICES, _context(runtime), {}, object())
    assert notices.sharing is False
    assert next_frame({"id": "1", "type": "next", "payload": {"data": {"x": 1}}}) is None


async def test_a_first_read_is_shared_only_by_those_who_asked_before_it_started() -> None:
    """Subscriptions opening together share their first read of a schedule, but none is given a
    read that started before it asked (what changed in between would be missed)."""
    loads = EventLoads()
    gates: list[asyncio.Event] = []
    started = asyncio.Event()

    async def read() -> int:
        gates.append(asyncio.Event())
        number = len(gates)
        started.set()
        await gates[-1].wait()
        return number

    first = asyncio.ensure_future(loads.started_after("s", read))
    await started.wait()  # the first read is under way: later askers may not share it
    started.clear()
    later = [asyncio.ensure_future(loads.started_after("s", read)) for _ in range(3)]
    gates[0].set()
    assert await first == 1
    await started.wait()
    gates[1].set()
    assert await asyncio.gather(*later) == [2, 2, 2]
    assert len(gates) == 2
