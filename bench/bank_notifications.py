"""Bank notifications: how many payment notifications per second are verified and applied.

Builds the app in this process (embedded default on a temporary SQLite file and simulators;
the HIS confirmation jobs the payments set off are queued, not run) and serves it with
uvicorn on a loopback port, as `hospital-bff serve` does; puts N orders with a PENDING bank
payment straight into the database, then has another process send each its
TRANSACTION.SUCCESS notification, encrypted and signed exactly as WeChat Pay does (the
simulator's platform key), to POST /webhooks/bank at a given concurrency, through a lean
keep-alive client (tests/fixtures/lean_http.py): with httpx in the server's process the
figure was mostly the sender's CPU and its garbage. Counts the notifications per second
until the last 204, checks every payment SUCCEEDED, and prints the server's CPU per
notification and its collections apart from the sender's. Target: >= 1,000/s.

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

import uvicorn
from sqlmodel import func, select

from hospital_bff.app import create_app
from hospital_bff.config import Settings
from hospital_bff.datasources.wechatpay_crypto import seal_resource, signed_headers
from hospital_bff.gc_pauses import pause_summary, reset_pauses
from hospital_bff.jobs import broker as broker_mod

# The process and population fixtures live with the tests (tests/fixtures/).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.cluster import free_port
from fixtures.lean_http import LeanClient, LeanHTTPError
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
        notices = tmp / "notices.jsonl"
        with notices.open("w") as out:
            for i, (_, out_trade_no) in enumerate(made):
                body, headers = sealed(app, runtime, out_trade_no, i)
                out.write(json.dumps({"body": body.decode(), "headers": headers}) + "\n")
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None)
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 (uvicorn sets a flag, no event)
            await asyncio.sleep(0.01)
        sender = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--send",
            str(notices),
            "--url",
            f"http://127.0.0.1:{port}/webhooks/bank",
            "--concurrency",
            str(args.concurrency),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert sender.stdin is not None
        assert sender.stdout is not None
        await sender.stdout.readline()  # read its notifications, connected: ready
        # The set-up's objects (orders seeded, notifications sealed) go through the collector
        # once here, as a server's start-up does before its freeze, not inside the measure.
        gc.collect()
        reset_pauses()
        cpu_started = time.process_time()
        sender.stdin.write(b"go\n")
        await sender.stdin.drain()
        sent = json.loads(await sender.stdout.readline())
        cpu = time.process_time() - cpu_started
        pauses = pause_summary()
        await sender.wait()
        server.should_exit = True
        await serving
        async with runtime.sessions() as session:
            succeeded = (
                await session.exec(
                    select(func.count()).select_from(Payment).where(Payment.status == "SUCCEEDED")
                )
            ).one()
    n = args.notifications
    statuses = {int(k): v for k, v in sent["statuses"].items()}
    print(
        f"notifications       {n} TRANSACTION.SUCCESS, concurrency {args.concurrency},"
        " uvicorn on loopback, SQLite, the sender in a process of its own"
    )
    print(f"answers             {dict(sorted(statuses.items()))}")
    print(f"payments SUCCEEDED  {succeeded} of {n}")
    print(f"verified + applied  {n / sent['seconds']:.0f}/s   target >= {TARGET}/s")
    print(
        f"server CPU          {cpu / n * 1000:.2f} ms per notification:"
        f" {n / cpu:.0f}/s on a core of its own"
    )
    sender_ms = sent["cpu"] / n * 1000
    print(f"sender CPU          {sender_ms:.2f} ms per notification (not the server's)")
    print_gc_and_load(pauses)
    return 0 if succeeded == n and statuses.get(204) == n else 1


async def send_all(path: Path, url: str, concurrency: int) -> None:
    """The sender's process: each notification POSTed as signed, `concurrency` at once."""
    notices = [json.loads(line) for line in path.read_text().splitlines()]  # noqa: ASYNC240
    bodies = [(n["body"].encode(), n["headers"]) for n in notices]
    http = LeanClient(max_connections=concurrency)
    statuses: dict[int, int] = {}

    async def send(body: bytes, headers: dict[str, str]) -> None:
        try:
            status, _, _ = await http.post(url, body, headers)
        except LeanHTTPError:
            status = 0  # no answer: counted apart from every HTTP status
        statuses[status] = statuses.get(status, 0) + 1

    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(send(b, h) for b, h in bodies))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    await http.aclose()
    print(json.dumps({"statuses": statuses, "seconds": seconds, "cpu": cpu}), flush=True)


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
    parser.add_argument("--send", type=Path, help=argparse.SUPPRESS)  # the sender's process
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.send is not None:
        asyncio.run(send_all(args.send, args.url, args.concurrency))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(scenario(Path(tmp), args))


if __name__ == "__main__":
    raise SystemExit(main())
