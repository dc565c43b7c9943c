"""Load-test tooling shared by bench/ and the concurrency tests: a population of verified users,
each with one bound patient, ready to book; and a burst of bookings against running servers.

It writes users straight into the database (signing in 2,000 people through WeChat would
measure the sign-in, not the booking) and registers their patients at the HIS simulator.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert
from sqlmodel import SQLModel

from hospital_bff.clock import Clock
from hospital_bff.config import Settings
from hospital_bff.services.national_id import check_digit, mask_id_number
from hospital_bff.store.db import create_engine
from hospital_bff.tokens import TokenService

BOOK = """
mutation Book($input: BookAppointmentInput!) {
  bookAppointment(input: $input) {
    __typename
    ... on BookAppointmentSuccess { order { id status } }
    ... on UserError { code message }
  }
}"""


@dataclass(frozen=True)
class Booker:
    token: str
    patient_id: str


def _id_number(i: int) -> str:
    first17 = f"1101051980{(i // 1000) % 12 + 1:02d}{(i // 40) % 28 + 1:02d}{i % 1000:03d}"
    return first17 + check_digit(first17)


async def make_population(
    settings: Settings, sim_his_url: str, count: int, *, prefix: str = "load"
) -> list[Booker]:
    """`count` verified users with one self-pay adult patient each, and their tokens."""
    clock = Clock(settings.tz)
    now = clock.now()
    async with httpx.AsyncClient(timeout=30) as http:
        sem = asyncio.Semaphore(50)

        async def register(i: int) -> str:
            async with sem:
                r = await http.post(
                    f"{sim_his_url}/patients",
                    json={
                        "name": f"测试{i}",
                        "idNumber": _id_number(i),
                        "phone": "13800000000",
                        "insurance": "SELF_PAY",
                    },
                )
                r.raise_for_status()
                return str(r.json()["id"])

        patient_ids = await asyncio.gather(*(register(i) for i in range(count)))
    engine = create_engine(settings.database_url)
    users: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    bindings: list[dict[str, Any]] = []
    for i, pid in enumerate(patient_ids):
        uid, aid = f"usr_{prefix}{i}", f"acc_{prefix}{i}"
        users.append(
            {
                "id": uid,
                "id_number_hash": f"{prefix}-{i}",
                "id_number_enc": "-",
                "name_enc": "-",
                "masked_name": "测*",
                "phone_enc": "-",
                "restricted_until": None,
                "restriction_reason": None,
                "created_at": now,
            }
        )
        accounts.append(
            {
                "id": aid,
                "platform": "WECHAT",
                "external_id": f"o-{prefix}-{i}",
                "user_id": uid,
                "created_at": now,
                "last_sign_in_at": None,
            }
        )
        bindings.append(
            {
                "id": f"bnd_{prefix}{i}",
                "user_id": uid,
                "his_patient_id": pid,
                "relation": "SELF",
                "name": f"测试{i}",
                "masked_id_number": mask_id_number(_id_number(i)),
                "sex": "MALE",
                "birth_date": date(1980, 1, 1),
                "insurance": "SELF_PAY",
                "card_number": "-",
                "active": True,
                "bound_at": now,
                "unbound_at": None,
            }
        )
    async with engine.begin() as conn:
        for table, rows in (
            ("hospital_user", users),
            ("account", accounts),
            ("patient_binding", bindings),
        ):
            for start in range(0, len(rows), 500):
                await conn.execute(
                    insert(SQLModel.metadata.tables[table]), rows[start : start + 500]
                )
    await engine.dispose()
    tokens = TokenService(
        {kid: key.get_secret_value() for kid, key in settings.jwt_keys.items()},
        settings.jwt_active_kid,
        3600,
        clock,
    )
    return [
        Booker(
            token=tokens.issue(f"acc_{prefix}{i}", "PATIENT", f"acc_{prefix}{i}").token,
            patient_id=pid,
        )
        for i, pid in enumerate(patient_ids)
    ]


async def size_schedule(
    sim_his_url: str, schedule_id: str, places: int, per_slot: int
) -> list[str]:
    """Give a schedule exactly `places` places, `per_slot` in each of its first slots."""
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.get(
            f"{sim_his_url}/schedules", params={"ids": schedule_id}, headers=_his_headers()
        )
        r.raise_for_status()
        slots = [s["id"] for s in r.json()[0]["slots"]]
        used: list[str] = []
        left = places
        for slot_id in slots:
            take = min(per_slot, left)
            (
                await http.post(f"{sim_his_url}/slots/{slot_id}/capacity", json={"capacity": take})
            ).raise_for_status()
            if take:
                used.append(slot_id)
            left -= take
        if left:
            raise ValueError(f"schedule {schedule_id} has too few slots for {places} places")
        return used


def _his_headers() -> dict[str, str]:
    return {"X-His-Key": Settings().his_api_key.get_secret_value()}


@dataclass
class BurstResult:
    """What a burst of bookings answered (each booker's final answer), and how fast."""

    outcomes: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    # TRY_AGAIN answers, each followed by the same request again (as the app does).
    retries: int = 0
    # Connections that broke before an answer (the outcome unknown to the client): the app
    # sends the same request again, its idempotency key making that safe.
    resent_after_transport_error: int = 0
    transport_errors: list[str] = field(default_factory=list)
    # How long the TRY_AGAIN answers took: the contract says within a second.
    try_again_latencies: list[float] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.outcomes.values()) + self.retries

    def percentile(self, p: float, of: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if of is None else of)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


async def burst(
    servers: list[str],
    bookers: list[Booker],
    slots: list[str],
    *,
    concurrency: int = 200,
    retry_pause: float = 0.05,
) -> BurstResult:
    """Every booker wants a place, all at once (bounded by `concurrency` connections), spread
    over the servers and the slots; a TRY_AGAIN is sent again after a short pause, so a
    place given back during the burst goes to someone who still wants one."""
    result = BurstResult()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:

        async def once(i: int, b: Booker, server: str) -> tuple[str, float]:
            variables = {
                "input": {
                    "patientId": b.patient_id,
                    "slotId": slots[i % len(slots)],
                    "idempotencyKey": f"burst-{i}",
                }
            }
            async with sem:
                started = time.perf_counter()
                try:
                    r = await http.post(
                        f"{server}/graphql",
                        json={"query": BOOK, "variables": variables},
                        headers={"Authorization": f"Bearer {b.token}"},
                    )
                    body = r.json()
                    if "errors" in body:
                        key = "ERROR"
                        result.errors.append(str(body["errors"])[:300])
                    else:
                        data = body["data"]["bookAppointment"]
                        key = (
                            "OK" if data["__typename"] == "BookAppointmentSuccess" else data["code"]
                        )
                except httpx.TransportError as exc:
                    key = "TRANSPORT_ERROR"
                    result.transport_errors.append(repr(exc)[:300])
                except Exception as exc:
                    key = "ERROR"
                    result.errors.append(repr(exc)[:300])
                return key, time.perf_counter() - started

        async def one(i: int, b: Booker) -> None:
            started = time.perf_counter()
            attempt = broken = 0
            while True:
                key, took = await once(i, b, servers[(i + attempt) % len(servers)])
                if key == "TRANSPORT_ERROR" and broken < 3:
                    broken += 1
                    result.resent_after_transport_error += 1
                elif key != "TRY_AGAIN":
                    break
                else:
                    result.retries += 1
                    result.try_again_latencies.append(took)
                attempt += 1
                await asyncio.sleep(retry_pause * (0.5 + random.random()))
            result.latencies.append(time.perf_counter() - started)
            result.outcomes[key] = result.outcomes.get(key, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(one(i, b) for i, b in enumerate(bookers)))
        result.seconds = time.perf_counter() - started
    return result


# --- processes ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def base_env(**extra: str) -> dict[str, str]:
    """This process's environment without any BFF_ setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BFF_")}
    env.update(extra)
    return env


def command(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "hospital-bff"), *args]


@contextmanager
def running(
    args: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    ready_url: str,
    log: Path,
    timeout: float = 60,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `hospital-bff ARGS`, wait until `ready_url` answers 200, stop it afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command(*args), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{args[0]} exited {proc.returncode}:\n{log.read_text()[-3000:]}"
                )
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{args[0]} not ready in {timeout}s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes], grace: float = 20) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Cluster:
    """A simulator process and N BFF processes sharing PostgreSQL and Redis."""

    sim_his: str
    servers: list[str]
    settings: Settings
    # The BFF server processes, for benches that read their CPU time and memory.
    pids: list[int] = field(default_factory=list)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def _create_database(admin_url: str, name: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _fresh_state(settings: Settings) -> None:
    from sqlalchemy import text

    from hospital_bff.cache import create_redis
    from hospital_bff.store.db import drop_all

    engine = create_engine(settings.database_url)
    await drop_all(engine)
    async with engine.begin() as conn:
        await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()
    redis = create_redis(settings.redis_url)
    await redis.flushdb()
    await redis.aclose()


@contextmanager
def start_cluster(
    workdir: Path,
    *,
    postgres_admin_url: str,
    database: str,
    redis_url: str,
    servers: int = 2,
    broker_url: str | None = None,
    workers: int = 0,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Cluster]:
    """A fresh database `database` (created if missing, emptied, migrated with
    `hospital-bff migrate`), a `hospital-bff sim` and `servers` x `hospital-bff serve`; with a
    broker, the servers only send jobs and `workers` x `hospital-bff worker` run them."""
    sim_port = free_port()
    ports = [free_port() for _ in range(servers)]
    sim = f"http://127.0.0.1:{sim_port}"
    database_url = postgres_admin_url.rsplit("/", 1)[0] + f"/{database}"
    common = {
        "BFF_DATABASE_URL": database_url,
        "BFF_REDIS_URL": redis_url,
        "BFF_EMBEDDED_SIMULATORS": "false",
        "BFF_AUTO_MIGRATE": "false",
        "BFF_HIS_BASE_URL": f"{sim}/his",
        "BFF_BANK_BASE_URL": f"{sim}/bank",
        "BFF_WECHAT_BASE_URL": f"{sim}/wechat",
        "BFF_BANK_KEYS_DIR": str(workdir / "keys"),
        "BFF_PUBLIC_URL": f"http://127.0.0.1:{ports[0]}",
        "BFF_LOG_LEVEL": "WARNING",
    }
    if broker_url:
        common["BFF_BROKER_URL"] = broker_url
        common["BFF_RUN_JOBS_IN_PROCESS"] = "false"
    common.update(extra_env or {})
    settings = Settings(**{k[4:].lower(): v for k, v in common.items()})  # type: ignore[arg-type]
    asyncio.run(_create_database(postgres_admin_url, database))
    asyncio.run(_fresh_state(settings))
    subprocess.run(
        command("migrate"), env=base_env(**common), check=True, cwd=workdir, capture_output=True
    )
    with ExitStack() as stack:
        stack.enter_context(
            running(
                ["sim", "--port", str(sim_port)],
                env=base_env(**common, BFF_SIM_PUBLIC_URL=sim),
                cwd=workdir,
                ready_url=f"{sim}/wechat/sns/oauth2/access_token",
                log=workdir / "sim.log",
            )
        )
        pids = []
        for i, port in enumerate(ports):
            server = stack.enter_context(
                running(
                    ["serve", "--port", str(port)],
                    env=base_env(**common),
                    cwd=workdir,
                    ready_url=f"http://127.0.0.1:{port}/healthz",
                    log=workdir / f"serve{i}.log",
                )
            )
            pids.append(server.pid)
        for i in range(workers):
            stack.enter_context(_worker(common, workdir, i))
        yield Cluster(f"{sim}/his", [f"http://127.0.0.1:{p}" for p in ports], settings, pids)


@contextmanager
def _worker(common: dict[str, str], workdir: Path, index: int) -> Iterator[subprocess.Popen[bytes]]:
    log = workdir / f"worker{index}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command("worker", "--processes", "1", "--threads", "4"),
            cwd=workdir,
            env=base_env(**common),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        time.sleep(1.0)
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        yield proc
    finally:
        _stop(proc)


@contextmanager
def start_embedded(workdir: Path, *, extra_env: dict[str, str] | None = None) -> Iterator[Cluster]:
    """One `hospital-bff serve` with the embedded default (SQLite file, in-process Redis
    stand-in and job workers, the simulators under /sim), as on a fresh machine."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        # The default's own file, named absolutely so this process can write the population.
        "BFF_DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/.hospital-bff/bff.db",
        "BFF_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    settings = Settings(**{k[4:].lower(): v for k, v in env.items()})  # type: ignore[arg-type]
    with running(
        ["serve", "--port", str(port)],
        env=base_env(**env),
        cwd=workdir,
        ready_url=f"{url}/healthz",
        log=workdir / "serve.log",
    ) as proc:
        yield Cluster(f"{url}/sim/his", [url], settings, [proc.pid])


async def seed_awaiting_orders(
    runtime: Any, count: int, *, expires_at: list[Any], with_payments: bool, prefix: str = "seed"
) -> list[tuple[str, str]]:
    """`count` registration orders waiting for their money, straight into the database (one
    user), each expiring at its `expires_at`; with a PENDING bank payment each when asked.
    Returns (order id, out_trade_no or "")."""
    from hospital_bff.services.money.orders import awaiting_payment
    from hospital_bff.services.money.rules import OrderKind
    from hospital_bff.store.models import HospitalUser, Payment

    now = runtime.clock.now()
    made: list[tuple[str, str]] = []
    async with runtime.sessions() as session, session.begin():
        user = HospitalUser(
            id=f"usr_{prefix}",
            id_number_hash=f"{prefix}-hash",
            id_number_enc="-",
            name_enc="-",
            masked_name="测*",
            phone_enc="-",
            created_at=now,
        )
        session.add(user)
        for i in range(count):
            order = awaiting_payment(
                order_id=f"ord_{prefix}{i}",
                kind=OrderKind.REGISTRATION,
                user_id=user.id,
                his_patient_id=f"P{prefix}{i}",
                patient_name="测试",
                idempotency_key=f"{prefix}-{i}",
                amount=5000,
                items=[{"code": "REG", "name": "挂号费", "amount": 5000}],
                now=now,
                window_seconds=600,
            )
            order.expires_at = expires_at[i]
            session.add(order)
            out_trade_no = ""
            if with_payments:
                out_trade_no = f"T{prefix}{i:08d}"[:32]
                session.add(
                    Payment(
                        order_id=order.id,
                        out_trade_no=out_trade_no,
                        idempotency_key=f"{prefix}-pay-{i}",
                        amount=5000,
                        status="PENDING",
                        pay_url="-",
                        created_at=now,
                        expires_at=order.expires_at,
                    )
                )
            made.append((order.id, out_trade_no))
    return made
