"""What the bank simulator does wrong on purpose (``PUT /faults``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hospital_bff.simulators import faults


@dataclass
class Faults(faults.Faults):
    """What the bank does wrong on purpose."""

    drop_notifications: bool = False
    duplicate_notifications: bool = False
    reorder_notifications: bool = False
    late_payments: bool = False
    refunds_processing: bool = False
    refunds_abnormal: bool = False

    WIRE: ClassVar[dict[str, str]] = {
        **faults.Faults.WIRE,
        "dropNotifications": "drop_notifications",
        "duplicateNotifications": "duplicate_notifications",
        "reorderNotifications": "reorder_notifications",
        "latePayments": "late_payments",
        "refundsProcessing": "refunds_processing",
        "refundsAbnormal": "refunds_abnormal",
    }
    # The HIS's switch: one request may set the faults of both simulators.
    IGNORED: ClassVar[frozenset[str]] = frozenset({"failConfirm"})
