"""The in-process worker's stop: its consumers stop with its workers, and a job in flight ends."""

from __future__ import annotations

import threading
from typing import Any

import dramatiq
import dramatiq.worker
import pytest
from dramatiq.brokers.stub import StubBroker

from hospital_bff.jobs.worker import stop_in_process_worker


def test_the_consumers_stop_with_the_workers_and_a_job_in_flight_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broker = StubBroker()
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    @dramatiq.actor(broker=broker, queue_name="default")
    def slow_job() -> None:
        started.set()
        release.wait(30)
        finished.set()

    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    consumers_running_at_joins: list[list[bool]] = []
    join_all = dramatiq.worker.join_all

    def recording_join_all(joinables: Any, timeout: int) -> None:
        consumers_running_at_joins.append([t.running for t in worker.consumers.values()])
        release.set()  # the job in flight may end once the stop has begun
        join_all(joinables, timeout)

    monkeypatch.setattr(dramatiq.worker, "join_all", recording_join_all)
    try:
        slow_job.send()
        assert started.wait(30)
        stop_in_process_worker(worker)
    finally:
        release.set()
    # Told to stop before the worker threads were waited for, not one idle period after.
    first_join = consumers_running_at_joins[0]
    assert first_join and not any(first_join), first_join  # the queue's and its delay queue's
    assert finished.is_set()
    threads = [*worker.workers, *worker.consumers.values()]
    assert not any(t.is_alive() for t in threads)
