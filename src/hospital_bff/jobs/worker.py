"""Running jobs: in-process worker threads for the embedded default, dramatiq workers for a
real broker (`hospital-bff worker`)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import FrameType
from typing import Any

import dramatiq
import structlog
from dramatiq import Worker
from dramatiq.middleware import AsyncIO, Middleware

from hospital_bff.config import Settings
from hospital_bff.gc_pauses import freeze_start_up_heap, watch_pauses
from hospital_bff.jobs import broker as broker_mod
from hospital_bff.jobs.in_process import InProcessBroker, InProcessWorker
from hospital_bff.jobs.runtime import set_runtime
from hospital_bff.jobs.scheduler import run_scheduler
from hospital_bff.probe import heartbeat
from hospital_bff.runtime import Runtime

log = structlog.get_logger(__name__)

IN_PROCESS_PREFETCH = 10_000


@asynccontextmanager
async def in_process_jobs(
    runtime: Runtime, *, threads: int = 16, scheduler: bool = True
) -> AsyncIterator[dramatiq.Broker]:
    """The jobs of the API process: with no broker configured, an in-process broker and
    worker threads (jobs/in_process.py) that run the async actors on this very event loop;
    with a real broker, this process only sends (`hospital-bff worker` processes consume).
    The scheduler either way.

    Each thread only waits for its actor's coroutine on this loop, so the threads bound how
    many jobs are in flight: with four, expiries fell seconds behind at 75 a second."""
    broker = broker_mod.build_broker(runtime.settings.broker_url or None)
    broker_mod.install(broker)
    set_runtime(runtime)
    worker: InProcessWorker | None = None
    if not runtime.settings.broker_url:
        broker_mod.attach_to_running_loop(asyncio.get_running_loop())
        assert isinstance(broker, InProcessBroker)
        # Its idle threads sleep until a message or a delayed one's time comes: they cost
        # the requests on this loop nothing, and an expiry is picked up when due.
        worker = InProcessWorker(broker, worker_threads=threads)
        # The in-process queue is memory either way: fetching all of it lets the priorities
        # order the whole backlog (dramatiq fetches two per thread), so a due expiry is not
        # queued behind the follow-ups of the ones before it.
        worker.queue_prefetch = IN_PROCESS_PREFETCH
        worker.start()
    stop = asyncio.Event()
    sched = asyncio.create_task(run_scheduler(runtime, stop)) if scheduler else None
    try:
        yield broker
    finally:
        stop.set()
        if sched is not None:
            await sched
        if worker is not None:
            # Every thread waits on a signal the stop gives (jobs/in_process.py): no idle
            # period to sit out; a job in flight still finishes.
            await asyncio.to_thread(worker.stop, 5000)
        broker_mod.detach_loop()
        set_runtime(None)


class RuntimeMiddleware(Middleware):  # type: ignore[misc]
    """Owns the worker process's Runtime: opened on the event loop thread at boot, closed
    once the worker threads have finished (or given back) their jobs, before the loop stops.

    Placed before AsyncIO in the chain, so that its `after_worker_shutdown` runs while the
    event loop still does (AsyncIO stops the loop in its own)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cm: AbstractAsyncContextManager[Runtime] | None = None
        self._stop: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def after_worker_boot(self, broker: dramatiq.Broker, worker: Worker) -> None:
        from dramatiq.asyncio import get_event_loop_thread

        from hospital_bff.runtime import open_runtime

        loop_thread = get_event_loop_thread()
        assert loop_thread is not None

        async def start() -> None:
            cm = open_runtime(self.settings)
            runtime = await cm.__aenter__()
            self._cm = cm
            set_runtime(runtime)
            self._stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            self._tasks = [
                loop.create_task(run_scheduler(runtime, self._stop)),
                # The container's health check: this loop runs (hospital_bff/probe.py).
                loop.create_task(heartbeat(self.settings.probe_file, self._stop)),
            ]

        loop_thread.run_coroutine(start())
        # A worker process keeps what its boot built for its whole life: out of the
        # collector's walks, and every collection measured (gc_pauses.py).
        watch_pauses()
        freeze_start_up_heap()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: Worker) -> None:
        # No new sweeps while the jobs in flight finish.
        self._on_loop(self._stop_scheduler())

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: Worker) -> None:
        self._on_loop(self._close_runtime())

    async def _stop_scheduler(self) -> None:
        if self._stop is not None:
            self._stop.set()
        # The scheduler gives its lease up on the Runtime's engine: before it closes.
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _close_runtime(self) -> None:
        cm, self._cm = self._cm, None
        if cm is not None:
            set_runtime(None)
            await cm.__aexit__(None, None, None)

    def _on_loop(self, coro: Coroutine[Any, Any, None]) -> None:
        from dramatiq.asyncio import get_event_loop_thread

        loop_thread = get_event_loop_thread()
        if loop_thread is None or not loop_thread.loop.is_running():
            coro.close()
            return
        try:
            loop_thread.run_coroutine(coro)
        except Exception:
            log.exception("worker_shutdown_step_failed")


# dramatiq's worker process stops at its first SIGTERM and exits hard at a second one, which
# a group SIGTERM always delivers (the signal itself, then dramatiq's parent passing it on):
# a hard exit in the middle of a stop left its non-daemon event loop thread running, and the
# process logging "Killing worker process..." for minutes. Here a second signal is ignored,
# and a stop that outlasts STOP_DEADLINE_SECONDS ends the process (its unacknowledged
# messages go back to the broker).
SHUTDOWN_TIMEOUT_MS = 20_000  # for jobs in flight; dramatiq's default is 10 minutes
STOP_DEADLINE_SECONDS = 27.0  # within the 30 s an orchestrator waits after SIGTERM


def stop_once_and_within_deadline() -> None:
    """In a dramatiq worker process: the first SIGTERM stops it, later ones are ignored, and
    the process exits within STOP_DEADLINE_SECONDS of the first, whatever is still running."""
    previous = signal.getsignal(signal.SIGTERM)
    if not callable(previous):
        return
    stopping = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            return
        stopping.set()
        threading.Thread(target=_exit_after_deadline, name="stop-deadline", daemon=True).start()
        previous(signum, frame)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_term)


def _exit_after_deadline() -> None:
    time.sleep(STOP_DEADLINE_SECONDS)
    log.error("worker_stop_deadline_passed", seconds=STOP_DEADLINE_SECONDS)
    logging.shutdown()
    os._exit(1)  # dramatiq's RET_KILLED


def build_worker_broker(settings: Settings) -> dramatiq.Broker:
    from hospital_bff.logs import configure_logging
    from hospital_bff.production import refuse_unsafe_production
    from hospital_bff.tracing import configure_tracing

    # Each worker process imports this (worker_entry): its lines follow BFF_LOG_JSON too.
    configure_logging(
        settings.log_level, json=settings.log_json, error_log_path=settings.error_log_path
    )
    refuse_unsafe_production(settings)
    configure_tracing(settings)
    if not settings.broker_url:
        raise SystemExit("hospital-bff worker needs BFF_BROKER_URL (amqp://... or redis://...)")
    broker = broker_mod.build_broker(settings.broker_url)
    # Before AsyncIO in the chain (see RuntimeMiddleware); its boot hook runs after every
    # middleware's before_worker_boot, so the event loop thread exists by then.
    broker.add_middleware(RuntimeMiddleware(settings), before=AsyncIO)
    broker_mod.install(broker)
    return broker


def run_worker(*, processes: int, threads: int, metrics_port: bool = False) -> int:
    """Hand over to dramatiq's CLI with our broker module (and, with `metrics_port`, a
    process of its own serving BFF_METRICS_PORT)."""
    from dramatiq.cli import main as dramatiq_main

    sys.argv = [
        "dramatiq",
        "hospital_bff.jobs.worker_entry",
        "--processes",
        str(processes),
        "--threads",
        str(threads),
        # Our logging, configured by every process (worker_entry in each worker), not
        # dramatiq's basicConfig beside it.
        "--skip-logging",
        "--worker-shutdown-timeout",
        str(SHUTDOWN_TIMEOUT_MS),
    ]
    if metrics_port:
        sys.argv += ["--fork-function", "hospital_bff.metrics_server:serve_worker_metrics"]
    return int(dramatiq_main() or 0)  # type: ignore[no-untyped-call]
