"""The suite's own cost: the fast tier's wall time, and the RSA keys the run generates.

Runs the fast tier as the README gives it (`pytest -m "not slow" -n 2`: everything but real
processes, mypy and cross-process fault injection) with a plugin (bench/suite_cost_plugin.py)
that counts and times every 2048-bit RSA key made in any of its processes. Prints both beside
their targets: the fast tier under 3 minutes, and demo keys made once per run rather than two
per test (about 160 s of key generation when the issue was filed). Exits non-zero when a test
fails. The tests find PostgreSQL and Redis as they always do (BFF_TEST_POSTGRES_URL,
BFF_TEST_REDIS_URL, or the local defaults); the whole CI run's time is CI's own figure.

    python bench/suite_cost.py [--workers 2] [-- extra pytest arguments]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 180
BASELINE_KEYGEN_SECONDS = 160  # two demo keys per test, when the issue was filed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("pytest_args", nargs="*", help="after --, passed to pytest")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        counts = Path(tmp) / "keygen"
        env = dict(os.environ)
        env["BENCH_KEYGEN_FILE"] = str(counts)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT / "bench"), *filter(None, [env.get("PYTHONPATH")])]
        )
        command = [
            sys.executable, "-m", "pytest", "-m", "not slow", "-n", str(args.workers),
            "-q", "-p", "no:cacheprovider", "-p", "suite_cost_plugin", *args.pytest_args,
        ]  # fmt: skip
        started = time.perf_counter()
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        rows = [line.split() for line in counts.read_text().splitlines()] if counts.exists() else []

    summary = next(
        (
            line
            for line in reversed(run.stdout.splitlines())
            if re.search(r"\d+ (passed|failed)", line)
        ),
        "no summary line (see pytest's output above)",
    )
    if run.returncode != 0:
        print(run.stdout[-4000:], run.stderr[-2000:], sep="\n")
    keys = sum(int(made) for made, _ in rows)
    key_seconds = sum(float(seconds) for _, seconds in rows)
    met = "met" if wall < TARGET_SECONDS else "NOT met"
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{'load average':<20}{load} on {os.cpu_count()} cores")
    print(f"{'fast tier':<20}pytest -m 'not slow' -n {args.workers}: {summary.strip('= ')}")
    print(f"{'':<20}{'figure':<20}target")
    print(f"{'wall time':<20}{wall:<20.0f}< {TARGET_SECONDS} s   {met}")
    print(
        f"{'RSA keys made':<20}{keys} in {key_seconds:.1f} s of CPU, in {len(rows)} processes"
        f"   baseline: about {BASELINE_KEYGEN_SECONDS} s (two demo keys per test)"
    )
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
