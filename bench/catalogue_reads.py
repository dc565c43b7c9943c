"""Catalogue reads: what the most frequent screens (departments, a department's schedules with
remaining places) cost on one server process, and how much memory that process holds.

Starts `hospital-bff serve` with the embedded default in a temporary folder (loopback only),
sends N queries at a given concurrency, and prints requests per second, p50/p99 latency,
the HIS calls per query (from /metrics) and the server's resident memory before and after.

    python bench/catalogue_reads.py --requests 3000 --concurrency 50
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

from hospital_bff.clock import Clock

# The process and population fixtures live with the tests (tests/fixtures/).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.cluster import base_env, free_port, running

SCHEDULES = """
query S($d: ID!, $from: Date!, $to: Date!) {
  schedules(departmentId: $d, from: $from, to: $to) {
    id date period status fee remaining expert { id name title } slots { id startsAt remaining }
  }
}"""
DEPARTMENTS = (
    "{ departments { id name intro restriction { sex minAge maxAge } children { id name } } }"
)


def rss_mib(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else 0.0


def his_calls(url: str) -> float:
    metrics = httpx.get(f"{url}/metrics").text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("bff_upstream_calls_total{") and 'system="his"' in line
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    today = Clock().today()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = base_env(BFF_LOG_LEVEL="WARNING")
        with running(
            ["serve", "--port", str(port)],
            env=env,
            cwd=Path(tmp),
            ready_url=f"{url}/healthz",
            log=Path(tmp) / "serve.log",
        ) as proc:
            before = rss_mib(proc.pid)
            calls_before = his_calls(url)
            latencies: list[float] = []
            errors = 0

            async def run() -> float:
                nonlocal errors
                sem = asyncio.Semaphore(args.concurrency)
                limits = httpx.Limits(max_connections=args.concurrency)
                async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

                    async def one(i: int) -> None:
                        nonlocal errors
                        if i % 2:
                            payload = {"query": DEPARTMENTS}
                        else:
                            day = today + timedelta(days=i % 7)
                            dep = ("dep-nk", "dep-wk", "dep-yk", "dep-ek")[i % 4]
                            payload = {
                                "query": SCHEDULES,
                                "variables": {
                                    "d": dep,
                                    "from": day.isoformat(),
                                    "to": day.isoformat(),
                                },
                            }
                        async with sem:
                            started = time.perf_counter()
                            r = await client.post("/graphql", json=payload)
                            latencies.append(time.perf_counter() - started)
                            if r.status_code != 200 or "errors" in r.json():
                                errors += 1

                    started = time.perf_counter()
                    await asyncio.gather(*(one(i) for i in range(args.requests)))
                    return time.perf_counter() - started

            seconds = asyncio.run(run())
            after = rss_mib(proc.pid)
            calls = his_calls(url) - calls_before
    latencies.sort()
    print(
        f"requests            {args.requests} (half Departments, half DepartmentSchedules),"
        f" concurrency {args.concurrency}"
    )
    print(f"errors              {errors}")
    print(f"requests per second {args.requests / seconds:.0f}")
    print(f"latency p50         {latencies[len(latencies) // 2] * 1000:.1f} ms")
    print(f"latency p99         {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms")
    print(
        f"HIS calls per query {calls / args.requests:.3f} (cache: catalogue 300 s, schedules 3 s)"
    )
    print(f"server RSS          {before:.0f} MiB before, {after:.0f} MiB after")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
