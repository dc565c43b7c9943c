"""A SIGTERM to a process's group (what an orchestrator may send), or to its first process
alone (what `docker stop` sends, to PID 1 only), stops it gracefully and in bounded time:
`serve` closes its WebSockets with 1001 (clients reconnect elsewhere) and exits, a worker stops
once (the group signal and dramatiq's own relay of it are one stop, not a "kill" half-way) and
exits; every process of the group within the 30 s an orchestrator waits. Both log JSON lines
when BFF_LOG_JSON is set, dramatiq's lines included.

Real processes on the embedded defaults (SQLite, the simulators in the server); the worker on
a dramatiq Redis broker in this run's Redis db."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest
import websockets

from conftest import POSTGRES_URL, REDIS_URL, require_service
from fixtures.cluster import base_env, command, create_database, free_port

pytestmark = pytest.mark.slow

# The bound of the spec (an orchestrator's usual grace), not a measure of speed.
STOP_WITHIN_SECONDS = 30


@contextmanager
def _group(args: list[str], env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`hospital-bff ARGS` in a process group of its own, killed if a test leaves it running."""
    with (cwd / "out.log").open("ab") as out:
        proc = subprocess.Popen(
            command(*args),
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_for(proc: subprocess.Popen[bytes], log: Path, ready: object) -> None:
    """Until `ready()` holds; the process exiting first fails the test with its log."""
    while not ready():  # type: ignore[operator]
        if proc.poll() is not None:
            tail = log.read_text()[-3000:]
            pytest.fail(f"exited {proc.returncode} before it was ready:\n{tail}")
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.2)


# Who receives the SIGTERM: the first process alone (docker stop), or its whole group.
SENDERS = pytest.mark.parametrize("send", [os.kill, os.killpg], ids=["pid", "group"])


def _live_members(group: int) -> list[int]:
    """The processes of `group` still running (zombies waiting for a reaper do not count)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(stat.parent.name))
    return found


def _wait_until_gone(group: int, log: Path) -> None:
    """Every process of the group exits within the bound, not only the one signalled."""
    deadline = time.monotonic() + STOP_WITHIN_SECONDS
    while _live_members(group) and time.monotonic() < deadline:
        time.sleep(0.2)  # polling /proc: no process here to wait on (they are not our children)
    assert _live_members(group) == [], log.read_text()[-3000:]


def _json_lines(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def _one_process(tmp_path: Path, url: str) -> dict[str, str]:
    """The embedded default: SQLite, the in-process Redis stand-in, the simulators inside."""
    return {}


def _two_processes(tmp_path: Path, url: str) -> dict[str, str]:
    """`--workers 2` (uvicorn's supervisor and two children): PostgreSQL and Redis shared."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("Redis", "127.0.0.1", 6379)
    database = "test_resilience_stop"
    asyncio.run(create_database(POSTGRES_URL, database))
    none = "http://127.0.0.1:9"  # no outside system is asked in this test
    env = {
        "BFF_DATABASE_URL": POSTGRES_URL.rsplit("/", 1)[0] + f"/{database}",
        "BFF_REDIS_URL": REDIS_URL,
        "BFF_EMBEDDED_SIMULATORS": "false",
        "BFF_AUTO_MIGRATE": "false",
        "BFF_HIS_BASE_URL": f"{none}/his",
        "BFF_BANK_BASE_URL": f"{none}/bank",
        "BFF_WECHAT_BASE_URL": f"{none}/wechat",
        "BFF_BANK_KEYS_DIR": str(tmp_path / "keys"),
        "BFF_PUBLIC_URL": url,
    }
    subprocess.run(command("migrate"), env=base_env(**env), check=True, capture_output=True)
    return env


@SENDERS
@pytest.mark.parametrize(
    ("setup", "workers"), [(_one_process, "1"), (_two_processes, "2")], ids=["one", "workers"]
)
def test_serve_closes_websockets_with_1001_and_exits_on_a_sigterm(
    tmp_path: Path,
    setup: Callable[[Path, str], dict[str, str]],
    workers: str,
    send: Callable[[int, int], None],
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = base_env(BFF_LOG_JSON="true", BFF_LOG_LEVEL="INFO", **setup(tmp_path, url))
    log = tmp_path / "out.log"
    with _group(["serve", "--port", str(port), "--workers", workers], env, tmp_path) as proc:

        def ready() -> bool:
            try:
                return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_for(proc, log, ready)

        async def scenario() -> int | None:
            ws_url = url.replace("http://", "ws://") + "/graphql"
            async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
                await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
                assert json.loads(await ws.recv())["type"] == "connection_ack"
                send(proc.pid, signal.SIGTERM)
                async with asyncio.timeout(STOP_WITHIN_SECONDS):
                    await ws.wait_closed()
                return ws.close_code

        assert asyncio.run(scenario()) == 1001
        proc.wait(timeout=STOP_WITHIN_SECONDS)
        _wait_until_gone(proc.pid, log)
    # uvicorn, its shutdown done, re-raises the signal it caught: "ended by SIGTERM".
    assert proc.returncode in (0, -signal.SIGTERM), log.read_text()[-3000:]
    events = {line.get("event") for line in _json_lines(log)}
    assert "websockets_going_away" in events  # our line, in JSON
    assert any(str(e).startswith("Application shutdown") for e in events), events  # uvicorn's


@SENDERS
def test_a_worker_exits_once_within_the_bound_on_a_sigterm(
    tmp_path: Path, send: Callable[[int, int], None]
) -> None:
    require_service("Redis", "127.0.0.1", 6379)
    database = f"sqlite+aiosqlite:///{tmp_path / 'bff.db'}"
    env = base_env(
        BFF_DATABASE_URL=database,
        BFF_REDIS_URL=REDIS_URL,
        BFF_BROKER_URL=REDIS_URL,
        BFF_LOG_JSON="true",
        BFF_LOG_LEVEL="INFO",
    )
    subprocess.run(command("migrate"), env=env, cwd=tmp_path, check=True, capture_output=True)
    log = tmp_path / "out.log"
    with _group(["worker", "--processes", "2", "--threads", "2"], env, tmp_path) as proc:
        # Both worker processes booted: their Runtime is open and the scheduler runs.
        _wait_for(
            proc,
            log,
            lambda: log.exists() and log.read_text().count("Worker process is ready") >= 2,
        )
        send(proc.pid, signal.SIGTERM)
        proc.wait(timeout=STOP_WITHIN_SECONDS)
        _wait_until_gone(proc.pid, log)
    text = log.read_text()
    assert "Killing worker process" not in text, text[-3000:]
    assert "worker_stop_deadline_passed" not in text, text[-3000:]
    # dramatiq's own lines went through our pipeline: JSON, none in its own format.
    events = [str(line.get("event")) for line in _json_lines(log)]
    assert any(e.startswith("Worker process is ready") for e in events), text[-3000:]
    assert not [line for line in text.splitlines() if line.startswith("[")], text[-3000:]
