"""The bank simulator's orders and refunds as bytes (JSON) and back, so that a demo's payments
survive a restart with the sequence their ids come from. Bill download tokens, notifications
in flight and faults are not kept."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter

from hospital_bff.simulators.bank.records import Order, RefundRecord
from hospital_bff.simulators.bank.state import BankState


@dataclass
class BankSnapshot:
    """Everything a restarted bank must still know."""

    orders: dict[str, Order]
    refunds: dict[str, RefundRecord]
    sequence: int


_SNAPSHOT = TypeAdapter(BankSnapshot)


def dump_bank(state: BankState) -> bytes:
    return _SNAPSHOT.dump_json(BankSnapshot(state.orders, state.refunds, state.sequence))


def load_bank(state: BankState, data: bytes) -> None:
    """Take the saved orders and refunds (raises ValueError when unreadable)."""
    saved = _SNAPSHOT.validate_json(data)
    state.orders = saved.orders
    state.orders_by_prepay = {o.prepay_id: o.out_trade_no for o in saved.orders.values()}
    state.refunds = saved.refunds
    state.sequence = saved.sequence
