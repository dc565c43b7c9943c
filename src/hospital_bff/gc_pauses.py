"""Garbage-collection pauses: what start-up allocated is frozen out of every later collection,
and each collection's pause is measured for /metrics.

A full collection walks every tracked object; after start-up most of them (modules, the
schema, the seed data) live for the whole process, so walking them again on every gen-2
collection only lengthens the pause of the requests caught behind it. `gc.freeze()` moves
them to the permanent generation; the collector then sees only what requests allocate.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from hospital_bff.metrics import GC_MAX_PAUSE, GC_MAX_PAUSE_CPU, GC_PAUSES

_started: float | None = None
_started_cpu = 0.0
_longest = 0.0
_longest_cpu = 0.0


def _on_collection(phase: str, info: dict[str, Any]) -> None:
    global _started, _started_cpu, _longest, _longest_cpu
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
    if cpu > _longest_cpu:
        _longest_cpu = cpu
        GC_MAX_PAUSE_CPU.set(cpu)
    GC_PAUSES.labels(str(info.get("generation", "?"))).observe(pause)
    if pause > _longest:
        _longest = pause
        GC_MAX_PAUSE.set(pause)


def watch_pauses() -> None:
    """Measure every collection of this process from now on (once, however often called)."""
    if _on_collection not in gc.callbacks:
        gc.callbacks.append(_on_collection)


def freeze_start_up_heap() -> None:
    """Collect start-up's garbage, then keep every object still alive out of later collections."""
    gc.collect()
    gc.freeze()
