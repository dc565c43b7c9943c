"""The dramatiq broker, built from an ordered, commented middleware list."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import dramatiq
from dramatiq.asyncio import EventLoopThread, set_event_loop_thread
from dramatiq.middleware import (
    AgeLimit,
    AsyncIO,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from hospital_bff.jobs.expected_failures import RetryOutages
from hospital_bff.jobs.in_process import InProcessBroker
from hospital_bff.tracing import tracing_on

# Below RabbitMQ's default consumer acknowledgement timeout (30 min) by far: a job that
# hangs is killed and retried long before the broker gives its message to someone else.
JOB_TIME_LIMIT_MS = 60_000
MAX_RETRIES = 8
MIN_BACKOFF_MS = 1_000
MAX_BACKOFF_MS = 5 * 60_000


class ProcessTimeLimit(TimeLimit):  # type: ignore[misc]
    """dramatiq's TimeLimit with one watchdog thread per process, however many brokers.

    Its watchdog is a thread that never ends; the API builds a broker at every start (the
    test suite starts an app per test), so each start used to leave one more thread polling
    every second. The watchdog only maps worker thread ids to deadlines: one serves all.
    """

    _shared: Any = None
    _started = False
    _lock = threading.Lock()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with ProcessTimeLimit._lock:
            if ProcessTimeLimit._shared is None:
                ProcessTimeLimit._shared = self.manager
            self.manager = ProcessTimeLimit._shared

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        with ProcessTimeLimit._lock:
            if not ProcessTimeLimit._started:
                super().after_process_boot(broker)  # type: ignore[no-untyped-call]
                ProcessTimeLimit._started = True


def middleware(*, own_event_loop: bool) -> list[Any]:
    chain: list[Any] = [
        # Drop messages nobody processed for a day: the sweeps will have settled them.
        AgeLimit(max_age=24 * 3600 * 1000),
        # Kill a job that runs too long; the retry picks it up.
        ProcessTimeLimit(time_limit=JOB_TIME_LIMIT_MS),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        # Exponential backoff; every actor is idempotent so a retry is always safe.
        Retries(max_retries=MAX_RETRIES, min_backoff=MIN_BACKOFF_MS, max_backoff=MAX_BACKOFF_MS),
        # An outage of the HIS, the bank or Redis: one warning line and a retry, no traceback.
        RetryOutages(),
        CurrentMessage(),
    ]
    if own_event_loop:
        # A worker process runs async actors on an event loop thread of its own.
        chain.append(AsyncIO())
    if tracing_on():
        from hospital_bff.jobs.tracing import JobTracing

        # First: the job's span encloses the other middleware's work, retries included.
        chain.insert(0, JobTracing())
    return chain


def build_broker(url: str | None) -> dramatiq.Broker:
    """RabbitMQ (amqp://), Redis (redis://), or the in-process broker (empty: a StubBroker
    whose consumers wait on signals, jobs/in_process.py)."""
    mw = middleware(own_event_loop=bool(url))
    broker: dramatiq.Broker
    if not url:
        broker = InProcessBroker(middleware=mw)
        broker.emit_after("process_boot")
    elif url.startswith("amqp"):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        broker = RabbitmqBroker(url=url, middleware=mw)
    elif url.startswith("redis"):
        from dramatiq.brokers.redis import RedisBroker

        broker = RedisBroker(url=url, middleware=mw)  # type: ignore[no-untyped-call]
    else:
        raise ValueError(f"unsupported broker URL: {url.split('://')[0]}://")
    return broker


def install(broker: dramatiq.Broker) -> None:
    """Make `broker` the one every actor sends to."""
    from hospital_bff.jobs import actors

    dramatiq.set_broker(broker)
    for actor in actors.ALL:
        actor.broker = broker
        broker.declare_actor(actor)


class _RunningLoop(EventLoopThread):
    """Lets dramatiq's worker threads run async actors on an already running loop (the API
    server's), so the in-process workers share the server's Runtime."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        threading.Thread.__init__(self)
        self.logger = logging.getLogger(__name__)
        self.interrupt_check_ival = 0.1
        self.loop = loop

    def start(self, *, timeout: float | None = None) -> None:
        return None

    def stop(self) -> None:
        return None

    def run_coroutine(self, coro: Any) -> Any:
        """dramatiq's, except that a job handed over as the app's loop stops is closed, not
        left "never awaited"; it fails as before, and the sweeps send again what is due."""
        if not self.loop.is_running() and asyncio.iscoroutine(coro):
            coro.close()
        return super().run_coroutine(coro)


def attach_to_running_loop(loop: asyncio.AbstractEventLoop) -> None:
    set_event_loop_thread(_RunningLoop(loop))


def detach_loop() -> None:
    set_event_loop_thread(None)
