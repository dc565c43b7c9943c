"""What is going wrong with the simulated HIS on purpose (`PUT /faults`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hospital_bff.simulators import faults


@dataclass
class Faults(faults.Faults):
    """What is currently going wrong with the simulated HIS."""

    fail_confirm: bool = False
    drop_notifications: bool = False
    duplicate_notifications: bool = False

    WIRE: ClassVar[dict[str, str]] = {
        **faults.Faults.WIRE,
        "failConfirm": "fail_confirm",
        "dropNotifications": "drop_notifications",
        "duplicateNotifications": "duplicate_notifications",
    }
