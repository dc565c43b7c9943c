"""Garbage-collection pauses (gc_pauses.py): start-up's own full collection, before anything
is served, is not reported as a pause; later collections are."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from hospital_bff import gc_pauses


@pytest.fixture
def thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    frozen_before = gc.get_freeze_count() > 0
    yield
    gc.unfreeze()
    gc.set_threshold(*before)
    if frozen_before:  # the run's own freeze (conftest.py) stays
        gc.freeze()


def test_the_start_up_collection_is_not_a_pause_and_later_ones_are(thresholds: None) -> None:
    gc_pauses.watch_pauses()
    gc_pauses.reset_pauses()
    gc_pauses.freeze_start_up_heap()
    assert gc_pauses.pause_summary()["count"] == 0
    gc.collect()
    summary = gc_pauses.pause_summary()
    assert summary["count"] == 1 and summary["full"] == 1


@pytest.fixture
def no_automatic_collections() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    yield
    if enabled:
        gc.enable()


def test_gen_1_is_collected_when_the_last_request_in_flight_ends(
    no_automatic_collections: None,
) -> None:
    quiet = gc_pauses.QuietCollections()
    gc.collect(1)
    quiet.enter()
    quiet.enter()
    gc.collect(0)  # a young collection since the last of gen 1: one is worth running
    assert gc.get_count()[1] == 1
    quiet.leave()
    assert gc.get_count()[1] == 1, "another request is still in flight"
    quiet.leave()
    assert gc.get_count()[1] == 0
    older = gc.get_count()[2]
    quiet.enter()
    quiet.leave()
    assert gc.get_count()[2] == older, "nothing promoted since: no collection"


def test_cpython_collects_gen_1_itself_only_after_the_bound(thresholds: None) -> None:
    gc_pauses.freeze_start_up_heap()
    gc_pauses.QuietCollections.deferring()
    assert gc.get_threshold()[:2] == (
        gc_pauses.GEN0_THRESHOLD,
        gc_pauses.OLDER_INTERVAL * gc_pauses.DEFERRAL_BOUND,
    )


async def test_the_app_counts_the_http_requests_it_is_serving() -> None:
    import httpx
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from hospital_bff.bff_app import BffApp

    quiet = gc_pauses.QuietCollections()
    during: list[int] = []

    async def endpoint(_request: object) -> PlainTextResponse:
        during.append(quiet.in_flight)
        return PlainTextResponse("ok")

    app = BffApp(routes=[Route("/x", endpoint)])
    app.quiet = quiet
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/x")).text == "ok"
    assert during == [1]
    assert quiet.in_flight == 0
