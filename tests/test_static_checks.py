"""Lint, format and types run inside the README's test command, so CI keeps them.

Each check runs the tool the way a developer would from the project root; a failure prints the
tool's own report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "tests", "bench"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("ruff", "check", *CHECKED), id="ruff-check"),
        pytest.param(("ruff", "format", "--check", *CHECKED), id="ruff-format"),
        # A minute of CPU on a cold cache: in the whole suite, not the fast tier.
        pytest.param(("mypy",), id="mypy-strict", marks=pytest.mark.slow),
    ],
)
def test_the_tree_is_clean(command: tuple[str, ...]) -> None:
    result = _run(*command)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
