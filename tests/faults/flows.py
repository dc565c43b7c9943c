"""Patients' journeys as the mobile app makes them, against whichever server answers: a
request that meets a dead server goes to the other one, as a phone's retry would (the
idempotency keys make a repeat safe)."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import httpx

from fixtures.graphql import contract_document
from fixtures.population import Booker

RETRYABLE_CODES = {"UPSTREAM_UNAVAILABLE", "RATE_LIMITED", "TRY_AGAIN", "INTERNAL"}


class Flow(StrEnum):
    PAY = "pay"  # book, pay at the cashier: confirmed (or refunded when the HIS refuses)
    CANCEL = "cancel"  # book, pay, wait for the confirmation, cancel: refunded
    UNPAID = "unpaid"  # book, open the cashier, never pay: expires
    LATE = "late"  # book, open the cashier, pay after the window: a long payment, refunded
    GIVE_UP_THEN_PAY = "give_up_then_pay"  # cancel at the cashier, pay a new bank order
    BILL = "bill"  # pay outpatient bills


PLAN = [Flow.PAY] * 9 + [Flow.CANCEL] * 3 + [Flow.UNPAID] * 2 + [Flow.LATE] * 2
PLAN += [Flow.GIVE_UP_THEN_PAY, Flow.BILL, Flow.BILL, Flow.BILL]


@dataclass
class Tally:
    """What the patients saw, for the report."""

    steps: Counter[str] = field(default_factory=Counter)
    orders: dict[str, Flow] = field(default_factory=dict)
    odd: list[str] = field(default_factory=list)

    def note(self, flow: Flow, what: str) -> None:
        self.steps[f"{flow}:{what}"] += 1


class App:
    """The mobile app of one patient, talking to any of the servers."""

    def __init__(self, http: httpx.AsyncClient, servers: list[str], booker: Booker) -> None:
        self.http = http
        self.servers = servers
        self.booker = booker
        self.rng = random.Random(booker.patient_id)
        # Answers that were neither data nor a clean refusal, for the report.
        self.odd: list[str] = []

    async def op(self, name: str, variables: dict[str, Any], *, within: float = 60) -> Any:
        """One contract operation; a dead server, a 5xx or a retryable answer is tried again
        (on a server picked at random) until `within` seconds have passed."""
        deadline = time.monotonic() + within
        while True:
            server = self.rng.choice(self.servers)
            try:
                r = await self.http.post(
                    f"{server}/graphql",
                    json={
                        "query": contract_document(),
                        "operationName": name,
                        "variables": variables,
                    },
                    headers={"Authorization": f"Bearer {self.booker.token}"},
                )
                body = r.json() if r.status_code == 200 else {}
                data = next(iter((body.get("data") or {}).values()), None)
                if "errors" in body or not isinstance(data, dict):
                    self.odd.append(f"{name} on {server}: {r.status_code} {r.text[:300]}")
                elif data.get("code") not in RETRYABLE_CODES:
                    return data
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} got no answer in {within}s")
            await asyncio.sleep(0.5)

    async def send(self, url: str, body: dict[str, Any]) -> httpx.Response:
        """A POST to the simulators (the cashier, the HIS desk), tried again if unanswered."""
        for _ in range(20):
            try:
                return await self.http.post(url, json=body)
            except httpx.HTTPError as exc:
                self.odd.append(f"{url}: {exc!r}")
                await asyncio.sleep(0.5)
        raise TimeoutError(f"{url} never answered")

    async def cashier(self, pay_url: str, action: str) -> int:
        return (await self.send(pay_url, {"action": action})).status_code

    async def book(self, slot_id: str, key: str) -> dict[str, Any]:
        """The bookAppointment answer: the order, or the refusal's code."""
        data: dict[str, Any] = await self.op(
            "BookAppointment",
            {
                "input": {
                    "patientId": self.booker.patient_id,
                    "slotId": slot_id,
                    "idempotencyKey": key,
                }
            },
        )
        return data

    async def pay(self, order_id: str, key: str) -> dict[str, Any] | None:
        data = await self.op("PayOrder", {"orderId": order_id, "idempotencyKey": key})
        if data["__typename"] != "PayOrderSuccess":
            return None
        payment: dict[str, Any] = data["payment"]
        return payment

    async def status(self, order_id: str) -> str:
        data = await self.op("Order", {"id": order_id})
        return str(data["status"])

    async def wait_for(self, order_id: str, wanted: set[str], within: float) -> str:
        deadline = time.monotonic() + within
        status = await self.status(order_id)
        while status not in wanted and time.monotonic() < deadline:
            await asyncio.sleep(1.0)
            status = await self.status(order_id)
        return status


async def run_flow(
    app: App, flow: Flow, slot_id: str, sim_his: str, tally: Tally, index: int
) -> None:
    try:
        await _run(app, flow, slot_id, sim_his, tally, index)
    except TimeoutError as exc:
        # Faults can outlast a patient's patience; the checker judges what was left behind.
        tally.note(flow, f"gave up ({exc})")
    tally.odd += app.odd


async def _run(app: App, flow: Flow, slot_id: str, sim_his: str, tally: Tally, i: int) -> None:
    if flow is Flow.BILL:
        bill = {
            "patientId": app.booker.patient_id,
            "items": [{"code": "LAB-1", "name": "血常规", "amount": 2500 + i}],
        }
        r = await app.send(f"{sim_his}/bills", bill)
        r.raise_for_status()
        data = await app.op(
            "PayBills",
            {
                "input": {
                    "patientId": app.booker.patient_id,
                    "billIds": [r.json()["id"]],
                    "idempotencyKey": f"bill-{i}",
                }
            },
        )
        if data["__typename"] != "PayBillsSuccess":
            tally.note(flow, data.get("code", data["__typename"]))
            return
        order = data["order"]
    else:
        booked = await app.book(slot_id, f"book-{i}")
        if booked["__typename"] != "BookAppointmentSuccess":
            tally.note(flow, f"not booked: {booked['code']}")
            return
        order = booked["order"]
    tally.orders[order["id"]] = flow
    payment = await app.pay(order["id"], f"pay-{i}")
    if payment is None:
        tally.note(flow, "not payable")
        return
    if flow is Flow.UNPAID:
        tally.note(flow, "left unpaid")
        return
    if flow is Flow.LATE:
        # The patient comes back after the window (pacing the patient, not waiting on us).
        expires = datetime.fromisoformat(payment["expiresAt"])
        await asyncio.sleep(max(0.0, (expires - datetime.now(expires.tzinfo)).total_seconds() + 2))
    if flow is Flow.GIVE_UP_THEN_PAY:
        await app.cashier(payment["payUrl"], "cancel")
        payment = await app.pay(order["id"], f"pay2-{i}")
        if payment is None:
            tally.note(flow, "not payable again")
            return
    code = await app.cashier(payment["payUrl"], "pay")
    tally.note(flow, f"cashier {code}")
    if flow is Flow.CANCEL:
        if await app.wait_for(order["id"], {"CONFIRMED", "FAILED"}, 60) != "CONFIRMED":
            tally.note(flow, "never confirmed")
            return
        data = await app.op("CancelAppointment", {"orderId": order["id"], "reason": "故障演练"})
        tally.note(flow, data["__typename"] if "code" not in data else data["code"])
