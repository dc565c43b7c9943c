"""The image's one health check probes each role as the role declared itself."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospital_bff import probe


@pytest.fixture
def listening() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_no_probe_file_means_not_started(tmp_path: Path) -> None:
    found = probe.problem(tmp_path / "probe")
    assert found is not None and "not started" in found


def test_the_simulators_are_probed_on_their_port(tmp_path: Path, listening: int) -> None:
    path = tmp_path / "probe"
    probe.declare(path, "sim", host="127.0.0.1", port=listening)
    assert probe.problem(path) is None


def test_a_closed_port_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "probe"
    probe.declare(path, "sim", host="127.0.0.1", port=1)
    assert probe.problem(path) is not None


def test_the_api_is_probed_at_its_readyz(tmp_path: Path) -> None:
    path = tmp_path / "probe"
    probe.declare(path, "api", url="http://127.0.0.1:1/readyz")
    assert json.loads(path.read_text())["url"].endswith("/readyz")
    found = probe.problem(path)
    assert found is not None and "/readyz" in found


async def test_a_worker_is_healthy_while_its_heartbeat_is_fresh(tmp_path: Path) -> None:
    path = tmp_path / "probe"
    stopped = asyncio.Event()
    stopped.set()
    await probe.heartbeat(path, stopped)  # one beat: the declaration
    assert probe.problem(path) is None
    stale = time.time() - probe.HEARTBEAT_STALE_SECONDS - 1
    os.utime(path, (stale, stale))
    found = probe.problem(path)
    assert found is not None and "heartbeat" in found


def test_main_reads_the_file_the_environment_names(
    tmp_path: Path, listening: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "probe"
    probe.declare(path, "sim", host="127.0.0.1", port=listening)
    monkeypatch.setenv("BFF_PROBE_FILE", str(path))
    assert probe.main() == 0
    monkeypatch.setenv("BFF_PROBE_FILE", str(tmp_path / "elsewhere"))
    assert probe.main() == 1
