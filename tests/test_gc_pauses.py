"""Garbage-collection pauses (gc_pauses.py): start-up's own full collection, before anything
is served, is not reported as a pause; later collections are."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from hospital_bff import gc_pauses


@pytest.fixture
def thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_the_start_up_collection_is_not_a_pause_and_later_ones_are(thresholds: None) -> None:
    gc_pauses.watch_pauses()
    gc_pauses.reset_pauses()
    gc_pauses.freeze_start_up_heap()
    assert gc_pauses.pause_summary()["count"] == 0
    gc.collect()
    summary = gc_pauses.pause_summary()
    assert summary["count"] == 1 and summary["full"] == 1


async def test_the_pacer_collects_what_the_counts_never_reach(thresholds: None) -> None:
    """A cycle of garbage is freed on the pacer's beat though the automatic collector never
    runs (disabled here; on a busy server its net count hardly moves)."""
    generations: list[int] = []
    enough = asyncio.Event()

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            generations.append(info["generation"])
            if len(generations) >= gc_pauses.PACE_MIDDLE_EVERY:
                enough.set()

    class Cycle:
        pass

    freed = asyncio.Event()
    cycle = Cycle()
    cycle.itself = cycle  # type: ignore[attr-defined]
    weakref.finalize(cycle, freed.set)
    del cycle
    was_enabled = gc.isenabled()
    gc.disable()
    gc.callbacks.append(seen)
    pacer = asyncio.create_task(gc_pauses.pace_collections(every_seconds=0.001))
    try:
        await asyncio.wait_for(freed.wait(), 30)
        await asyncio.wait_for(enough.wait(), 30)
    finally:
        pacer.cancel()
        gc.callbacks.remove(seen)
        if was_enabled:
            gc.enable()
    # Young collections, and the middle generation on every tenth beat.
    beats = generations[: gc_pauses.PACE_MIDDLE_EVERY]
    assert beats == [0] * (gc_pauses.PACE_MIDDLE_EVERY - 1) + [1]
