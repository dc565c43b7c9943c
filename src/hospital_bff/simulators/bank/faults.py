"""What the bank simulator does wrong on purpose (``PUT /faults``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hospital_bff.simulators.bank.errors import BankError

# The fault names on the wire (the contract's camelCase), the attribute each sets, and its type.
FAULT_FIELDS: dict[str, tuple[str, type]] = {
    "latencyMs": ("latency_ms", int),
    "errorRate": ("error_rate", float),
    "timeoutRate": ("timeout_rate", float),
    "dropNotifications": ("drop_notifications", bool),
    "duplicateNotifications": ("duplicate_notifications", bool),
    "reorderNotifications": ("reorder_notifications", bool),
    "latePayments": ("late_payments", bool),
    "refundsProcessing": ("refunds_processing", bool),
    "refundsAbnormal": ("refunds_abnormal", bool),
}
IGNORED_FAULTS = frozenset({"failConfirm"})


@dataclass
class Faults:
    """What the bank does wrong on purpose."""

    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    drop_notifications: bool = False
    duplicate_notifications: bool = False
    reorder_notifications: bool = False
    late_payments: bool = False
    refunds_processing: bool = False
    refunds_abnormal: bool = False

    def to_json(self) -> dict[str, Any]:
        return {wire: getattr(self, attr) for wire, (attr, _) in FAULT_FIELDS.items()}

    def update(self, changes: Mapping[str, Any]) -> None:
        for key, value in changes.items():
            if key in IGNORED_FAULTS:
                continue
            if key not in FAULT_FIELDS:
                raise BankError(400, "PARAM_ERROR", f"unknown fault {key!r}")
            attr, kind = FAULT_FIELDS[key]
            if kind is bool and not isinstance(value, bool):
                raise BankError(400, "PARAM_ERROR", f"{key} must be a boolean")
            if kind is not bool and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise BankError(400, "PARAM_ERROR", f"{key} must be a number")
            setattr(self, attr, kind(value))
