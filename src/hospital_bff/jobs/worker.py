"""Running jobs: in-process worker threads for the embedded default, dramatiq workers for a
real broker (`hospital-bff worker`)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import dramatiq
import structlog
from dramatiq import Worker
from dramatiq.middleware import Middleware

from hospital_bff.config import Settings
from hospital_bff.jobs import broker as broker_mod
from hospital_bff.jobs.runtime import set_runtime
from hospital_bff.jobs.scheduler import run_scheduler
from hospital_bff.runtime import Runtime

log = structlog.get_logger(__name__)


@asynccontextmanager
async def in_process_jobs(
    runtime: Runtime, *, threads: int = 16, scheduler: bool = True
) -> AsyncIterator[dramatiq.Broker]:
    """The jobs of the API process: with no broker configured, a StubBroker and worker
    threads that run the async actors on this very event loop; with a real broker, this
    process only sends (`hospital-bff worker` processes consume). The scheduler either way.

    Each thread only waits for its actor's coroutine on this loop, so the threads bound how
    many jobs are in flight: with four, expiries fell seconds behind at 75 a second."""
    broker = broker_mod.build_broker(runtime.settings.broker_url or None)
    broker_mod.install(broker)
    set_runtime(runtime)
    worker: Worker | None = None
    if not runtime.settings.broker_url:
        broker_mod.attach_to_running_loop(asyncio.get_running_loop())
        worker = Worker(broker, worker_threads=threads, worker_timeout=100)
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
            await asyncio.to_thread(worker.stop, 5000)
        broker_mod.detach_loop()
        set_runtime(None)


class RuntimeMiddleware(Middleware):  # type: ignore[misc]
    """Owns the worker process's Runtime: opened on the event loop thread at boot."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cm: AbstractAsyncContextManager[Runtime] | None = None
        self._stop: asyncio.Event | None = None

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
            asyncio.get_running_loop().create_task(run_scheduler(runtime, self._stop))

        loop_thread.run_coroutine(start())

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: Worker) -> None:
        from dramatiq.asyncio import get_event_loop_thread

        loop_thread = get_event_loop_thread()
        if loop_thread is None or self._cm is None:
            return

        async def stop() -> None:
            if self._stop is not None:
                self._stop.set()
            if self._cm is not None:
                await self._cm.__aexit__(None, None, None)

        loop_thread.run_coroutine(stop())


def build_worker_broker(settings: Settings) -> dramatiq.Broker:
    from hospital_bff.logs import configure_logging
    from hospital_bff.production import refuse_unsafe_production

    # Each worker process imports this (worker_entry): its lines follow BFF_LOG_JSON too.
    configure_logging(
        settings.log_level, json=settings.log_json, error_log_path=settings.error_log_path
    )
    refuse_unsafe_production(settings)
    if not settings.broker_url:
        raise SystemExit("hospital-bff worker needs BFF_BROKER_URL (amqp://... or redis://...)")
    broker = broker_mod.build_broker(settings.broker_url)
    # After AsyncIO in the chain: the event loop thread exists when the Runtime opens.
    broker.add_middleware(RuntimeMiddleware(settings))
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
    ]
    if metrics_port:
        sys.argv += ["--fork-function", "hospital_bff.metrics_server:serve_worker_metrics"]
    return int(dramatiq_main() or 0)  # type: ignore[no-untyped-call]
