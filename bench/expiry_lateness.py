"""Expiry lateness: how late a delayed expire_order job closes its order after its window ends.

Builds the app in this process (embedded default: a temporary SQLite file, the in-process
broker and worker threads, as `hospital-bff serve` runs them), puts N unpaid orders into the
database with their windows ending over the next few seconds, and enqueues each order's
expire_order job with the delay a booking gives it. Each order's lateness is its closed_at
minus its expires_at (the hospital clock, real time here). Prints p50/p90/max beside the
target (p90 <= 150 ms).

    python bench/expiry_lateness.py --orders 100 --spread 5
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlmodel import col, func, select

from hospital_bff.app import create_app
from hospital_bff.config import Settings
from hospital_bff.gc_pauses import pause_summary, reset_pauses
from hospital_bff.jobs.enqueue import send_now

# The process and population fixtures live with the tests (tests/fixtures/).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.population import seed_awaiting_orders
from hospital_bff.store.models import Order

TARGET_P90_MS = 150
TARGET_GC_PAUSE_MS = 5


async def scenario(tmp: Path, args: argparse.Namespace) -> int:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp}/bff.db",
        bank_keys_dir=tmp / "keys",
        public_url="http://127.0.0.1:8000",
        his_base_url="http://127.0.0.1:8000/sim/his",
        bank_base_url="http://127.0.0.1:8000/sim/bank",
        wechat_base_url="http://127.0.0.1:8000/sim/wechat",
        scheduler_enabled=False,  # the sweep would expire them too; only the jobs count here
        log_level="WARNING",
        gc_freeze_after_start=True,  # as `hospital-bff serve` runs it
    )
    app = create_app(settings, self_transport=True)
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        start = runtime.clock.now() + timedelta(seconds=1)
        step = args.spread / args.orders
        due = [start + timedelta(seconds=i * step) for i in range(args.orders)]
        made = await seed_awaiting_orders(
            runtime, args.orders, expires_at=due, with_payments=False, prefix="ex"
        )
        # The set-up's objects (orders seeded, notifications sealed) go through the collector
        # once here, as a server's start-up does before its freeze, not inside the measure.
        gc.collect()
        reset_pauses()
        now = runtime.clock.now()
        for (order_id, _), at in zip(made, due, strict=True):
            send_now("expire_order", order_id, delay_ms=int((at - now).total_seconds() * 1000))
        deadline = time.monotonic() + args.spread + 60
        ids = [order_id for order_id, _ in made]
        # Counted while they expire, read once at the end: reading every order whole each
        # half second made this process's own polling a tenth of its CPU and most of its
        # collections (the longest of them), inside the measure, in the expiries' loop.
        expired = (
            select(func.count())
            .select_from(Order)
            .where(col(Order.id).in_(ids), Order.status == "EXPIRED")
        )
        while True:
            async with runtime.sessions() as session:
                count = (await session.exec(expired)).one()
            if count == len(ids) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        pauses = pause_summary()
        async with runtime.sessions() as session:
            rows = list((await session.exec(select(Order).where(col(Order.id).in_(ids)))).all())
        done = [r for r in rows if r.status == "EXPIRED"]
    late = sorted((r.closed_at - r.expires_at).total_seconds() * 1000 for r in done if r.closed_at)

    def pct(p: float) -> float:
        return late[min(len(late) - 1, int(len(late) * p))] if late else float("nan")

    print(
        f"orders              {args.orders}, windows ending over {args.spread:.0f} s"
        f" ({args.orders / args.spread:.0f}/s), in-process broker and workers (embedded default)"
    )
    print(f"expired by its job  {len(done)} of {args.orders}")
    print(
        f"lateness            p50 {pct(0.5):.0f} ms, p90 {pct(0.9):.0f} ms, max {pct(1.0):.0f} ms"
        f"   target p90 <= {TARGET_P90_MS} ms"
    )
    print(
        f"GC pauses           {pauses['count']:.0f} collections ({pauses['full']:.0f} full),"
        f" p99 {pauses['p99'] * 1000:.1f} ms, max {pauses['max'] * 1000:.1f} ms wall,"
        f" {pauses['max_cpu'] * 1000:.1f} ms CPU"
        f"   target <= {TARGET_GC_PAUSE_MS} ms"
    )
    print(f"load average        {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0 if len(done) == args.orders and pct(0.9) <= TARGET_P90_MS else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--spread", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(scenario(Path(tmp), args))


if __name__ == "__main__":
    raise SystemExit(main())
