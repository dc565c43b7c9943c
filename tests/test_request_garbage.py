"""A request leaves no reference cycle behind (gc_pauses.py): what it allocated is freed when
it is answered, not by a garbage collection whose pause grows with every request waiting to
be collected (issue 11: the slot-release burst's collections freed ~13,000 such objects).

Watched here: DataLoaders whose batch functions were their own methods, httpx's answer
pointing at its stream that points back at it (datasources/http.py `unbind_stream`). Not
here yet: graphql-core's executor bound to its own async helpers (shared_events.py), a
whole request."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import httpx
import pytest

from hospital_bff.datasources.http import OutboundClient
from hospital_bff.resolvers.loaders import DataLoaders


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
