"""Notices fan-out: 1,000 subscribers, one event, how long until every client has it.

Starts `hospital-bff serve` with the embedded default in a temporary folder (loopback only),
opens N ScheduleAvailability subscriptions on one schedule (over sockets of 20, the
per-socket default; the per-address limits are raised by env since every socket comes from
127.0.0.1), then books places on that schedule one after another: each booking publishes
one event after its commit, which the process's one pub/sub listener fans out to every
subscriber. For each booking it records, per client, the time from the booking's answer to
the update's arrival. Prints p50/p99/max over all deliveries beside the target (p99 < 1 s),
and the server's resident memory per open subscriber.

    python bench/notices.py --subscribers 1000 --events 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import websockets

from hospital_bff.clock import Clock

# The process and population fixtures live with the tests (tests/fixtures/).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.cluster import start_embedded
from fixtures.population import BOOK, make_population

WATCH = """
subscription ScheduleAvailability($scheduleId: ID!) {
  scheduleUpdated(scheduleId: $scheduleId) { id status remaining }
}"""
PER_SOCKET = 20
TARGET_P99_MS = 1000


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of process `pid`, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


async def scenario(url: str, pid: int, sim_his: str, settings: Any, args: Any) -> int:
    day = Clock().today() + timedelta(days=2)
    schedule_id = f"sch-exp-nk-1-{day:%Y%m%d}-AM"
    async with httpx.AsyncClient(timeout=30) as http:
        slots = (
            await http.get(
                f"{url}/graphql",
                params={
                    "query": "query($d: ID!, $day: Date!) { schedules(departmentId: $d, "
                    "from: $day, to: $day) { id slots { id remaining } } }",
                    "variables": json.dumps({"d": "dep-nk", "day": day.isoformat()}),
                },
            )
        ).json()["data"]["schedules"]
    schedule = next(s for s in slots if s["id"] == schedule_id)
    free = [s["id"] for s in schedule["slots"] if s["remaining"] > 0]
    bookers = await make_population(settings, sim_his, args.events, prefix="notice")
    arrivals: list[list[float]] = [[] for _ in range(args.events)]
    counts = [0] * args.events
    waiting: list[asyncio.Event] = [asyncio.Event() for _ in range(args.events)]
    current = {"event": -1}
    # Each subscription's first message is the schedule as it was; the events are counted
    # after every subscriber has it.
    started: dict[str, int] = {}
    failed: list[dict[str, Any]] = []  # subscriptions whose first message was an error
    all_started = asyncio.Event()
    # The payload every subscriber should get for the current event: the first of each event
    # is read whole and checked, the others are compared with its text (reading a thousand
    # messages whole would make this client, not the server, the slowest part of what it
    # measures); one that differs is read whole and checked too.
    expected: dict[str, Any] = {"text": None}

    def check(message: dict[str, Any], remaining: int) -> None:
        update = message["payload"]["data"]["scheduleUpdated"]
        if update["id"] != schedule_id or update["remaining"] != remaining:
            raise AssertionError(f"expected {remaining} places left, got {message}")

    async def read(ws: Any) -> None:
        async for raw in ws:
            at = raw.find(',"type":"next","payload":')
            if at < 0:
                continue  # only `next` messages carry updates
            event = current["event"]
            if event < 0:
                message = json.loads(raw)
                data = message["payload"].get("data")
                if data is None:
                    failed.append(message)
                else:
                    started[message["id"]] = data["scheduleUpdated"]["remaining"]
                if len(started) + len(failed) == args.subscribers:
                    all_started.set()
                continue
            arrivals[event].append(time.perf_counter())
            payload = raw[at:]
            if payload != expected["text"]:
                check(json.loads(raw), expected["remaining"] - event - 1)
                expected["text"] = payload if counts[event] == 0 else expected["text"]
            counts[event] += 1
            if counts[event] == args.subscribers:
                waiting[event].set()

    before = rss_kib(pid)
    async with AsyncExitStack() as stack, httpx.AsyncClient(base_url=url, timeout=60) as http:
        readers: list[asyncio.Task[None]] = []
        socket: Any = None
        for n in range(args.subscribers):
            if n % PER_SOCKET == 0:
                socket = await stack.enter_async_context(
                    websockets.connect(
                        url.replace("http://", "ws://") + "/graphql",
                        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                        # Its keep-alive pings are not what is measured; on a loaded machine a
                        # late pong closed sockets (1011) before the events were sent.
                        ping_interval=None,
                    )
                )
                await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
                assert json.loads(await socket.recv())["type"] == "connection_ack"
                readers.append(asyncio.create_task(read(socket)))
            payload = {"query": WATCH, "variables": {"scheduleId": schedule_id}}
            await socket.send(json.dumps({"id": str(n), "type": "subscribe", "payload": payload}))
        try:
            await asyncio.wait_for(all_started.wait(), timeout=180)
        except TimeoutError:
            raise RuntimeError(
                f"{len(started)} of {args.subscribers} subscriptions started in 180 s"
            ) from None
        if failed:
            raise RuntimeError(f"{len(failed)} subscriptions failed to start, e.g. {failed[0]}")
        if len(set(started.values())) != 1:
            raise AssertionError(f"the subscriptions started from different states: {started}")
        expected["remaining"] = next(iter(started.values()))
        assert _open((await http.get("/metrics")).text) == args.subscribers
        after = rss_kib(pid)
        # For a profiler to attach to the server for the events alone.
        print(f"{args.subscribers} subscriptions open; events follow", file=sys.stderr, flush=True)
        delays: list[float] = []
        missing = 0
        server_cpu, client_cpu = cpu_seconds(pid), time.process_time()
        for event in range(args.events):
            current["event"] = event
            booker = bookers[event]
            variables = {
                "input": {
                    "patientId": booker.patient_id,
                    "slotId": free[event % len(free)],
                    "idempotencyKey": f"notice-{event}",
                }
            }
            response = await http.post(
                "/graphql",
                json={"query": BOOK, "variables": variables},
                headers={"Authorization": f"Bearer {booker.token}"},
            )
            answered = time.perf_counter()
            booked = response.json()["data"]["bookAppointment"]
            assert booked["__typename"] == "BookAppointmentSuccess", booked
            try:
                await asyncio.wait_for(waiting[event].wait(), timeout=30)
            except TimeoutError:
                missing += args.subscribers - counts[event]
            delays.extend(max(0.0, t - answered) for t in arrivals[event])
            await asyncio.sleep(0.5)  # let stragglers of one event not count for the next
        server_cpu, client_cpu = cpu_seconds(pid) - server_cpu, time.process_time() - client_cpu
        for task in readers:
            task.cancel()
    p99 = percentile(delays, 0.99)
    per_subscriber = (after - before) / args.subscribers
    print(
        f"subscribers         {args.subscribers} on one schedule, {args.subscribers // PER_SOCKET}"
        f" sockets, embedded default"
    )
    print(f"events              {args.events} bookings, each fanned out to every subscriber")
    print(
        f"deliveries          {len(delays)} of {args.events * args.subscribers} (missing {missing})"
    )
    print(
        f"event to client     p50 {percentile(delays, 0.5):.0f} ms, p99 {p99:.0f} ms,"
        f" max {max(delays) * 1000:.0f} ms   target p99 < {TARGET_P99_MS} ms"
    )
    print(
        f"server memory       {before / 1024:.0f} MiB before, {after / 1024:.0f} MiB with them"
        f" open: {per_subscriber:.1f} KiB per subscriber"
    )
    per_delivery = 1e6 / max(1, len(delays))
    print(
        f"CPU per delivery    server {server_cpu * per_delivery:.0f} us, this client"
        f" {client_cpu * per_delivery:.0f} us (the {args.events} bookings included)"
    )
    return 0 if not missing and p99 < TARGET_P99_MS else 1


def _open(text: str) -> float:
    for line in text.splitlines():
        if line.startswith("bff_open_subscriptions "):
            return float(line.split()[1])
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=5)
    args = parser.parse_args()
    limits = {
        "BFF_SUBSCRIPTIONS_PER_ADDRESS": str(args.subscribers),
        "BFF_WEBSOCKETS_PER_ADDRESS": str(args.subscribers),
    }
    with tempfile.TemporaryDirectory() as tmp, start_embedded(Path(tmp), extra_env=limits) as c:
        pid = c.pids[0]
        return asyncio.run(scenario(c.servers[0], pid, c.sim_his, c.settings, args))


if __name__ == "__main__":
    raise SystemExit(main())
