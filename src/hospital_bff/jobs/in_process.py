"""The embedded default's broker and worker: dramatiq's StubBroker and Worker, waiting on
signals instead of polling.

dramatiq's threads wait for work with a timeout (`worker_timeout`) and look again when it
passes: sixteen worker threads and a consumer per queue woke 10 to 40 times a second each,
idle or not. In the API process every wake-up asks the event loop's thread for the GIL, which
cost the kept catalogue answers a tenth to a quarter of their throughput (bench/catalogue.py)
and their p99. And a delayed job (an order's expiry) was only moved to its queue when its
consumer happened to wake, up to `worker_timeout` late.

Here an idle thread sleeps until something is for it: a message enqueued on its queue, its
earliest delayed message falling due (the wait ends at that instant, so an expiry is picked up
when due, not at the next poll), or the worker stopping. Nothing else changes: the same
middleware, the same queues (`StubBroker.join` works as before), the same acks, retries and
dead letters, the same shutdown (the workers finish their jobs, then the consumers stop).

It relies on dramatiq 2's ConsumerThread and WorkerThread (what each waits on, and where);
tests/jobs/test_in_process.py fails if they change under it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from queue import Empty, PriorityQueue, Queue
from typing import Any

import dramatiq
from dramatiq.broker import Consumer, MessageProxy
from dramatiq.brokers.stub import StubBroker

# The stub's message: it keeps an actor's exception for StubBroker.join(fail_fast=True).
from dramatiq.brokers.stub import _StubMessageProxy as _Proxy
from dramatiq.common import dq_name, q_name
from dramatiq.message import Message
from dramatiq.worker import ConsumerThread, WorkerThread

# What dramatiq still waits with a timeout for: a consumer whose prefetch is all taken (ten
# thousand messages in hand) looks again this often, as does a paused thread.
SATURATED_WAIT_MS = 1_000


class SignalledQueue(Queue):  # type: ignore[type-arg]
    """A broker queue whose reader waits until a message, a deadline, or a wake-up."""

    def get_signalled(
        self, wait_seconds: Callable[[], float | None], stopped: Callable[[], bool]
    ) -> Any:
        """The next message; None once `wait_seconds()` (None: no deadline) has passed, or
        as soon as `stopped()` is true after `wake()`."""
        with self.not_empty:
            while not self._qsize():
                if stopped():
                    return None
                timeout = wait_seconds()
                if timeout is not None and timeout <= 0:
                    return None
                self.not_empty.wait(timeout)
            item = self._get()
            self.not_full.notify()
            return item

    def wake(self) -> None:
        """Its readers look at `stopped()` again."""
        with self.not_empty:
            self.not_empty.notify_all()


class _WorkQueue(PriorityQueue):  # type: ignore[type-arg]
    """The worker's queue of messages to run: a worker thread waits for one without timeout,
    and is let go (`Empty`) when the queue is closed at shutdown."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        with self.not_empty:
            while not self._qsize():
                if self.closed or not block:
                    raise Empty
                self.not_empty.wait()
            item = self._get()
            self.not_full.notify()
            return item

    def close(self) -> None:
        with self.not_empty:
            self.closed = True
            self.not_empty.notify_all()


class _Consumer(Consumer):  # type: ignore[misc]
    """StubBroker's consumer (prefetch slots, acks, dead letters), waiting on its queue's
    signal and its thread's earliest delayed message instead of a timeout."""

    def __init__(
        self,
        queue: SignalledQueue,
        dead_letters: list[MessageProxy],
        prefetch: int,
        thread: _ConsumerThread,
    ) -> None:
        self.queue = queue
        self.dead_letters = dead_letters
        self.thread = thread
        self.slots = threading.Semaphore(value=prefetch)

    def ack(self, message: MessageProxy) -> None:
        self.queue.task_done()
        self.slots.release()

    def nack(self, message: MessageProxy) -> None:
        self.queue.task_done()
        self.dead_letters.append(message)
        self.slots.release()

    def __next__(self) -> MessageProxy | None:
        due = self.thread.seconds_to_next_due()
        # All slots taken: dramatiq's wait, but never past the next delayed message's time.
        saturated = SATURATED_WAIT_MS / 1000
        if not self.slots.acquire(timeout=saturated if due is None else min(due, saturated)):
            return None
        data = self.queue.get_signalled(self.thread.seconds_to_next_due, self.thread.stopping)
        if data is None:
            self.slots.release()
            return None
        return _Proxy(Message.decode(data))


class InProcessBroker(StubBroker):  # type: ignore[misc]
    """StubBroker whose queues signal their consumers (see the module's docstring)."""

    def __init__(self, middleware: list[Any] | None = None) -> None:
        super().__init__(middleware=middleware)
        self._threads: dict[str, _ConsumerThread] = {}

    def declare_queue(self, queue_name: str) -> None:
        # StubBroker's, with signalled queues.
        if queue_name in self.queues:
            return
        self.emit_before("declare_queue", queue_name)
        self.queues[queue_name] = SignalledQueue()
        self.emit_after("declare_queue", queue_name)
        delayed_name = dq_name(queue_name)
        self.queues[delayed_name] = SignalledQueue()
        self.delay_queues.add(delayed_name)
        self.emit_after("declare_delay_queue", delayed_name)

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 100) -> Consumer:
        thread = self._threads.get(queue_name)
        if thread is None or queue_name not in self.queues:
            # Not one of InProcessWorker's consumers: the stub's own (or its QueueNotFound).
            return super().consume(queue_name, prefetch, timeout)
        return _Consumer(
            self.queues[queue_name], self.dead_letters_by_queue[queue_name], prefetch, thread
        )

    def wake(self, queue_name: str) -> None:
        queue = self.queues.get(queue_name)
        if isinstance(queue, SignalledQueue):
            queue.wake()


class _ConsumerThread(ConsumerThread):  # type: ignore[misc]
    """dramatiq's consumer thread; its consumer waits until its earliest delayed message
    (`delay_queue`, ordered by eta) is due, and is woken when the thread is stopped."""

    def __init__(self, *, broker: InProcessBroker, **kwargs: Any) -> None:
        super().__init__(broker=broker, **kwargs)
        self.in_process_broker = broker
        broker._threads[self.queue_name] = self

    def seconds_to_next_due(self) -> float | None:
        delayed = self.delay_queue
        with delayed.mutex:
            if not delayed.queue:
                return None
            eta = delayed.queue[0].priority
        # One millisecond over: dramatiq compares whole milliseconds (`current_millis`).
        return max(0.0, (eta + 1 - time.time() * 1000) / 1000)

    def stopping(self) -> bool:
        return not self.running

    def stop(self) -> None:
        super().stop()
        self.in_process_broker.wake(self.queue_name)


class _WorkerThread(WorkerThread):  # type: ignore[misc]
    def stop(self) -> None:
        super().stop()
        if isinstance(self.work_queue, _WorkQueue):
            self.work_queue.close()


class InProcessWorker(dramatiq.Worker):  # type: ignore[misc]
    """dramatiq's Worker for an InProcessBroker: threads that wait on signals (see above)."""

    def __init__(self, broker: InProcessBroker, *, worker_threads: int) -> None:
        super().__init__(broker, worker_threads=worker_threads, worker_timeout=SATURATED_WAIT_MS)
        self.in_process_broker = broker
        self.work_queue = _WorkQueue()

    def _add_consumer(self, queue_name: str, *, delay: bool = False) -> None:
        # dramatiq's, with our thread class.
        if queue_name in self.consumers:
            return
        if self.consumer_whitelist and q_name(queue_name) not in self.consumer_whitelist:
            return
        consumer = self.consumers[queue_name] = _ConsumerThread(
            broker=self.in_process_broker,
            queue_name=queue_name,
            prefetch=self.delay_prefetch if delay else self.queue_prefetch,
            work_queue=self.work_queue,
            worker_timeout=self.worker_timeout,
        )
        consumer.start()

    def _add_worker(self) -> None:
        worker = _WorkerThread(
            broker=self.broker,
            consumers=self.consumers,
            work_queue=self.work_queue,
            worker_timeout=self.worker_timeout,
        )
        worker.start()
        self.workers.append(worker)
