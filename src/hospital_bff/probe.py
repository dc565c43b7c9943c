"""The container's health check, one for every role of the one image.

Each long-running role says at start how it is to be probed, in the file BFF_PROBE_FILE (the
image sets it): the API by the URL of its `/readyz`, the simulators by their port, a worker by
a heartbeat its event loop writes into that same file every few seconds (a worker has no port,
and a stuck loop must count as down). `python -m hospital_bff.probe` (the image's HEALTHCHECK)
reads the file and probes accordingly; no file means the role has not started (or is the
one-shot `migrate`, which has no health check). Standard library only: it runs every few
seconds in every container, and must start in milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

HEARTBEAT_SECONDS = 5.0
# A worker whose heartbeat is older than this is stuck (or gone).
HEARTBEAT_STALE_SECONDS = 6 * HEARTBEAT_SECONDS
TIMEOUT_SECONDS = 3.0


def declare(path: Path | None, role: str, **how: Any) -> None:
    """Say how this process is probed (nothing when no probe file is configured)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps({"role": role, **how}), encoding="utf-8")
    temporary.replace(path)  # a probe never reads half a file


async def heartbeat(path: Path | None, stop: asyncio.Event) -> None:
    """A worker's proof of life: the probe file's time, renewed from its event loop."""
    if path is None:
        return
    declare(path, "worker")
    while not stop.is_set():
        os.utime(path)  # a local file's time: microseconds, no thread needed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=HEARTBEAT_SECONDS)


def problem(path: Path) -> str | None:
    """What is wrong with the process `path` describes, or None when it is healthy."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
        age = time.time() - path.stat().st_mtime
    except (OSError, ValueError) as exc:
        return f"no probe file {path} ({type(exc).__name__}): not started"
    role = spec.get("role")
    if role == "api":
        return _http_problem(str(spec["url"]))
    if role == "sim":
        return _port_problem(str(spec["host"]), int(spec["port"]))
    if role == "worker":
        if age > HEARTBEAT_STALE_SECONDS:
            return f"worker heartbeat {age:.0f} s old"
        return None
    return f"unknown role {role!r} in {path}"


def _http_problem(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            return None if answer.status == 200 else f"{url} answered {answer.status}"
    except OSError as exc:  # HTTPError (a 503 from /readyz) is an OSError too
        return f"{url}: {exc}"


def _port_problem(host: str, port: int) -> str | None:
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS):
            return None
    except OSError as exc:
        return f"{host}:{port}: {exc}"


def main() -> int:
    path = os.environ.get("BFF_PROBE_FILE")
    if not path:
        print("BFF_PROBE_FILE is not set", file=sys.stderr)
        return 1
    found = problem(Path(path))
    if found:
        print(found, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
