"""Where an actor finds the process's Runtime (set by the API's lifespan or the worker)."""

from __future__ import annotations

from hospital_bff.runtime import Runtime

_current: Runtime | None = None


def set_runtime(runtime: Runtime | None) -> None:
    global _current
    _current = runtime


def current_runtime() -> Runtime:
    if _current is None:
        raise RuntimeError(
            "no Runtime: jobs run inside `hospital-bff serve` or `hospital-bff worker`"
        )
    return _current
