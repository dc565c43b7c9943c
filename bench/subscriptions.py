"""Open subscriptions and everyone else: does holding 1,000 subscriptions slow the queries?

Starts `hospital-bff serve` with the embedded default in a temporary folder (loopback only),
measures the Departments query (p50/p99 at a given concurrency) with no subscription open,
then opens N ScheduleAvailability subscriptions spread over many sockets (within the
per-socket limit; the per-address limit is raised by env, since every socket here comes from
127.0.0.1), waits until the server reports them open (/metrics), measures again, and prints
both side by side, with /healthz during the second run. Target: p99 unchanged, /healthz 200.

    python bench/subscriptions.py --subscriptions 1000 --requests 2000 --concurrency 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from fixtures.cluster import base_env, free_port, running

DEPARTMENTS = "{ departments { id name children { id name } } }"
SCHEDULES = """
query S($d: ID!, $day: Date!) { schedules(departmentId: $d, from: $day, to: $day) { id } }"""
WATCH = """
subscription ScheduleAvailability($scheduleId: ID!) {
  scheduleUpdated(scheduleId: $scheduleId) { id status remaining }
}"""
PER_SOCKET = 20  # the default subscriptions_per_connection


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def open_subscriptions(text: str) -> float:
    for line in text.splitlines():
        if line.startswith("bff_open_subscriptions "):
            return float(line.split()[1])
    return 0.0


async def measure(url: str, requests: int, concurrency: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def one() -> None:
            nonlocal errors
            async with sem:
                started = time.perf_counter()
                r = await client.post("/graphql", json={"query": DEPARTMENTS})
                latencies.append(time.perf_counter() - started)
                if r.status_code != 200 or "errors" in r.json():
                    errors += 1

        await asyncio.gather(*(one() for _ in range(requests)))
    return latencies, errors


async def schedule_ids(url: str) -> list[str]:
    day = (Clock().today() + timedelta(days=1)).isoformat()
    ids: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for dep in ("dep-nk", "dep-wk", "dep-yk", "dep-ek"):
            r = await client.post(
                "/graphql", json={"query": SCHEDULES, "variables": {"d": dep, "day": day}}
            )
            ids += [s["id"] for s in r.json()["data"]["schedules"]]
    return ids


async def scenario(url: str, args: argparse.Namespace) -> dict[str, Any]:
    # Warm-up: the catalogue is loaded from the HIS once, then served from the cache.
    await measure(url, 500, args.concurrency)
    idle, idle_errors = await measure(url, args.requests, args.concurrency)
    ids = await schedule_ids(url)
    async with AsyncExitStack() as stack, httpx.AsyncClient(base_url=url, timeout=60) as http:
        sockets: list[Any] = []
        failures: list[dict[str, Any]] = []
        readers: list[asyncio.Task[None]] = []  # any error or completion a subscription answered

        async def read(ws: Any) -> None:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") in ("error", "complete") or message.get("payload", {}).get(
                    "errors"
                ):
                    failures.append(message)

        for n in range(args.subscriptions):
            if n % PER_SOCKET == 0:
                ws = await stack.enter_async_context(
                    websockets.connect(
                        url.replace("http://", "ws://") + "/graphql",
                        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                    )
                )
                await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
                assert json.loads(await ws.recv())["type"] == "connection_ack"
                sockets.append(ws)
                readers.append(asyncio.create_task(read(ws)))
            payload = {"query": WATCH, "variables": {"scheduleId": ids[n % len(ids)]}}
            await sockets[-1].send(
                json.dumps({"id": str(n), "type": "subscribe", "payload": payload})
            )
        deadline = time.monotonic() + 60
        while open_subscriptions((await http.get("/metrics")).text) < args.subscriptions:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the subscriptions did not all open in 60 s: {failures[:3]}")
            await asyncio.sleep(0.2)
        loaded, loaded_errors = await measure(url, args.requests, args.concurrency)
        health = await http.get("/healthz")
        metrics = (await http.get("/metrics")).text
        for task in readers:
            task.cancel()
    return {
        "idle": idle,
        "idle_errors": idle_errors,
        "loaded": loaded,
        "loaded_errors": loaded_errors,
        "sockets": len(sockets),
        "schedules": min(len(ids), args.subscriptions),
        "health": health.status_code,
        "open": open_subscriptions(metrics),
        "failures": len(failures),
        "failure": failures[0] if failures else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = base_env(
            BFF_LOG_LEVEL="ERROR",
            BFF_SUBSCRIPTIONS_PER_ADDRESS=str(args.subscriptions),
            BFF_WEBSOCKETS_PER_ADDRESS=str(args.subscriptions),
        )
        with running(
            ["serve", "--port", str(port)],
            env=env,
            cwd=Path(tmp),
            ready_url=f"{url}/healthz",
            log=Path(tmp) / "serve.log",
        ):
            result = asyncio.run(scenario(url, args))
    print(
        f"Departments query, {args.requests} requests at concurrency {args.concurrency};"
        f" {result['open']:.0f} ScheduleAvailability subscriptions over {result['sockets']}"
        f" sockets and {result['schedules']} schedules in the second column"
    )
    print(f"{'':22}{'0 subscriptions':>18}{f'{args.subscriptions} subscriptions':>20}")
    for label, p in (("latency p50 (ms)", 0.5), ("latency p99 (ms)", 0.99)):
        print(
            f"{label:22}{percentile(result['idle'], p):>18.1f}"
            f"{percentile(result['loaded'], p):>20.1f}"
        )
    print(f"{'errors':22}{result['idle_errors']:>18}{result['loaded_errors']:>20}")
    print(f"/healthz with the subscriptions open: {result['health']}")
    print(f"subscriptions answered with an error or ended: {result['failures']}")
    if result["failure"]:
        print(f"  the first: {json.dumps(result['failure'], ensure_ascii=False)[:300]}")
    print("target: p99 unchanged (within noise); /healthz 200")
    return 0 if result["health"] == 200 and not result["loaded_errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
