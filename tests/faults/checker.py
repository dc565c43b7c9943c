"""After the faults: the books to the fen, the slots within capacity, no stray place holds.

Judged from the bank simulator's ledger, the HIS simulator's records and our database only;
no reconciliation runs, so whatever balances was settled by the money path itself.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.clock import Clock
from hospital_bff.config import Settings
from hospital_bff.services.money.rules import OrderStatus
from hospital_bff.store.db import create_engine
from hospital_bff.store.models import (
    Order,
    Payment,
    PlaceHold,
    Reconciliation,
    Refund,
    RefundBatch,
    SlotInventory,
)

KEPT = {OrderStatus.CONFIRMED.value, OrderStatus.COMPLETED.value}
IN_FLIGHT = {OrderStatus.AWAITING_PAYMENT.value, OrderStatus.PAID.value}
SEAT_ORDERS = {OrderStatus.AWAITING_PAYMENT.value, OrderStatus.PAID.value, *KEPT}
IMMEDIATE = {"REFUND", "REVERSAL"}
# A registration holding its seat, or a bill payment (always CONFIRMED), at the HIS.
HIS_HELD = {"CONFIRMED", "VISITED", "MISSED"}


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    # Not yet settled, but may still be: waited on until the deadline, then reported.
    pending: list[str] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def settled(self) -> bool:
        return not self.problems and not self.pending


async def _bank_ledger(http: httpx.AsyncClient, sim: str) -> dict[str, Any]:
    r = await http.get(f"{sim}/bank/ledger")
    r.raise_for_status()
    ledger: dict[str, Any] = r.json()
    return ledger


async def _his_records(
    http: httpx.AsyncClient, sim: str, key: str, orders: list[Order]
) -> dict[str, dict[str, Any]]:
    """The HIS's registration or bill payment for each of our orders, if it has one."""
    sem = asyncio.Semaphore(20)

    async def one(order: Order) -> tuple[str, dict[str, Any] | None]:
        path = "registrations" if order.kind == "REGISTRATION" else "bill-payments"
        async with sem:
            r = await http.get(
                f"{sim}/his/{path}", params={"orderId": order.id}, headers={"X-His-Key": key}
            )
        r.raise_for_status()
        found = r.json()
        return order.id, (found[0] if found else None)

    pairs = await asyncio.gather(*(one(o) for o in orders))
    return {order_id: record for order_id, record in pairs if record is not None}


async def _his_capacities(
    http: httpx.AsyncClient, sim: str, key: str, schedule_ids: set[str]
) -> dict[str, int]:
    if not schedule_ids:
        return {}
    r = await http.get(
        f"{sim}/his/schedules",
        params={"ids": ",".join(sorted(schedule_ids))},
        headers={"X-His-Key": key},
    )
    r.raise_for_status()
    return {slot["id"]: slot["capacity"] for s in r.json() for slot in s["slots"]}


async def judge(settings: Settings, sim: str) -> Verdict:
    """One look at everything; `pending` lists what a still-working system may yet settle."""
    v = Verdict()
    engine = create_engine(settings.database_url)
    now = Clock(settings.tz).now()
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            orders = list((await session.exec(select(Order))).all())
            payments = list((await session.exec(select(Payment))).all())
            refunds = list((await session.exec(select(Refund))).all())
            holds = list((await session.exec(select(PlaceHold))).all())
            inventory = list((await session.exec(select(SlotInventory))).all())
            today_reconciled = (
                await session.exec(select(Reconciliation).where(Reconciliation.day == now.date()))
            ).first()
            batches = list((await session.exec(select(RefundBatch))).all())
    finally:
        await engine.dispose()
    key = settings.his_api_key.get_secret_value()
    async with httpx.AsyncClient(timeout=30) as http:
        ledger = await _bank_ledger(http, sim)
        his = await _his_records(http, sim, key, orders)
        capacity = await _his_capacities(
            http, sim, key, {o.schedule_id for o in orders if o.schedule_id}
        )

    if today_reconciled is not None or batches:
        v.problems.append("a reconciliation ran: the books must balance without one")

    # --- invariant 2, per order: paid = kept + refunded + owed --------------------------------
    by_order = {o.id: o for o in orders}
    order_of_trade = {p.out_trade_no: p.order_id for p in payments}
    paid: dict[str, int] = defaultdict(int)
    refunded: dict[str, int] = defaultdict(int)
    for line in ledger["payments"]:
        order_id = order_of_trade.get(line["out_trade_no"])
        if order_id is None:
            v.problems.append(f"the bank took {line} for a payment we do not know")
            continue
        paid[order_id] += line["amount"]
    for line in ledger["refunds"]:
        order_id = order_of_trade.get(line["out_trade_no"])
        if order_id is None:
            v.problems.append(f"the bank refunded {line} for a payment we do not know")
        elif line["state"] == "SUCCESS":
            refunded[order_id] += line["amount"]
        elif line["state"] == "PROCESSING":
            v.pending.append(f"refund {line['out_refund_no']} still PROCESSING at the bank")
    bank_refund_state = {r["out_refund_no"]: r["state"] for r in ledger["refunds"]}
    owed: dict[str, int] = defaultdict(int)
    for r in refunds:
        at_bank = bank_refund_state.get(r.out_refund_no)
        if r.mode in IMMEDIATE and at_bank != "SUCCESS":
            v.pending.append(
                f"immediate refund {r.id} of {r.order_id}: ours {r.status}, bank {at_bank}"
            )
        if r.status == "SUCCEEDED" and at_bank != "SUCCESS":
            v.problems.append(
                f"refund {r.id} of {r.order_id} SUCCEEDED here, {at_bank} at the bank"
            )
        if at_bank != "SUCCESS":
            owed[r.order_id] += r.amount
    kept_total = 0
    for o in orders:
        if o.status in IN_FLIGHT:
            v.pending.append(f"order {o.id} still {o.status}")
        kept = o.amount if o.status in KEPT else 0
        kept_total += kept
        if paid[o.id] != kept + refunded[o.id] + owed[o.id]:
            v.pending.append(
                f"order {o.id} ({o.kind}, {o.status}, {o.amount} fen): bank took {paid[o.id]}, "
                f"kept {kept}, refunded {refunded[o.id]}, owed {owed[o.id]}; payments "
                + str([(p.out_trade_no, p.status) for p in payments if p.order_id == o.id])
            )
    total_paid = sum(line["amount"] for line in ledger["payments"])
    total_refunded = ledger["totals"]["refunded"]
    total_owed = sum(owed.values())
    if total_paid != kept_total + total_refunded + total_owed:
        v.pending.append(
            f"in total the bank took {total_paid}: kept {kept_total}, refunded {total_refunded}, "
            f"owed {total_owed}"
        )
    v.figures.update(
        orders=len(orders), paid_fen=total_paid, kept_fen=kept_total,
        refunded_fen=total_refunded, owed_fen=total_owed, bank_payments=len(ledger["payments"]),
        bank_refunds=len(ledger["refunds"]),
        late_payments=sum(1 for line in ledger["payments"] if line["late"]),
    )  # fmt: skip
    for status in sorted({o.status for o in orders}):
        v.figures[f"orders_{status}"] = sum(1 for o in orders if o.status == status)

    # --- invariant 1: no slot above capacity, ours and the HIS's agreeing -------------------
    seats: dict[str, int] = defaultdict(int)
    for o in orders:
        if o.slot_id and o.status in SEAT_ORDERS:
            seats[o.slot_id] += 1
        record = his.get(o.id)
        held_at_his = record is not None and record["status"] in HIS_HELD
        if o.status in KEPT and not held_at_his:
            v.problems.append(f"order {o.id} {o.status} here, HIS has {record}")
        if held_at_his and o.status not in KEPT:
            v.pending.append(f"order {o.id} {o.status} here, but the HIS holds {record}")
    his_seats: dict[str, int] = defaultdict(int)
    for record in his.values():
        if record.get("slotId") and record["status"] in HIS_HELD:
            his_seats[record["slotId"]] += 1
    for slot_id, cap in capacity.items():
        if seats[slot_id] > cap:
            v.problems.append(f"slot {slot_id}: {seats[slot_id]} active orders, capacity {cap}")
        if his_seats[slot_id] > cap:
            v.problems.append(
                f"slot {slot_id}: {his_seats[slot_id]} HIS registrations, capacity {cap}"
            )
    for row in inventory:
        if row.held > capacity.get(row.slot_id, row.capacity):
            v.problems.append(f"slot {row.slot_id} holds {row.held} of {row.capacity}")
    v.figures["slots_used"] = len(seats)

    # --- no place held without an order after a minute ---------------------------------------
    for hold in holds:
        if hold.id in by_order:
            v.pending.append(f"hold {hold.id} outlived its order's commit")
        elif hold.created_at < now - timedelta(minutes=1):
            v.pending.append(
                f"hold {hold.id} on {hold.slot_id} without an order since {hold.created_at}"
            )
    holds_by_slot: dict[str, int] = defaultdict(int)
    for hold in holds:
        holds_by_slot[hold.slot_id] += 1
    for row in inventory:
        counted = seats[row.slot_id] + holds_by_slot[row.slot_id]
        if row.held != counted:
            v.pending.append(f"slot {row.slot_id} counts {row.held}, orders and holds {counted}")
    return v


async def settle(settings: Settings, sim: str, within: float) -> Verdict:
    """Poll until everything is settled (or a problem that cannot heal shows), at most `within`."""
    deadline = time.monotonic() + within
    while True:
        verdict = await judge(settings, sim)
        if verdict.settled or verdict.problems or time.monotonic() > deadline:
            return verdict
        await asyncio.sleep(2)
