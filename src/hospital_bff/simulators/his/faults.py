"""What is going wrong with the simulated HIS on purpose (`PUT /faults`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from hospital_bff.simulators.his.errors import invalid


@dataclass(slots=True)
class Faults:
    """What is currently going wrong with the simulated HIS."""

    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    fail_confirm: bool = False
    drop_notifications: bool = False
    duplicate_notifications: bool = False

    _WIRE: ClassVar[dict[str, str]] = {
        "latencyMs": "latency_ms",
        "errorRate": "error_rate",
        "timeoutRate": "timeout_rate",
        "failConfirm": "fail_confirm",
        "dropNotifications": "drop_notifications",
        "duplicateNotifications": "duplicate_notifications",
    }

    def to_json(self) -> dict[str, Any]:
        return {wire: getattr(self, attr) for wire, attr in self._WIRE.items()}

    def update(self, body: dict[str, Any]) -> None:
        unknown = set(body) - set(self._WIRE)
        if unknown:
            raise invalid(f"unknown faults: {sorted(unknown)}")
        for wire, value in body.items():
            attr = self._WIRE[wire]
            current = getattr(self, attr)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise invalid(f"{wire} must be a boolean")
            elif isinstance(current, int) and not isinstance(current, bool):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise invalid(f"{wire} must be a non-negative integer")
            else:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise invalid(f"{wire} must be a number")
                if not 0.0 <= float(value) <= 1.0:
                    raise invalid(f"{wire} must be between 0 and 1")
                value = float(value)
            setattr(self, attr, value)
