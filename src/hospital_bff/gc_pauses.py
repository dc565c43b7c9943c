"""Garbage-collection pauses: what start-up allocated is frozen out of every later collection,
and each collection's pause is measured for /metrics.

A full collection walks every tracked object; after start-up most of them (modules, the
schema, the seed data) live for the whole process, so walking them again on every gen-2
collection only lengthens the pause of the requests caught behind it. `gc.freeze()` moves
them to the permanent generation; the collector then sees only what requests allocate.

The thresholds are raised with it: CPython's first generation is collected every 700 net
allocations of containers, which a request makes dozens of times (each time promoting the
request's live objects a generation up, so that they are walked again by the next, rarer and
longer, collections). A young collection's pause grows with the cyclic garbage it frees
(measured: 20,000 freed ~17,000 objects in 15-20 ms of CPU); `GEN0_THRESHOLD` keeps it to a
few milliseconds while most of a request's objects have died before a collection looks. Since
requests leave no cycles (tests/test_request_garbage.py) a young collection has little to free,
and 2,000 is enough: in the slot-release burst its longest took 2.5-3.6 ms of CPU against
4.5-7.4 ms at 4,000, with no more CPU per attempt (1.4-1.5 ms against 1.5-1.6, A/B).

The older generations' collections are another matter: a gen-1 collection walks every young
object still alive, and in a burst that is every connection and request in flight and what
the process kept since its last gen-1 collection (measured in the slot-release burst: one
gen-1 collection walking ~38,000 objects, 400 new connections' ~12,000 among them, 6-9 ms of
CPU where gen-0's longest was 3-4 ms). Its length is that work, which no threshold shortens.
So a server (`QuietCollections.deferring`) runs gen-1 collections itself whenever a request
ends with no other in flight (`QuietCollections`) and a young collection has promoted
something since the last: what they walk is what outlived its requests (the caches a request
filled, idle keep-alive connections), promoted out of the young generations in small steps
while nobody waits. CPython still runs one by itself after `DEFERRAL_BOUND` times its usual
interval without a quiet moment, so a process never idle is never starved of them (it then
pauses as long as before, for the objects alive then).
"""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import Any

from sqlalchemy.orm import configure_mappers

from hospital_bff.metrics import (
    GC_MAX_PAUSE,
    GC_MAX_PAUSE_CPU,
    GC_MAX_PAUSE_CPU_BY_GENERATION,
    GC_PAUSES,
)

_started: float | None = None
_started_cpu = 0.0
_longest = 0.0
_longest_cpu = 0.0
_longest_cpu_by_generation = [0.0, 0.0, 0.0]
# The latest pauses, for a bench or a test to summarise (the metrics keep the histogram).
_recent: deque[tuple[float, float, int]] = deque(maxlen=100_000)  # wall, CPU, generation

GEN0_THRESHOLD = 2_000
# Young collections without a quiet moment before CPython collects gen 1 by itself: four
# times its usual 10.
OLDER_INTERVAL = 10
DEFERRAL_BOUND = 4
# Start-up's own full collection, before anything is served, is no pause: not measured.
_starting = False


def _on_collection(phase: str, info: dict[str, Any]) -> None:
    global _started, _started_cpu, _longest, _longest_cpu
    if _starting:
        return
    if phase == "start":
        _started = time.perf_counter()
        _started_cpu = time.thread_time()
        return
    if _started is None:
        return
    pause = time.perf_counter() - _started
    # On a busy machine the wall-clock pause includes time the thread was not scheduled.
    cpu = time.thread_time() - _started_cpu
    _started = None
    generation = int(info.get("generation", 2))
    if cpu > _longest_cpu:
        _longest_cpu = cpu
        GC_MAX_PAUSE_CPU.set(cpu)
    if cpu > _longest_cpu_by_generation[generation]:
        _longest_cpu_by_generation[generation] = cpu
        GC_MAX_PAUSE_CPU_BY_GENERATION.labels(str(generation)).set(cpu)
    GC_PAUSES.labels(str(generation)).observe(pause)
    _recent.append((pause, cpu, generation))
    if pause > _longest:
        _longest = pause
        GC_MAX_PAUSE.set(pause)


def watch_pauses() -> None:
    """Measure every collection of this process from now on (once, however often called)."""
    if _on_collection not in gc.callbacks:
        gc.callbacks.append(_on_collection)


def freeze_start_up_heap() -> None:
    """Collect start-up's garbage, then keep every object still alive out of later collections,
    and collect the young generation less often (see above).

    The full collection here runs before the process serves anything (it was the 131-520 ms
    "longest pause" the burst bench reported, a start-up's, not one any request waited for);
    it is left out of the measured pauses."""
    global _starting
    # What the first query would build after the freeze, young objects for a gen-1
    # collection in the first burst to walk (~5,200: SQLAlchemy's mapper configuration).
    configure_mappers()
    _starting = True
    try:
        gc.collect()
    finally:
        _starting = False
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(max(GEN0_THRESHOLD, gc.get_threshold()[0]), gen1, gen2)


class QuietCollections:
    """The HTTP requests in flight, counted by the app (`BffApp.quiet`, no ASGI layer of its
    own: one cost 2-3% of a kept answer's CPU); when one ends and none is left, a gen-1
    collection if a young collection ran since the last one (see above)."""

    __slots__ = ("in_flight",)

    def __init__(self) -> None:
        self.in_flight = 0

    @classmethod
    def deferring(cls) -> QuietCollections:
        """A counter, and CPython's own gen-1 collections deferred to the bound."""
        gen0, _, gen2 = gc.get_threshold()
        gc.set_threshold(gen0, OLDER_INTERVAL * DEFERRAL_BOUND, gen2)
        return cls()

    def enter(self) -> None:
        self.in_flight += 1

    def leave(self) -> None:
        self.in_flight -= 1
        if not self.in_flight and gc.get_count()[1]:
            gc.collect(1)


def pause_summary() -> dict[str, float]:
    """The collections measured since `reset_pauses`: how many (and of the oldest generation),
    the longest and p99 pause in wall time, and the longest in the thread's CPU (seconds)."""
    seen = list(_recent)
    walls = sorted(wall for wall, _, _ in seen)
    if not walls:
        return {"count": 0, "full": 0, "max": 0.0, "p99": 0.0, "max_cpu": 0.0}
    return {
        "count": len(walls),
        "full": sum(1 for _, _, generation in seen if generation == 2),
        "max": walls[-1],
        "p99": walls[min(len(walls) - 1, int(len(walls) * 0.99))],
        "max_cpu": max(cpu for _, cpu, _ in seen),
    }


def reset_pauses() -> None:
    _recent.clear()
