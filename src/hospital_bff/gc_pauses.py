"""Garbage-collection pauses: what start-up allocated is frozen out of every later collection,
and each collection's pause is measured for /metrics.

A full collection walks every tracked object; after start-up most of them (modules, the
schema, the seed data) live for the whole process, so walking them again on every gen-2
collection only lengthens the pause of the requests caught behind it. `gc.freeze()` moves
them to the permanent generation; the collector then sees only what requests allocate.

Where CPython still times the older generations (the job worker, the tests), the young
threshold is raised with it: CPython's first generation is collected every 700 net
allocations of containers, which a request makes dozens of times (each time promoting the
request's live objects a generation up, so that they are walked again by the next, rarer and
longer, collections). A young collection's pause grows with the cyclic garbage it frees
(measured: 20,000 freed ~17,000 objects in 15-20 ms of CPU); `GEN0_THRESHOLD` keeps it to a
few milliseconds while most of a request's objects have died before a collection looks. Since
requests leave no cycles (tests/test_request_garbage.py) a young collection has little to free,
and 2,000 is enough: in the slot-release burst its longest took 2.5-3.6 ms of CPU against
4.5-7.4 ms at 4,000, with no more CPU per attempt (1.4-1.5 ms against 1.5-1.6, A/B).

The older generations' collections are timed by the server rather than by CPython's counts.
A gen-1 collection walks every young object still alive: under a burst every request and
connection in flight, and the caches they filled (6-28 ms of CPU on the 2-core machine).
So in a server (`QuietCollections`) gen 1 is collected once no HTTP request has been in flight
for `QUIET_SECONDS` (the end of a burst, a lull): nobody waits for it but a request arriving
during it. Under steady traffic a whole quiet second may never come; there gen 1 falls due
`OLDER_BOUND_SECONDS` after the last time (or after `OLDER_CEILING` young collections, so that
cyclic garbage is bounded by volume as well as by time), and is collected the next moment no
request is in flight, which steady traffic has often and a burst seldom. Only at
`OLDER_CAP_SECONDS` is it collected whatever is in flight (a process never without a request,
or serving no HTTP at all, only WebSockets), so the process is never starved of them. After
every `FULL_EVERY` a full collection follows, as CPython's thresholds would have it; CPython's
own older collections are off in a server (`QuietCollections.deferring`), which would
otherwise start one in the middle of a request.

With the older generations out of the way, the young threshold goes back to CPython's 700: what
it promotes more often is walked again only at the quiet moment, and each young collection
walks less. In the slot-release burst (bench/booking_burst.py, runs alternating, embedded and
2 servers) the longest collection begun with requests in flight
(`bff_gc_max_pause_in_flight_cpu_seconds`) took 1.7-2.7 ms of CPU at 700, 2.0-4.0 at 1,000 and
3.4-6.6 at 2,000, at the same CPU per attempt (1.8-3.0 ms at 700 in seven more runs). With
CPython timing gen 1 as well, the burst's longest collection had been 5.8-27.3 ms: four to ten
gen-1 collections in a burst, each started by whichever request allocated at the wrong moment.

(Young collections timed every 20 ms while requests were in flight were tried as well, at
2,000: their longest fell to 1.4-2.6 ms, but the embedded default's burst spent 2.8-3.3 ms of
CPU an attempt against 2.3-2.5 without them.)
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.orm import configure_mappers

from hospital_bff.metrics import (
    GC_MAX_PAUSE,
    GC_MAX_PAUSE_CPU,
    GC_MAX_PAUSE_CPU_BY_GENERATION,
    GC_MAX_PAUSE_IN_FLIGHT_CPU,
    GC_PAUSES,
)

_started: float | None = None
_started_cpu = 0.0
_longest = 0.0
_longest_cpu = 0.0
_longest_cpu_by_generation = [0.0, 0.0, 0.0]
_longest_in_flight_cpu = 0.0
# The server's count of HTTP requests in flight (`QuietCollections.deferring`), and whether the
# collection under way began with any.
_counter: QuietCollections | None = None
_began_in_flight = False
# The latest pauses, for a bench or a test to summarise (the metrics keep the histogram).
_recent: deque[tuple[float, float, int]] = deque(maxlen=100_000)  # wall, CPU, generation

GEN0_THRESHOLD = 2_000
# A server's, whose older generations wait for a quiet moment (`QuietCollections.deferring`):
# CPython's own default, see above.
SERVER_GEN0_THRESHOLD = 700
# Gen 1 once no request has been in flight for this long. Otherwise, OLDER_BOUND_SECONDS after
# the last time (or OLDER_CEILING young collections since) it is due, and collected the next
# moment nothing is in flight; OLDER_CAP_SECONDS after the last time, whatever is in flight
# (a process never without a request, or serving no HTTP at all, only WebSockets). Looked at
# every WATCH_SECONDS. After every FULL_EVERY of them a full collection, as CPython's default
# thresholds would have it; CPython's own counts never reach their thresholds (NEVER).
QUIET_SECONDS = 1.0
OLDER_BOUND_SECONDS = 30.0
OLDER_CAP_SECONDS = 60.0
OLDER_CEILING = 1_000
WATCH_SECONDS = 5.0
FULL_EVERY = 10
NEVER = 1 << 30
SERVER_THRESHOLDS = (SERVER_GEN0_THRESHOLD, NEVER, NEVER)
# Start-up's own full collection, before anything is served, is no pause: not measured.
_starting = False


def _on_collection(phase: str, info: dict[str, Any]) -> None:
    global _started, _started_cpu, _longest, _longest_cpu, _longest_in_flight_cpu
    global _began_in_flight
    if _starting:
        return
    if phase == "start":
        _started = time.perf_counter()
        _started_cpu = time.thread_time()
        _began_in_flight = _counter is not None and _counter.in_flight > 0
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
    if _began_in_flight and cpu > _longest_in_flight_cpu:
        _longest_in_flight_cpu = cpu
        GC_MAX_PAUSE_IN_FLIGHT_CPU.set(cpu)
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


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class QuietCollections:
    """The HTTP requests in flight, counted by the app (`BffApp.quiet`, no ASGI layer of its
    own: one cost 2-3% of a kept answer's CPU), and the older generations' collections timed by
    them (above): once none has been in flight for `QUIET_SECONDS`; when due, the next moment
    none is; at the cap, at once."""

    __slots__ = (
        "_due",
        "_older_at",
        "_quiet",
        "_quiet_since",
        "_thresholds",
        "_watch",
        "call_later",
        "in_flight",
        "now",
    )

    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        call_later: Callable[[float, Callable[[], None]], Cancellable] | None = None,
    ) -> None:
        self.in_flight = 0
        self.now = now
        # The running loop's, unless given (tests).
        self.call_later = call_later
        # When the older generations were last collected, or the process last found quiet.
        self._older_at = self._quiet_since = now()
        self._due = False  # collect at the next moment nothing is in flight
        self._quiet: Cancellable | None = None
        self._watch: Cancellable | None = None
        # CPython's thresholds before `deferring` set SERVER_THRESHOLDS.
        self._thresholds: tuple[int, int, int] | None = None

    @classmethod
    def deferring(cls) -> QuietCollections:
        """A counter to which CPython leaves its older generations (given back by `close`), and
        by which the pauses met by requests in flight are told apart."""
        global _counter
        quiet = cls()
        quiet._thresholds = gc.get_threshold()
        gc.set_threshold(*SERVER_THRESHOLDS)
        _counter = quiet
        return quiet

    def start(self) -> None:
        """Look every WATCH_SECONDS whether the older generations are due, requests or not."""
        self._watch = self._later(WATCH_SECONDS, self._watching)

    def enter(self) -> None:
        if not self.in_flight and self._quiet is None:
            # Found quiet until now (or never busy yet): the bound counts from here.
            self._older_at = self.now()
        self.in_flight += 1

    def leave(self) -> None:
        self.in_flight -= 1
        if not self.in_flight:
            if self._due:
                self._collect_older()
                return
            self._quiet_since = self.now()
            if self._quiet is None:
                self._quiet = self._later(QUIET_SECONDS, self._still_quiet)

    def _later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        call_later = self.call_later or asyncio.get_running_loop().call_later
        return call_later(delay, callback)

    def _still_quiet(self) -> None:
        self._quiet = None
        if self.in_flight:
            return  # busy again: the next quiet moment asks again
        left = QUIET_SECONDS - (self.now() - self._quiet_since)
        if left > QUIET_SECONDS / 100:  # busy in between: quiet for the whole time
            self._quiet = self._later(left, self._still_quiet)
            return
        self._collect_older()

    def _watching(self) -> None:
        since = self.now() - self._older_at
        if since >= OLDER_CAP_SECONDS or (self._due and not self.in_flight):
            self._collect_older()
        elif since >= OLDER_BOUND_SECONDS or gc.get_count()[1] >= OLDER_CEILING:
            self._due = True
        self._watch = self._later(WATCH_SECONDS, self._watching)

    def _collect_older(self) -> None:
        _, older, oldest = gc.get_count()
        if oldest >= FULL_EVERY:
            gc.collect(2)
        elif older:
            gc.collect(1)
        self._older_at = self.now()
        self._due = False

    def close(self) -> None:
        """The loop is going away: nothing is left scheduled on it, and CPython has back the
        thresholds it had (unless something else has set others since)."""
        global _counter
        for handle in (self._quiet, self._watch):
            if handle is not None:
                handle.cancel()
        self._quiet = self._watch = None
        if self._thresholds is not None and gc.get_threshold() == SERVER_THRESHOLDS:
            gc.set_threshold(*self._thresholds)
        self._thresholds = None
        if _counter is self:
            _counter = None


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
