"""The embedded default's broker and worker wait on signals: an idle thread never wakes, a
delayed job runs once due (and not before), and a stop lets every thread go at once."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Iterator
from typing import Any

import dramatiq
import pytest

from hospital_bff.jobs import in_process
from hospital_bff.jobs.broker import middleware
from hospital_bff.jobs.in_process import InProcessBroker, InProcessWorker

WAIT = 30.0  # generous: only a broken worker takes this long


@pytest.fixture
def broker() -> InProcessBroker:
    b = InProcessBroker(middleware=middleware(own_event_loop=False))
    b.emit_after("process_boot")
    return b


@pytest.fixture
def worker(broker: InProcessBroker) -> Iterator[InProcessWorker]:
    w = InProcessWorker(broker, worker_threads=4)
    w.start()
    yield w
    w.stop(10_000)


class _Runs:
    """What an actor was called with, and when (wall clock, ms: as dramatiq's etas)."""

    def __init__(self, expected: int) -> None:
        self.calls: list[tuple[Any, float]] = []
        self.lock = threading.Lock()
        self.expected = expected
        self.done = threading.Event()

    def __call__(self, arg: Any) -> None:
        with self.lock:
            self.calls.append((arg, time.time() * 1000))
            if len(self.calls) >= self.expected:
                self.done.set()


def test_a_delayed_job_runs_once_due_even_behind_a_later_one(
    broker: InProcessBroker, worker: InProcessWorker
) -> None:
    runs = _Runs(expected=2)
    actor = dramatiq.actor(runs, broker=broker, actor_name="recorded")
    # The far one first: the consumer then waits for it, and the near one must cut that wait.
    actor.send_with_options(args=("far",), delay=3_600_000)
    sent_at = time.time() * 1000
    actor.send_with_options(args=("near",), delay=200)
    actor.send("now")
    assert runs.done.wait(WAIT), f"ran only {runs.calls}"
    ran = dict(runs.calls)
    assert set(ran) == {"now", "near"}
    assert ran["near"] >= sent_at + 200, "a delayed job ran before its time"


def test_a_failed_job_is_retried_after_its_backoff(
    broker: InProcessBroker, worker: InProcessWorker
) -> None:
    attempts: list[int] = []
    done = threading.Event()

    def flaky() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise dramatiq.Retry(delay=50)
        done.set()

    actor = dramatiq.actor(flaky, broker=broker, actor_name="flaky", max_retries=3)
    actor.send()
    assert done.wait(WAIT)
    broker.join("default", timeout=int(WAIT * 1000))
    assert len(attempts) == 2


def test_idle_threads_do_not_wake(broker: InProcessBroker, monkeypatch: pytest.MonkeyPatch) -> None:
    """dramatiq's threads look at their queues every `worker_timeout`; these only when told.
    (Counted over a short window with the one timeout left made tiny: polling would show.)"""
    monkeypatch.setattr(in_process, "SATURATED_WAIT_MS", 5)
    looks = {"work": 0, "consume": 0}
    worker = InProcessWorker(broker, worker_threads=4)
    original_get = worker.work_queue.get

    def counted_get(*args: Any, **kwargs: Any) -> Any:
        looks["work"] += 1
        return original_get(*args, **kwargs)

    worker.work_queue.get = counted_get  # type: ignore[method-assign]
    original_consume = broker.consume

    def counted_consume(*args: Any, **kwargs: Any) -> Any:
        return _Counted(original_consume(*args, **kwargs), looks)

    monkeypatch.setattr(broker, "consume", counted_consume)
    dramatiq.actor(lambda: None, broker=broker, actor_name="idle")  # its queue and delay queue
    worker.start()
    try:
        # Every thread has started and looked once: four workers, two consumers.
        deadline = time.monotonic() + WAIT
        while looks["work"] < 4 or looks["consume"] < 2:
            assert time.monotonic() < deadline, looks
            time.sleep(0.01)
        before = dict(looks)
        time.sleep(0.3)
        assert looks == before, "an idle thread woke up"
    finally:
        worker.stop(10_000)


class _Counted:
    """A consumer that counts each time its thread looks for a message."""

    def __init__(self, consumer: Any, looks: dict[str, int]) -> None:
        self.consumer = consumer
        self.looks = looks

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> Any:
        self.looks["consume"] += 1
        return next(self.consumer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.consumer, name)


def test_a_stop_lets_every_waiting_thread_go(broker: InProcessBroker) -> None:
    worker = InProcessWorker(broker, worker_threads=4)
    worker.start()
    runs = _Runs(expected=1)
    actor = dramatiq.actor(runs, broker=broker, actor_name="recorded")
    actor.send_with_options(args=("far",), delay=3_600_000)  # its consumer waits an hour
    actor.send("now")
    assert runs.done.wait(WAIT)
    threads = [*worker.workers, *worker.consumers.values()]
    worker.stop(int(WAIT * 1000))
    assert not [t for t in threads if t.is_alive()], "a thread still waits after the stop"


def test_a_job_handed_over_as_the_loop_stops_is_closed_not_left_unawaited() -> None:
    from hospital_bff.jobs.broker import _RunningLoop

    loop = asyncio.new_event_loop()  # never running: the app's, once it has stopped
    ran = False

    async def job() -> None:
        nonlocal ran
        ran = True

    coro = job()
    try:
        with pytest.raises(RuntimeError):
            _RunningLoop(loop).run_coroutine(coro)
    finally:
        loop.close()
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED
    assert not ran
