"""Garbage-collection pauses (gc_pauses.py): start-up's own full collection, before anything
is served, is not reported as a pause; later collections are; in a server the collections are
timed by the requests in flight."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator

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


class Scheduled:
    """A fake `call_later`: what was asked for, run by the test when it says."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, Callable[[], None], Handle]] = []

    def __call__(self, delay: float, callback: Callable[[], None]) -> Handle:
        handle = Handle()
        self.calls.append((delay, callback, handle))
        return handle

    def run(self, delay: float) -> None:
        """Run the one pending callback asked for after `delay`."""
        due = [c for c in self.calls if c[0] == delay and not c[2].cancelled]
        assert len(due) == 1, due
        self.calls.remove(due[0])
        due[0][1]()

    def pending(self, delay: float) -> int:
        return sum(1 for c in self.calls if c[0] == delay and not c[2].cancelled)


class Handle:
    cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected meanwhile, in order; automatic collections off."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    enabled = gc.isenabled()
    gc.disable()
    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)
    if enabled:
        gc.enable()


def test_the_young_generation_is_collected_while_requests_are_in_flight(
    collections: list[int],
) -> None:
    scheduled = Scheduled()
    quiet = gc_pauses.QuietCollections(call_later=scheduled)
    young = gc_pauses.YOUNG_SECONDS
    quiet.enter()
    quiet.enter()
    assert scheduled.pending(young) == 1, "one timer however many are in flight"
    scheduled.run(young)
    scheduled.run(young)
    assert collections == [0, 0]
    quiet.leave()
    quiet.leave()
    scheduled.run(young)  # nothing in flight: no collection, no next timer
    assert collections == [0, 0]
    assert scheduled.pending(young) == 0


def test_gen_1_is_collected_once_the_process_stays_quiet(collections: list[int]) -> None:
    scheduled = Scheduled()
    quiet = gc_pauses.QuietCollections(call_later=scheduled)
    young, quiet_seconds = gc_pauses.YOUNG_SECONDS, gc_pauses.QUIET_SECONDS
    gc.collect(1)
    quiet.enter()
    scheduled.run(young)  # a young collection: something may have been promoted
    quiet.leave()
    quiet.enter()  # busy again before the quiet moment was confirmed
    scheduled.run(quiet_seconds)
    assert collections == [1, 0], "no gen-1 collection while a request is in flight"
    quiet.leave()
    scheduled.run(quiet_seconds)
    assert collections == [1, 0, 1]
    scheduled.run(young)  # the last busy timer finds nothing in flight
    quiet.enter()
    quiet.leave()
    scheduled.run(quiet_seconds)
    assert collections == [1, 0, 1], "nothing promoted since: no collection"


def test_a_process_never_quiet_collects_gen_1_at_the_bound(collections: list[int]) -> None:
    clock = [0.0]
    scheduled = Scheduled()
    quiet = gc_pauses.QuietCollections(now=lambda: clock[0], call_later=scheduled)
    young = gc_pauses.YOUNG_SECONDS
    quiet.enter()
    clock[0] = gc_pauses.OLDER_BOUND_SECONDS - 1
    scheduled.run(young)
    assert collections == [0]
    clock[0] = gc_pauses.OLDER_BOUND_SECONDS
    scheduled.run(young)
    assert collections == [0, 0, 1]
    clock[0] += 1
    scheduled.run(young)
    assert collections == [0, 0, 1, 0], "the bound counts from the last gen-1 collection"


def test_closing_leaves_nothing_scheduled() -> None:
    scheduled = Scheduled()
    quiet = gc_pauses.QuietCollections(call_later=scheduled)
    quiet.enter()
    quiet.leave()
    quiet.close()
    assert scheduled.pending(gc_pauses.YOUNG_SECONDS) == 0
    assert scheduled.pending(gc_pauses.QUIET_SECONDS) == 0


async def test_on_the_running_loop_a_request_in_flight_gets_young_collections(
    collections: list[int],
) -> None:
    young = asyncio.Event()
    quiet = gc_pauses.QuietCollections()

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 0:
            young.set()

    gc.callbacks.append(note)
    try:
        quiet.enter()
        await asyncio.wait_for(young.wait(), timeout=30)
        quiet.leave()
    finally:
        gc.callbacks.remove(note)
        quiet.close()


def test_cpython_collects_gen_1_no_more_by_itself_in_a_server(thresholds: None) -> None:
    gc_pauses.freeze_start_up_heap()
    gc_pauses.QuietCollections.deferring()
    assert gc.get_threshold()[:2] == (gc_pauses.GEN0_THRESHOLD, gc_pauses.NEVER)


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
