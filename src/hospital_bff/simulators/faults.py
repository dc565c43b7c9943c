"""The faults a simulator injects on purpose (`PUT /faults`), and the gate that applies them.

Both the HIS and the bank simulator fail the same ways in front of the BFF's calls: a delay, a
share of calls refused, a share answered too late. Each names its own extra switches (a HIS
that fails confirmations, a bank that loses notifications) and answers a refusal in its own
protocol's words; the switches' checking and the drawing of a call's fate are here, once.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass
class Faults:
    """What is going wrong on purpose: the switches every simulator has."""

    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0

    # The switches on the wire (the contract's camelCase) and the attribute each sets.
    WIRE: ClassVar[dict[str, str]] = {
        "latencyMs": "latency_ms",
        "errorRate": "error_rate",
        "timeoutRate": "timeout_rate",
    }
    # Switches another simulator has, accepted and left alone (one request may set both).
    IGNORED: ClassVar[frozenset[str]] = frozenset()

    def to_json(self) -> dict[str, Any]:
        return {wire: getattr(self, attr) for wire, attr in self.WIRE.items()}

    def update(self, body: Mapping[str, Any], refuse: Callable[[str], Exception]) -> None:
        """Set the switches named in `body`; a bad one raises `refuse(why)` and changes none."""
        unknown = set(body) - set(self.WIRE) - self.IGNORED
        if unknown:
            raise refuse(f"unknown faults: {sorted(unknown)}")
        changes = {
            self.WIRE[wire]: self._checked(wire, getattr(self, self.WIRE[wire]), value, refuse)
            for wire, value in body.items()
            if wire in self.WIRE
        }
        for attr, value in changes.items():
            setattr(self, attr, value)

    @staticmethod
    def _checked(
        wire: str, current: object, value: object, refuse: Callable[[str], Exception]
    ) -> Any:
        if isinstance(current, bool):
            if not isinstance(value, bool):
                raise refuse(f"{wire} must be a boolean")
            return value
        if isinstance(current, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise refuse(f"{wire} must be a non-negative integer")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise refuse(f"{wire} must be a number")
        if not 0.0 <= float(value) <= 1.0:
            raise refuse(f"{wire} must be between 0 and 1")
        return float(value)


@dataclass(frozen=True, slots=True)
class Fate:
    """What the faults make of one call: refused outright, or done but answered too late."""

    refused: bool
    late: bool


async def fate_of_call(faults: Faults, rng: random.Random) -> Fate:
    """Wait out the injected latency, then draw whether this call fails or answers late."""
    if faults.latency_ms:
        await asyncio.sleep(faults.latency_ms / 1000)
    refused = bool(faults.error_rate) and rng.random() < faults.error_rate
    late = not refused and bool(faults.timeout_rate) and rng.random() < faults.timeout_rate
    return Fate(refused=refused, late=late)
