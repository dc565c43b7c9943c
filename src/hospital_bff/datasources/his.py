"""The client of the hospital's HIS WebAPI (docs/his-api.md)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter

from hospital_bff.datasources.errors import HisUnavailable, UpstreamRejected
from hospital_bff.datasources.his_models import (
    Bill,
    BillLock,
    BillPayment,
    BillQuote,
    Department,
    Expert,
    HisPatient,
    Prescription,
    QueueEntry,
    Registration,
    RegistrationTotal,
    Report,
    ReportSummary,
    Schedule,
    SlotLock,
    SlotWithSchedule,
)
from hospital_bff.datasources.http import CircuitBreaker, JsonClient

M = TypeVar("M", bound=BaseModel)

# At most this many slots' answers kept for `bookable_slot` (a release's few slots, or the
# whole day's of a busy hospital, are far fewer).
_BOOKABLE_KEPT = 4096

# Codes with which a HIS says "no such thing" (ours, or a bare 404 without a body).
_NOT_FOUND = {"NOT_FOUND", "HTTP_404"}


def _one(model: type[M], data: Any) -> M:
    return model.model_validate(data)


@cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _many(model: type[M], data: Any) -> list[M]:
    items: list[M] = _list_adapter(model).validate_python(data)
    return items


def _seg(value: str) -> str:
    """One path segment: IDs are opaque, so a '/' or '?' in one must not change the URL."""
    return quote(value, safe="")


async def _or_none(call: Awaitable[Any]) -> Any | None:
    try:
        return await call
    except UpstreamRejected as exc:
        if exc.code in _NOT_FOUND:
            return None
        raise


class HisClient(JsonClient):
    """Typed calls to the HIS; lock, confirm and pay calls carry keys and so may be retried."""

    unavailable = HisUnavailable
    system = "his"

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 3.0,
        read_retries: int = 2,
        breaker: CircuitBreaker | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        all_headers = dict(headers or {})
        if api_key is not None:
            all_headers["X-His-Key"] = api_key
        super().__init__(
            http,
            base_url,
            timeout=timeout,
            read_retries=read_retries,
            breaker=breaker or CircuitBreaker(self.system, 5, 10.0),
            headers=all_headers,
        )
        self._bookable: dict[str, tuple[float, SlotWithSchedule]] = {}

    # --- catalogue ----------------------------------------------------------------------------

    async def departments(self) -> list[Department]:
        return _many(Department, await self.request("GET", "/departments"))

    async def experts(
        self, department_id: str | None = None, ids: Sequence[str] | None = None
    ) -> list[Expert]:
        if ids is not None and not ids:
            return []
        params: dict[str, str] = {}
        if department_id is not None:
            params["departmentId"] = department_id
        if ids is not None:
            params["ids"] = ",".join(ids)
        return _many(Expert, await self.request("GET", "/experts", params=params))

    async def schedules(
        self,
        department_id: str | None = None,
        expert_id: str | None = None,
        ids: Sequence[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[Schedule]:
        if ids is not None and not ids:
            return []
        params: dict[str, str] = {}
        if department_id is not None:
            params["departmentId"] = department_id
        if expert_id is not None:
            params["expertId"] = expert_id
        if ids is not None:
            params["ids"] = ",".join(ids)
        if date_from is not None:
            params["from"] = date_from.isoformat()
        if date_to is not None:
            params["to"] = date_to.isoformat()
        return _many(Schedule, await self.request("GET", "/schedules", params=params))

    async def slot(self, slot_id: str) -> SlotWithSchedule | None:
        data = await _or_none(self.request("GET", f"/slots/{_seg(slot_id)}"))
        return None if data is None else _one(SlotWithSchedule, data)

    async def bookable_slot(self, slot_id: str, within: float) -> SlotWithSchedule | None:
        """A booking's read of its slot: as `slot` answers now, or as it answered within the
        last `within` seconds if it was on sale with places left then. A burst books the same
        few slots hundreds of times a second, and each read cost the HIS and us a call. What
        changed since is not missed: the lock (`lock_slot`) refuses a slot that filled or was
        suspended meanwhile, and an answer that was not on sale is never kept, so a place
        that came back is seen at once."""
        now = time.monotonic()
        kept = self._bookable.get(slot_id)
        if kept is not None and now - kept[0] < within:
            return kept[1]
        slot = await self.slot(slot_id)
        if slot is None or slot.remaining <= 0 or slot.schedule.status != "OPEN":
            self._bookable.pop(slot_id, None)
            return slot
        if len(self._bookable) >= _BOOKABLE_KEPT:
            self._bookable.clear()
        self._bookable[slot_id] = (now, slot)
        return slot

    def forget_bookable(self, slot_id: str) -> None:
        """The HIS refused to lock the slot: its next booking reads it afresh."""
        self._bookable.pop(slot_id, None)

    # --- patient master index -----------------------------------------------------------------

    async def lookup_patients(self, id_number: str) -> list[HisPatient]:
        # A POST only to keep the ID number out of URLs and access logs; it changes nothing.
        data = await self.request(
            "POST", "/patients/lookup", json={"idNumber": id_number}, idempotent=True
        )
        return _many(HisPatient, data["patients"])

    async def patient(self, patient_id: str) -> HisPatient | None:
        data = await _or_none(self.request("GET", f"/patients/{_seg(patient_id)}"))
        return None if data is None else _one(HisPatient, data)

    # --- registration -------------------------------------------------------------------------

    async def lock_slot(
        self, lock_id: str, slot_id: str, patient_id: str, ttl_seconds: int
    ) -> SlotLock:
        body = {
            "lockId": lock_id,
            "slotId": slot_id,
            "patientId": patient_id,
            "ttlSeconds": ttl_seconds,
        }
        data = await self.request("POST", "/slot-locks", json=body, idempotent=True)
        return _one(SlotLock, data)

    async def release_slot_lock(self, lock_id: str) -> None:
        await self.request("DELETE", f"/slot-locks/{_seg(lock_id)}", idempotent=True)

    async def register(
        self,
        order_id: str,
        lock_id: str,
        slot_id: str,
        patient_id: str,
        amount: int,
        payment_ref: str,
    ) -> Registration:
        body = {
            "orderId": order_id,
            "lockId": lock_id,
            "slotId": slot_id,
            "patientId": patient_id,
            "amount": amount,
            "paymentRef": payment_ref,
        }
        data = await self.request("POST", "/registrations", json=body, idempotent=True)
        return _one(Registration, data)

    async def suspend_schedule(self, schedule_id: str, reason: str) -> None:
        """Staff stop an expert's session (停诊); the HIS then tells us with SCHEDULE_SUSPENDED."""
        await self.request(
            "POST",
            f"/schedules/{_seg(schedule_id)}/suspend",
            json={"reason": reason},
            idempotent=True,
        )

    async def registrations_for_order(self, order_id: str) -> list[Registration]:
        data = await self.request("GET", "/registrations", params={"orderId": order_id})
        return _many(Registration, data)

    async def active_registrations(
        self, patient_id: str, date_from: date, date_to: date
    ) -> list[Registration]:
        """The patient's CONFIRMED registrations for visits in [from, to], from every channel
        (ours, the window, the kiosks): what the booking limits count."""
        params = {"from": date_from.isoformat(), "to": date_to.isoformat(), "status": "active"}
        data = await self.request(
            "GET", f"/patients/{_seg(patient_id)}/registrations", params=params
        )
        return _many(Registration, data)

    async def cancel_registration(self, registration_id: str, reason: str) -> Registration:
        # Not retried: the caller settles an unknown outcome by reading the registration.
        data = await self.request(
            "POST", f"/registrations/{_seg(registration_id)}/cancel", json={"reason": reason}
        )
        return _one(Registration, data)

    # --- the queue on the visit day -------------------------------------------------------------

    async def check_in(self, registration_id: str) -> QueueEntry:
        """Put the registration in its schedule's queue; idempotent, so it may be retried."""
        data = await self.request(
            "POST", f"/registrations/{_seg(registration_id)}/check-in", idempotent=True
        )
        return _one(QueueEntry, data)

    async def queue_entry(self, registration_id: str) -> QueueEntry | None:
        """The registration's place in the queue; None while it is not checked in."""
        try:
            data = await self.request("GET", f"/registrations/{_seg(registration_id)}/queue")
        except UpstreamRejected as exc:
            if exc.code == "NOT_CHECKED_IN":
                return None
            raise
        return _one(QueueEntry, data)

    async def registration_total(self, day: date, department_id: str | None = None) -> int:
        """Registrations for visits on `day` at every channel, for one department or all."""
        params = {"date": day.isoformat()}
        if department_id is not None:
            params["departmentId"] = department_id
        data = await self.request("GET", "/statistics/registrations", params=params)
        return _one(RegistrationTotal, data).total

    # --- outpatient bills ---------------------------------------------------------------------

    async def unpaid_bills(self, patient_id: str) -> list[Bill]:
        data = await self.request(
            "GET", f"/patients/{_seg(patient_id)}/bills", params={"status": "UNPAID"}
        )
        return _many(Bill, data)

    async def quote_bills(self, patient_id: str, bill_ids: Sequence[str]) -> BillQuote:
        body = {"patientId": patient_id, "billIds": list(bill_ids)}
        data = await self.request("POST", "/bill-payments/quote", json=body, idempotent=True)
        return _one(BillQuote, data)

    async def lock_bills(
        self, lock_id: str, patient_id: str, bill_ids: Sequence[str], ttl_seconds: int
    ) -> BillLock:
        body = {
            "lockId": lock_id,
            "patientId": patient_id,
            "billIds": list(bill_ids),
            "ttlSeconds": ttl_seconds,
        }
        data = await self.request("POST", "/bill-locks", json=body, idempotent=True)
        return _one(BillLock, data)

    async def release_bill_lock(self, lock_id: str) -> None:
        await self.request("DELETE", f"/bill-locks/{_seg(lock_id)}", idempotent=True)

    async def pay_bills(
        self,
        order_id: str,
        lock_id: str,
        patient_id: str,
        bill_ids: Sequence[str],
        amount: int,
        payment_ref: str,
    ) -> BillPayment:
        body = {
            "orderId": order_id,
            "lockId": lock_id,
            "patientId": patient_id,
            "billIds": list(bill_ids),
            "amount": amount,
            "paymentRef": payment_ref,
        }
        data = await self.request("POST", "/bill-payments", json=body, idempotent=True)
        return _one(BillPayment, data)

    async def bill_payments_for_order(self, order_id: str) -> list[BillPayment]:
        data = await self.request("GET", "/bill-payments", params={"orderId": order_id})
        return _many(BillPayment, data)

    # --- reports and prescriptions ------------------------------------------------------------

    async def reports(self, patient_id: str) -> list[ReportSummary]:
        return _many(
            ReportSummary, await self.request("GET", f"/patients/{_seg(patient_id)}/reports")
        )

    async def report(self, report_id: str) -> Report | None:
        data = await _or_none(self.request("GET", f"/reports/{_seg(report_id)}"))
        return None if data is None else _one(Report, data)

    async def prescriptions(self, patient_id: str) -> list[Prescription]:
        data = await self.request("GET", f"/patients/{_seg(patient_id)}/prescriptions")
        return _many(Prescription, data)
