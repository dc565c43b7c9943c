"""A pytest plugin for bench/suite_cost.py: counts and times every RSA key the run generates.

Loaded with `-p suite_cost_plugin` (bench/ on PYTHONPATH), in each xdist worker as well. Every
2048-bit key in the code and the tests comes from cryptography's `rsa.generate_private_key`,
looked up on the module at each call, so wrapping it there sees them all. At the end each
process appends "keys seconds" to the file named by BENCH_KEYGEN_FILE.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

_made = 0
_seconds = 0.0


def pytest_configure(config: pytest.Config) -> None:
    original = rsa.generate_private_key

    def counted(*args: Any, **kwargs: Any) -> rsa.RSAPrivateKey:
        global _made, _seconds
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            _made += 1
            _seconds += time.process_time() - started

    rsa.generate_private_key = counted  # type: ignore[assignment]


def pytest_unconfigure(config: pytest.Config) -> None:
    path = os.environ.get("BENCH_KEYGEN_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{_made} {_seconds:.3f}\n")
