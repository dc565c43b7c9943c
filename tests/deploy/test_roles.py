"""The image's one health check, run as Docker runs it (`python -m hospital_bff.probe` beside
the process), against each role started for real: the API, the simulators, a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import POSTGRES_URL, REDIS_URL, require_service
from fixtures.cluster import command
from fixtures.servers import base_env, free_port, running

pytestmark = pytest.mark.slow


def probe(probe_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hospital_bff.probe"],
        env={**base_env(), "BFF_PROBE_FILE": str(probe_file)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_the_api_is_healthy_when_ready(tmp_path: Path) -> None:
    probe_file = tmp_path / "probe"
    assert probe(probe_file).returncode == 1, "not started yet"
    port = free_port()
    # Bound everywhere, as in the container: probed (and reached) through loopback.
    with running(
        ["serve", "--host", "0.0.0.0", "--port", str(port)],
        env=base_env(BFF_PROBE_FILE=str(probe_file)),
        cwd=tmp_path,
        ready_url=f"http://127.0.0.1:{port}/healthz",
        log=tmp_path / "serve.log",
    ):
        result = probe(probe_file)
        assert result.returncode == 0, result.stderr
    result = probe(probe_file)
    assert result.returncode == 1 and "/readyz" in result.stderr, "stopped: unhealthy"


def test_the_simulators_are_healthy_while_their_port_answers(tmp_path: Path) -> None:
    probe_file = tmp_path / "probe"
    port = free_port()
    with running(
        ["sim", "--port", str(port)],
        env=base_env(BFF_PROBE_FILE=str(probe_file)),
        cwd=tmp_path,
        ready_url=f"http://127.0.0.1:{port}/wechat/sns/oauth2/access_token",
        log=tmp_path / "sim.log",
    ):
        assert probe(probe_file).returncode == 0
    assert probe(probe_file).returncode == 1


@contextmanager
def worker(tmp_path: Path, probe_file: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = base_env(
        BFF_PROBE_FILE=str(probe_file),
        BFF_DATABASE_URL=POSTGRES_URL,
        BFF_REDIS_URL=REDIS_URL,
        # The test's own Redis db (dramatiq's keys apart from the cache's): a worker on the
        # shared RabbitMQ could take another test's jobs.
        BFF_BROKER_URL=REDIS_URL,
        BFF_AUTO_MIGRATE="false",
    )
    with (tmp_path / "worker.log").open("wb") as log:
        proc = subprocess.Popen(
            command("worker", "--processes", "1", "--threads", "1"),
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_a_worker_is_healthy_while_its_heartbeat_is_fresh(tmp_path: Path) -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("Redis", "127.0.0.1", 6379)
    probe_file = tmp_path / "probe"
    with worker(tmp_path, probe_file) as proc:
        # The heartbeat's first beat is the worker's Runtime opened on its event loop.
        deadline = time.monotonic() + 60
        while not probe_file.exists():
            assert proc.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.1)
        result = probe(probe_file)
        assert result.returncode == 0, result.stderr
    # Killed: the heartbeat stops; once it is stale the probe says so.
    stale = time.time() - 3600
    os.utime(probe_file, (stale, stale))
    result = probe(probe_file)
    assert result.returncode == 1 and "heartbeat" in result.stderr
