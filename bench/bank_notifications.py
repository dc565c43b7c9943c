"""Bank notifications: how many payment notifications per second are verified and applied.

Builds the app in this process (embedded default on a temporary SQLite file and simulators;
the HIS confirmation jobs the payments set off are queued, not run), puts N orders with a
PENDING bank payment straight into the database, then sends each its TRANSACTION.SUCCESS
notification, encrypted and signed exactly as WeChat Pay does (the simulator's platform key),
to POST /webhooks/bank at a given concurrency, through the whole ASGI stack. Counts the
notifications per second until the last 204, and checks every payment SUCCEEDED. Target:
>= 1,000/s.

    python bench/bank_notifications.py --notifications 2000 --concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import func, select

from hospital_bff.app import create_app
from hospital_bff.config import Settings
from hospital_bff.datasources.wechatpay_crypto import seal_resource, signed_headers
from hospital_bff.gc_pauses import pause_summary, reset_pauses
from hospital_bff.jobs import broker as broker_mod

# The process and population fixtures live with the tests (tests/fixtures/).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.population import seed_awaiting_orders
from hospital_bff.store.models import Payment

TARGET = 1000
TARGET_GC_PAUSE_MS = 5


def sealed(app: Any, runtime: Any, out_trade_no: str, i: int) -> tuple[bytes, dict[str, str]]:
    notifier = app.state.simulators["bank"].state.bank_notifier
    now = runtime.clock.now()
    resource = {
        "appid": runtime.settings.bank_app_id,
        "mchid": runtime.settings.bank_mch_id,
        "out_trade_no": out_trade_no,
        "transaction_id": f"4200{i:024d}",
        "trade_type": "MWEB",
        "trade_state": "SUCCESS",
        "success_time": now.isoformat(),
        "amount": {"total": 5000, "payer_total": 5000, "currency": "CNY"},
    }
    envelope = {
        "id": f"bench-{i}",
        "create_time": now.isoformat(),
        "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS",
        "summary": "支付成功",
        "resource": seal_resource(notifier.apiv3_key, resource, original_type="transaction"),
    }
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    headers = signed_headers(
        notifier.keys.platform_key, notifier.keys.platform_serial, body, now=now
    )
    headers["Content-Type"] = "application/json"
    return body, headers


async def scenario(tmp: Path, args: argparse.Namespace) -> int:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp}/bff.db",
        bank_keys_dir=tmp / "keys",
        public_url="http://127.0.0.1:8000",
        his_base_url="http://127.0.0.1:8000/sim/his",
        bank_base_url="http://127.0.0.1:8000/sim/bank",
        wechat_base_url="http://127.0.0.1:8000/sim/wechat",
        log_level="WARNING",
        gc_freeze_after_start=True,  # as `hospital-bff serve` runs it
    )
    app = create_app(settings, self_transport=True)
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        # The HIS confirmations the payments set off wait in a broker nobody consumes: this
        # measures the notification's own path (verify, decrypt, settle, remember).
        broker_mod.install(broker_mod.build_broker(None))
        due = runtime.clock.now()
        made = await seed_awaiting_orders(
            runtime,
            args.notifications,
            expires_at=[due.replace(year=due.year + 1)] * args.notifications,
            with_payments=True,
            prefix="bn",
        )
        notices = [sealed(app, runtime, out, i) for i, (_, out) in enumerate(made)]
        statuses: dict[int, int] = {}
        sem = asyncio.Semaphore(args.concurrency)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=settings.public_url) as http:

            async def send(body: bytes, headers: dict[str, str]) -> None:
                async with sem:
                    r = await http.post("/webhooks/bank", content=body, headers=headers)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

            # The set-up's objects (orders seeded, notifications sealed) go through the collector
            # once here, as a server's start-up does before its freeze, not inside the measure.
            gc.collect()
            reset_pauses()
            started, cpu_started = time.perf_counter(), time.process_time()
            await asyncio.gather(*(send(b, h) for b, h in notices))
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            pauses = pause_summary()
        async with runtime.sessions() as session:
            succeeded = (
                await session.exec(
                    select(func.count()).select_from(Payment).where(Payment.status == "SUCCEEDED")
                )
            ).one()
    rate = args.notifications / seconds
    print(
        f"notifications       {args.notifications} TRANSACTION.SUCCESS, concurrency"
        f" {args.concurrency}, in-process app on SQLite"
    )
    print(f"answers             {dict(sorted(statuses.items()))}")
    print(f"payments SUCCEEDED  {succeeded} of {args.notifications}")
    print(f"verified + applied  {rate:.0f}/s   target >= {TARGET}/s")
    print(
        f"CPU                 {cpu / args.notifications * 1000:.2f} ms per notification"
        f" (sender included): {args.notifications / cpu:.0f}/s on a core of its own"
    )
    print_gc_and_load(pauses)
    return 0 if succeeded == args.notifications and statuses.get(204) == args.notifications else 1


def print_gc_and_load(pauses: dict[str, float]) -> None:
    print(
        f"GC pauses           {pauses['count']:.0f} collections ({pauses['full']:.0f} full),"
        f" p99 {pauses['p99'] * 1000:.1f} ms, max {pauses['max'] * 1000:.1f} ms wall,"
        f" {pauses['max_cpu'] * 1000:.1f} ms CPU"
        f"   target <= {TARGET_GC_PAUSE_MS} ms"
    )
    print(f"load average        {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notifications", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(scenario(Path(tmp), args))


if __name__ == "__main__":
    raise SystemExit(main())
