"""The simulated HIS's bills: what they cost (with the supplementary charges the HIS adds),
holding them at a price while the patient pays, and paying them. The caller holds
`state.lock`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hospital_bff.simulators.his.errors import HisError, invalid
from hospital_bff.simulators.his.records import BillLockRecord, BillPaymentRecord, BillRecord
from hospital_bff.simulators.his.rules import lock_active
from hospital_bff.simulators.his.state import HisState

# Supplementary charges the HIS adds when bills are paid: one blood draw whatever the tests.
BLOOD_DRAW = {"code": "SUP-BLOOD", "name": "采血费", "amount": 500}
MATERIALS = {"code": "SUP-MAT", "name": "一次性材料费", "amount": 200}


def bill_status(state: HisState, bill: BillRecord, now: datetime) -> str:
    if bill.paid_by is not None:
        return "PAID"
    if bill_holder(state, bill.id, now) is not None:
        return "LOCKED"
    return "UNPAID"


def bill_holder(state: HisState, bill_id: str, now: datetime) -> BillLockRecord | None:
    for lock in state.bill_locks.values():
        if bill_id in lock.bill_ids and lock_active(lock, now):
            return lock
    return None


def payable_bills(state: HisState, patient_id: str, bill_ids: list[str]) -> list[BillRecord]:
    state.get_patient(patient_id)
    if not bill_ids or len(set(bill_ids)) != len(bill_ids):
        raise invalid("billIds must be a non-empty list without repeats")
    bills = []
    for bill_id in bill_ids:
        bill = state.bills.get(bill_id)
        if bill is None or bill.patient_id != patient_id:
            raise HisError(409, "BILL_NOT_PAYABLE", f"bill {bill_id} is not this patient's")
        bills.append(bill)
    return bills


def quote(
    state: HisState, patient_id: str, bill_ids: list[str]
) -> tuple[list[dict[str, Any]], int]:
    bills = payable_bills(state, patient_id, bill_ids)
    for bill in bills:
        if bill.paid_by is not None:
            raise HisError(409, "BILL_NOT_PAYABLE", f"bill {bill.id} is already paid")
    items = [dict(item) for bill in bills for item in bill.items]
    if any(str(i["code"]).startswith("LAB-") for i in items):
        items.append(dict(BLOOD_DRAW))
    if any(str(i["code"]).startswith("EXAM-") for i in items):
        items.append(dict(MATERIALS))
    return items, sum(int(i["amount"]) for i in items)


def lock_bills(
    state: HisState, lock_id: str, patient_id: str, bill_ids: list[str], ttl_seconds: int
) -> BillLockRecord:
    now = state.clock.now()
    existing = state.bill_locks.get(lock_id)
    if existing is not None:
        if (existing.patient_id, set(existing.bill_ids)) != (patient_id, set(bill_ids)):
            raise HisError(409, "IDEMPOTENCY_CONFLICT", "lockId used for other bills")
        if existing.consumed_by is not None or lock_active(existing, now):
            return existing
    bills = payable_bills(state, patient_id, bill_ids)
    for bill in bills:
        holder = bill_holder(state, bill.id, now)
        if bill.paid_by is not None or (holder is not None and holder.lock_id != lock_id):
            raise HisError(409, "BILL_NOT_PAYABLE", f"bill {bill.id} is paid or being paid")
    _, amount = quote(state, patient_id, bill_ids)
    lock = BillLockRecord(
        lock_id,
        patient_id,
        tuple(bill_ids),
        amount,
        expires_at=now + timedelta(seconds=ttl_seconds),
    )
    state.bill_locks[lock_id] = lock
    return lock


def release_bill_lock(state: HisState, lock_id: str) -> None:
    lock = state.bill_locks.get(lock_id)
    if lock is not None and lock.consumed_by is None:
        lock.released = True


def pay_bills(
    state: HisState,
    *,
    order_id: str,
    lock_id: str,
    patient_id: str,
    bill_ids: list[str],
    amount: int,
    payment_ref: str,
) -> BillPaymentRecord:
    now = state.clock.now()
    existing_id = state.bill_payment_by_order.get(order_id)
    if existing_id is not None:
        existing = state.bill_payments[existing_id]
        if (existing.patient_id, set(existing.bill_ids)) != (patient_id, set(bill_ids)):
            raise HisError(409, "IDEMPOTENCY_CONFLICT", "orderId used for other bills")
        return existing
    if state.faults.fail_confirm:
        raise HisError(409, "CONFIRM_REFUSED", "the HIS refused to confirm (simulated)")
    lock = state.bill_locks.get(lock_id)
    if lock is None or not lock_active(lock, now):
        raise HisError(409, "CONFIRM_REFUSED", "the bill lock is gone")
    if (lock.patient_id, set(lock.bill_ids)) != (patient_id, set(bill_ids)):
        raise HisError(409, "CONFIRM_REFUSED", "the bill lock is for other bills")
    if amount != lock.amount:
        raise HisError(409, "AMOUNT_MISMATCH", f"the amount is {lock.amount} fen")
    payment = BillPaymentRecord(
        id=state.next_id("bp"),
        order_id=order_id,
        lock_id=lock_id,
        patient_id=patient_id,
        bill_ids=tuple(bill_ids),
        amount=amount,
        payment_ref=payment_ref,
        paid_at=now,
    )
    lock.consumed_by = order_id
    for bill_id in bill_ids:
        state.bills[bill_id].paid_by = payment.id
    state.bill_payments[payment.id] = payment
    state.bill_payment_by_order[order_id] = payment.id
    return payment


def create_bill(
    state: HisState, patient_id: str, title: str, items: list[dict[str, Any]]
) -> BillRecord:
    """A doctor ordered tests or drugs: an unpaid bill."""
    state.get_patient(patient_id)
    bill = BillRecord(
        id=state.next_id("bill"),
        patient_id=patient_id,
        title=title,
        issued_at=state.clock.now(),
        items=items,
    )
    state.bills[bill.id] = bill
    return bill
