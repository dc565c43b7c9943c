"""A cluster whose processes can be killed and started again on the same port: `hospital-bff
serve` x2, `hospital-bff worker` on RabbitMQ, `hospital-bff sim`, and a Redis server of the
test's own (never the machine's), so a Redis restart loses nothing anyone else keeps there."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from fixtures.cluster import (
    base_env,
    cluster_env,
    command,
    create_database,
    free_port,
    fresh_state,
)
from hospital_bff.config import Settings

# Short enough for the whole run to settle in a minute or two; each is a real setting.
SHORT_SETTINGS = {
    "BFF_PAYMENT_WINDOW_SECONDS": "20",
    "BFF_PAYMENT_POLL_DELAY_SECONDS": "4",
    "BFF_PAYMENT_CLOSE_SETTLE_SECONDS": "8",
    "BFF_PLACE_HOLD_LEASE_SECONDS": "15",
    "BFF_CONFIRM_DEADLINE_SECONDS": "25",
    "BFF_SWEEP_RETRY_AFTER_SECONDS": "8",
    "BFF_SCHEDULER_TICK_SECONDS": "1",
    "BFF_SWEEP_INTERVALS": json.dumps(
        {
            "expire_unpaid_orders": 2,
            "poll_unsettled_payments": 3,
            "free_expired_holds": 3,
            "confirm_paid_orders": 3,
            "resend_refunds": 3,
            "resync_inventory": 5,
            "finish_cancellations": 3,
            "finish_suspensions": 10,
        }
    ),
    # A loaded 2-core machine answers slowly; a simulated hang (30 s) is still a timeout.
    "BFF_HTTP_TIMEOUT_SECONDS": "6",
}


@dataclass
class Proc:
    """One process we started, in a process group of its own (a worker forks its children),
    so that a kill takes the whole of it and nothing else."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    ready: Callable[[], bool] | None = None
    popen: subprocess.Popen[bytes] | None = None
    kills: int = 0

    @property
    def log(self) -> Path:
        return self.cwd / f"{self.name}.log"

    def start(self, timeout: float = 90) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if self.ready is None:
            return
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.popen.returncode}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not ready in {timeout}s:\n{self.tail()}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown hook runs."""
        assert self.popen is not None
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()
        self.kills += 1

    def stop(self, grace: float = 15) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def http_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    return check


def redis_ok(port: int) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    return check


@dataclass
class FaultCluster:
    sim: str
    servers: list[str]
    settings: Settings
    redis: Proc
    serve: list[Proc]
    worker: Proc
    simulator: Proc
    all: list[Proc] = field(default_factory=list)


@contextmanager
def fault_cluster(
    workdir: Path, *, postgres_admin_url: str, database: str, broker_url: str
) -> Iterator[FaultCluster]:
    """Fresh database `database`, a Redis of our own on a free port, the simulators, two
    API processes that only send jobs, and one worker that runs them."""
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise RuntimeError("redis-server is not installed: the fault run starts its own Redis")
    redis_port, sim_port = free_port(), free_port()
    ports = [free_port(), free_port()]
    sim = f"http://127.0.0.1:{sim_port}"
    common = {
        **cluster_env(
            database_url=postgres_admin_url.rsplit("/", 1)[0] + f"/{database}",
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
            sim=sim,
            # The bank and the HIS call back the first server; killing it loses their deliveries.
            public_url=f"http://127.0.0.1:{ports[0]}",
            workdir=workdir,
        ),
        "BFF_BROKER_URL": broker_url,
        "BFF_RUN_JOBS_IN_PROCESS": "false",
        **SHORT_SETTINGS,
    }
    env = base_env(**common)
    redis = Proc(
        "redis",
        [
            redis_server,
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        env,
        workdir,
        redis_ok(redis_port),
    )
    with ExitStack() as stack:
        redis.start()
        stack.callback(redis.stop)
        settings = Settings(
            database_url=common["BFF_DATABASE_URL"], redis_url=common["BFF_REDIS_URL"]
        )
        asyncio.run(create_database(postgres_admin_url, database))
        asyncio.run(fresh_state(settings))
        subprocess.run(command("migrate"), env=env, check=True, cwd=workdir, capture_output=True)
        simulator = Proc(
            "sim",
            command("sim", "--port", str(sim_port)),
            base_env(**common, BFF_SIM_PUBLIC_URL=sim),
            workdir,
            http_ok(f"{sim}/wechat/sns/oauth2/access_token"),
        )
        serve = [
            Proc(
                f"serve{i}",
                command("serve", "--port", str(port)),
                env,
                workdir,
                http_ok(f"http://127.0.0.1:{port}/healthz"),
            )
            for i, port in enumerate(ports)
        ]
        # No readiness to wait for: RabbitMQ keeps the jobs until a worker takes them.
        worker = Proc(
            "worker", command("worker", "--processes", "1", "--threads", "4"), env, workdir
        )
        procs = [simulator, *serve, worker]
        for proc in procs:
            proc.start()
            stack.callback(proc.stop)
        yield FaultCluster(
            sim=sim,
            servers=[f"http://127.0.0.1:{p}" for p in ports],
            settings=settings,
            redis=redis,
            serve=serve,
            worker=worker,
            simulator=simulator,
            all=[redis, *procs],
        )
