"""Garbage-collection pauses (gc_pauses.py): start-up's own full collection, before anything
is served, is not reported as a pause; later collections are; in a server the collections are
timed by the requests in flight."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import make_settings
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


def on_a_fake_clock() -> tuple[list[float], Scheduled, gc_pauses.QuietCollections]:
    """A counter reading the time from the list's one value, its timers run by the test."""
    clock = [0.0]
    scheduled = Scheduled()
    return clock, scheduled, gc_pauses.QuietCollections(now=lambda: clock[0], call_later=scheduled)


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected meanwhile, in order; automatic collections off, and every
    generation's count at 0 to begin with (no full collection falls due by chance)."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    enabled = gc.isenabled()
    gc.disable()
    gc.collect()
    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)
    if enabled:
        gc.enable()


def test_gen_1_is_collected_once_no_request_has_been_in_flight_for_the_while(
    collections: list[int],
) -> None:
    clock, scheduled, quiet = on_a_fake_clock()
    quiet_seconds = gc_pauses.QUIET_SECONDS
    gc.collect(1)
    quiet.enter()
    gc.collect(0)  # a young collection: something may have been promoted
    quiet.leave()
    quiet.enter()
    scheduled.run(quiet_seconds)
    assert collections == [1, 0], "no gen-1 collection while a request is in flight"
    clock[0] = 0.5
    quiet.leave()
    clock[0] = 1.0
    quiet.enter()
    clock[0] = 1.2
    quiet.leave()  # quiet since 1.2
    clock[0] = 1.5
    scheduled.run(quiet_seconds)
    assert collections == [1, 0], "busy in between: quiet for less than the while"
    clock[0] = 1.2 + quiet_seconds
    scheduled.run(pytest.approx(quiet_seconds - 0.3))  # type: ignore[arg-type]
    assert collections == [1, 0, 1]
    quiet.enter()
    quiet.leave()
    clock[0] += quiet_seconds
    scheduled.run(quiet_seconds)
    assert collections == [1, 0, 1], "nothing promoted since: no collection"


def test_every_tenth_older_collection_is_a_full_one(collections: list[int]) -> None:
    clock, scheduled, quiet = on_a_fake_clock()
    gc.collect(2)
    for _ in range(gc_pauses.FULL_EVERY + 1):
        gc.collect(0)
        quiet.enter()
        quiet.leave()
        clock[0] += gc_pauses.QUIET_SECONDS
        scheduled.run(gc_pauses.QUIET_SECONDS)
    older = [generation for generation in collections if generation]
    assert older == [2] + [1] * gc_pauses.FULL_EVERY + [2]


def test_when_due_the_older_generations_wait_for_a_moment_with_nothing_in_flight(
    collections: list[int],
) -> None:
    clock, scheduled, quiet = on_a_fake_clock()
    watch = gc_pauses.WATCH_SECONDS
    quiet.start()
    clock[0] = 600.0  # idle all along: the bound counts from the first request
    quiet.enter()
    gc.collect(0)
    clock[0] += gc_pauses.OLDER_BOUND_SECONDS - 1
    scheduled.run(watch)
    assert collections == [0]
    clock[0] += 1
    scheduled.run(watch)
    assert collections == [0], "due, but a request is in flight"
    quiet.enter()
    quiet.leave()
    assert collections == [0], "another is still in flight"
    quiet.leave()
    assert collections == [0, 1], "the first moment with nothing in flight"
    quiet.enter()
    gc.collect(0)
    quiet.leave()
    assert collections == [0, 1, 0], "no longer due: the bound counts from the last one"


def test_at_the_cap_the_older_generations_are_collected_whatever_is_in_flight(
    collections: list[int],
) -> None:
    clock, scheduled, quiet = on_a_fake_clock()
    quiet.start()
    quiet.enter()  # and never a moment without a request
    gc.collect(0)
    clock[0] = gc_pauses.OLDER_CAP_SECONDS - 1
    scheduled.run(gc_pauses.WATCH_SECONDS)
    assert collections == [0]
    clock[0] = gc_pauses.OLDER_CAP_SECONDS
    scheduled.run(gc_pauses.WATCH_SECONDS)
    assert collections == [0, 1]


def test_many_young_collections_make_the_older_ones_due_before_the_bound(
    collections: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gc_pauses, "OLDER_CEILING", 3)
    _, scheduled, quiet = on_a_fake_clock()
    quiet.start()
    quiet.enter()
    gc.collect(1)
    for _ in range(3):
        gc.collect(0)
    scheduled.run(gc_pauses.WATCH_SECONDS)
    quiet.leave()
    assert collections == [1, 0, 0, 0, 1]


def test_with_no_http_at_all_the_older_generations_are_still_collected(
    collections: list[int],
) -> None:
    clock, scheduled, quiet = on_a_fake_clock()
    quiet.start()
    gc.collect(0)
    clock[0] = gc_pauses.OLDER_BOUND_SECONDS
    scheduled.run(gc_pauses.WATCH_SECONDS)  # due
    scheduled.run(gc_pauses.WATCH_SECONDS)  # and nothing in flight
    assert collections == [0, 1]


def test_closing_leaves_nothing_scheduled_and_gives_cpython_its_thresholds_back(
    thresholds: None,
) -> None:
    before = gc.get_threshold()
    scheduled = Scheduled()
    quiet = gc_pauses.QuietCollections.deferring()
    quiet.call_later = scheduled
    assert gc.get_threshold() == (
        gc_pauses.SERVER_GEN0_THRESHOLD,
        gc_pauses.NEVER,
        gc_pauses.NEVER,
    )
    quiet.start()
    quiet.enter()
    quiet.leave()
    quiet.close()
    assert not [c for c in scheduled.calls if not c[2].cancelled]
    assert gc.get_threshold() == before


def test_closing_leaves_thresholds_set_since_by_another_alone(thresholds: None) -> None:
    quiet = gc_pauses.QuietCollections.deferring()
    gc.set_threshold(1_234, 5, 6)
    quiet.close()
    assert gc.get_threshold() == (1_234, 5, 6)


async def test_on_the_running_loop_gen_1_waits_for_the_quiet_moment(
    collections: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gc_pauses, "QUIET_SECONDS", 0.01)
    older = asyncio.Event()
    quiet = gc_pauses.QuietCollections()

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 1:
            older.set()

    gc.callbacks.append(note)
    try:
        quiet.enter()
        gc.collect(0)
        quiet.leave()
        assert collections == [0], "not at once"
        await asyncio.wait_for(older.wait(), timeout=30)
    finally:
        gc.callbacks.remove(note)
        quiet.close()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_server_app_times_its_collections(
    backend: str, tmp_path: Path, thresholds: None
) -> None:
    from hospital_bff.app import create_app
    from hospital_bff.bff_app import BffApp
    from hospital_bff.clock import Clock

    settings = make_settings(backend, tmp_path, auto_migrate=True, gc_freeze_after_start=True)
    app = create_app(settings, clock=Clock(settings.tz))
    assert isinstance(app, BffApp)
    async with app.router.lifespan_context(app):
        assert isinstance(app.quiet, gc_pauses.QuietCollections)
        assert gc.get_threshold()[1:] == (gc_pauses.NEVER, gc_pauses.NEVER)
    assert gc.get_threshold()[1:] != (gc_pauses.NEVER, gc_pauses.NEVER)


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
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/x")).text == "ok"
    finally:
        quiet.close()
    assert during == [1]
    assert quiet.in_flight == 0


def test_a_pause_begun_with_requests_in_flight_is_told_apart(
    thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prometheus_client import REGISTRY

    from hospital_bff.metrics import GC_MAX_PAUSE_IN_FLIGHT_CPU

    def in_flight_longest() -> float | None:
        return REGISTRY.get_sample_value("bff_gc_max_pause_in_flight_cpu_seconds")

    monkeypatch.setattr(gc_pauses, "_longest_in_flight_cpu", 0.0)
    GC_MAX_PAUSE_IN_FLIGHT_CPU.set(0.0)
    gc_pauses.watch_pauses()
    quiet = gc_pauses.QuietCollections.deferring()
    quiet.call_later = Scheduled()
    try:
        young = [[] for _ in range(20_000)]  # something for the collections to walk
        gc.collect(0)
        assert in_flight_longest() == 0.0, "nothing in flight"
        young += [[] for _ in range(20_000)]
        quiet.enter()
        gc.collect(0)
        quiet.leave()
        assert (in_flight_longest() or 0.0) > 0.0
    finally:
        quiet.close()
    assert gc_pauses._counter is None
    del young
