"""Everything the bank simulator holds, in memory, and the knobs tests turn. The rules that
change it are in `rules`; the notifications it sends are in `notifications`."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

from hospital_bff.clock import Clock
from hospital_bff.simulators.bank.errors import BankError
from hospital_bff.simulators.bank.faults import Faults
from hospital_bff.simulators.bank.records import Notification, Order, RefundRecord


@dataclass
class BankState:
    """Everything the bank holds, in memory; every change happens under ``lock``."""

    mch_id: str
    clock: Clock
    orders: dict[str, Order] = field(default_factory=dict)
    orders_by_prepay: dict[str, str] = field(default_factory=dict)
    refunds: dict[str, RefundRecord] = field(default_factory=dict)
    bills: dict[str, bytes] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    rng: random.Random = field(default_factory=random.Random)
    # Knobs tests shrink so that faults cost milliseconds, not seconds.
    hang_seconds: float = 30.0
    notify_retry_delays: tuple[float, ...] = (0.0, 1.0, 5.0, 15.0, 60.0, 300.0)
    reorder_hold_seconds: float = 5.0
    # What happened to notifications, for tests and for people debugging a demo.
    delivered: list[Notification] = field(default_factory=list)
    dropped: list[Notification] = field(default_factory=list)
    undeliverable: list[Notification] = field(default_factory=list)
    held: Notification | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    # One sequence for the ids the bank makes; a reset does not rewind it.
    sequence: int = 0

    def next_id(self, prefix: str) -> str:
        self.sequence += 1
        stamp = self.clock.now().strftime("%Y%m%d")
        return f"{prefix}{stamp}{self.sequence:010d}"

    async def drain(self) -> None:
        """Wait until every notification task (including retries and held ones) has finished."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    def reset(self) -> None:
        for task in self.tasks:
            task.cancel()
        self.tasks.clear()
        self.orders.clear()
        self.orders_by_prepay.clear()
        self.refunds.clear()
        self.bills.clear()
        self.faults = Faults()
        self.delivered.clear()
        self.dropped.clear()
        self.undeliverable.clear()
        self.held = None

    def order(self, out_trade_no: str) -> Order:
        found = self.orders.get(out_trade_no)
        if found is None:
            raise BankError(404, "ORDER_NOT_EXIST", "订单不存在")
        return found

    def order_by_prepay(self, prepay_id: str) -> Order:
        out_trade_no = self.orders_by_prepay.get(prepay_id)
        if out_trade_no is None:
            raise BankError(404, "ORDER_NOT_EXIST", "订单不存在")
        return self.orders[out_trade_no]
