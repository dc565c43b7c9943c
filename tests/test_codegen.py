"""The contract's operations compiled by GraphQL Code Generator (typed-document-node) against
schema.graphql, then a typed example type-checked with `tsc --noEmit` (tests/codegen/).

This is what a front end's build does: an operation that no longer validates fails codegen,
and a generated type that changed under the example (a field now nullable, a union with an
error more or less) fails tsc. Needs node and npm: CI fails without them, elsewhere skips.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import IN_CI
from fixtures.graphql import CONTRACT, operation_names

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parent / "codegen"
GENERATED = PROJECT / "generated" / "graphql.ts"


def _tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        message = "node and npm are needed to compile the contract with GraphQL Code Generator"
        if IN_CI:
            pytest.fail(message + " (CI=true: .ci/run must provide them)")
        pytest.skip(message)
    return node, npm


def _run(*command: str, timeout: float) -> None:
    result = subprocess.run(
        command,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "CI": "true"},
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )


@pytest.mark.timeout(900)
def test_the_contract_compiles_to_typed_documents_and_the_example_type_checks() -> None:
    _node, npm = _tools()
    assert list(CONTRACT.glob("*.graphql")), f"no contract at {CONTRACT}"
    # Exactly the locked versions, as CI and every developer get them.
    _run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", timeout=600)
    GENERATED.unlink(missing_ok=True)
    _run(npm, "run", "--silent", "codegen", timeout=300)
    _run(npm, "run", "--silent", "typecheck", timeout=300)

    # Every operation of the contract became a typed document.
    generated = GENERATED.read_text(encoding="utf-8")
    documents = set(re.findall(r"^export const (\w+)Document = ", generated, flags=re.M))
    for path in sorted(CONTRACT.glob("*.graphql")):
        names = set(operation_names(path.read_text(encoding="utf-8")))
        assert names <= documents, (path.name, sorted(names - documents))
