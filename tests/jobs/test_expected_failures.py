"""A job that meets an outage (the bank, the HIS, Redis) is retried with one warning line and
no traceback; a bug still logs its traceback, once."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from redis.exceptions import ConnectionError as RedisConnectionError

from hospital_bff.datasources.errors import BankUnavailable, HisUnavailable
from hospital_bff.jobs.broker import middleware
from hospital_bff.logs import configure_logging


class Streams:
    def __init__(self) -> None:
        self.out = io.StringIO()
        self.err = io.StringIO()

    def lines(self) -> list[dict[str, Any]]:
        text = self.out.getvalue() + self.err.getvalue()
        return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def streams() -> Iterator[Streams]:
    found = Streams()
    configure_logging("INFO", json=True, out=found.out, err=found.err)
    yield found
    configure_logging("INFO")


@pytest.fixture
def broker() -> Iterator[StubBroker]:
    stub = StubBroker(middleware=middleware(own_event_loop=False))
    stub.emit_after("process_boot")
    yield stub
    stub.close()


def _run(broker: StubBroker) -> None:
    worker = dramatiq.Worker(broker, worker_timeout=50)
    worker.start()
    try:
        broker.join("default", fail_fast=False, timeout=60_000)
        worker.join()
    finally:
        worker.stop()


@pytest.mark.parametrize(
    "outage",
    [
        BankUnavailable("bank answered 503"),
        HisUnavailable("his circuit open", system="his"),
        RedisConnectionError("Connection refused"),
    ],
    ids=["bank", "his-circuit", "redis"],
)
def test_an_outage_is_one_warning_and_a_retry(
    broker: StubBroker, streams: Streams, outage: Exception
) -> None:
    tries: list[int] = []

    @dramatiq.actor(broker=broker, queue_name="default", min_backoff=1, max_backoff=2)
    def send_refund(refund_id: str) -> None:
        tries.append(1)
        if len(tries) == 1:
            raise outage

    send_refund.send("rf_1")
    _run(broker)

    assert len(tries) == 2, "retried after the outage"
    lines = streams.lines()
    [warning] = [line for line in lines if line["event"] == "job_waits_for_outage"]
    assert warning["level"] == "warning" and warning["actor"] == "send_refund"
    assert type(outage).__name__ in warning["error"]
    assert not [line for line in lines if "exception" in line], lines
    assert not [line for line in lines if "Failed to process" in line["event"]], lines


def test_a_bug_keeps_one_plain_traceback(broker: StubBroker, streams: Streams) -> None:
    @dramatiq.actor(broker=broker, queue_name="default", max_retries=0)
    def push_notice(notice_id: str) -> None:
        raise RuntimeError("a bug")

    push_notice.send("nt_1")
    _run(broker)

    with_traceback = [line for line in streams.lines() if "exception" in line]
    [bug] = with_traceback
    assert bug["level"] == "error" and "Failed to process message" in bug["event"]
    assert bug["exception"].startswith("Traceback (most recent call last)")
    assert "RuntimeError: a bug" in bug["exception"]
