"""The README's test command and the one `.ci/run` runs stay the same, so CI tests what a
newcomer runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def _ci_command() -> str:
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return lines[-1]


def test_ci_runs_the_readmes_test_command_exactly() -> None:
    ci = _ci_command()
    assert ci.endswith("pytest"), f".ci/run's last command is not the test command: {ci}"
    assert ci in _readme_commands(), f".ci/run runs {ci!r}, which the README does not show"


def test_the_readme_shows_one_test_command_and_one_serve_command() -> None:
    commands = _readme_commands()
    assert [c for c in commands if c.endswith("pytest")] == [_ci_command()]
    serve = [c for c in commands if c.endswith("hospital-bff serve")]
    assert len(serve) == 1
    # Both start from the same fresh virtualenv as CI does.
    setup = "python3 -m venv .venv && . .venv/bin/activate && "
    assert serve[0].startswith(setup) and _ci_command().startswith(setup)
