"""Booking burst: N patients try to book a schedule of C places at once, across server processes.

Starts `hospital-bff sim` and S x `hospital-bff serve` on PostgreSQL and Redis (loopback only),
then prints bookings per second, p50/p99 latency, and the outcome counts. Successes must equal
the capacity and errors must be 0, or it exits non-zero.

    python bench/booking_burst.py --attempts 2000 --places 200 --servers 2
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from hospital_bff.clock import Clock

# The process and population fixtures live with the tests (tests/fixtures/).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.cluster import start_cluster
from fixtures.population import burst, make_population, size_schedule


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attempts", type=int, default=2000)
    parser.add_argument("--places", type=int, default=200)
    parser.add_argument("--per-slot", type=int, default=25)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=400)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory() as tmp,
        start_cluster(
            Path(tmp),
            postgres_admin_url=args.postgres,
            database="bff_bench",
            redis_url=args.redis,
            servers=args.servers,
        ) as cluster,
    ):
        day = Clock().today() + timedelta(days=3)

        async def run() -> int:
            slots = await size_schedule(
                cluster.sim_his, f"sch-exp-yk-1-{day:%Y%m%d}-AM", args.places, args.per_slot
            )
            bookers = await make_population(
                cluster.settings, cluster.sim_his, args.attempts, prefix="bench"
            )
            result = await burst(cluster.servers, bookers, slots, concurrency=args.concurrency)
            ok = result.outcomes.get("OK", 0)
            print(f"servers             {args.servers} (+1 simulator process), PostgreSQL + Redis")
            print(
                f"attempts            {args.attempts} for {args.places} places,"
                f" concurrency {args.concurrency}"
            )
            print(f"outcomes            {dict(sorted(result.outcomes.items()))}")
            print(f"wall time           {result.seconds:.2f} s")
            print(f"attempts per second {args.attempts / result.seconds:.0f}")
            print(f"bookings per second {ok / result.seconds:.1f} (successful bookings)")
            print(f"latency p50         {result.percentile(50) * 1000:.0f} ms")
            print(f"latency p99         {result.percentile(99) * 1000:.0f} ms")
            if result.errors:
                print("first errors:", *result.errors[:3], sep="\n  ")
            return 0 if ok == args.places and not result.errors else 1

        return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
