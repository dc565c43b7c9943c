"""The HIS client: its DTOs against the simulator, and its behaviour when the HIS misbehaves."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import httpx
import pytest
import respx
from starlette.applications import Starlette

from fixtures.his_sim import BASE
from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.errors import (
    HisUnavailable,
    UpstreamRejected,
    UpstreamTimeout,
)
from hospital_bff.datasources.his import HisClient
from hospital_bff.datasources.his_models import HisEvent, Schedule
from hospital_bff.datasources.his_webhook import verify_his_signature
from hospital_bff.datasources.http import CircuitBreaker
from hospital_bff.simulators.his import HisState, sign_event
from hospital_bff.simulators.his.rules import register_at_window

START = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
SLOT = "slot-exp-nk-1-20261128-AM-0800"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


# --- DTOs against the simulator ---------------------------------------------------------------


async def test_catalogue(his: HisClient) -> None:
    departments = {d.id: d for d in await his.departments()}
    experts = await his.experts(department_id="dep-fck")
    by_ids = await his.experts(ids=["exp-nk-1", "exp-yk-2"])
    schedules = await his.schedules(
        expert_id="exp-nk-1", date_from=date(2026, 11, 28), date_to=date(2026, 11, 28)
    )

    assert departments["dep-fck"].restriction.sex == "FEMALE"
    assert departments["dep-ek"].restriction.max_age == 14
    assert departments["dep-xhnk"].parent_id == "dep-nk"
    assert {e.department_id for e in experts} == {"dep-fck"}
    assert {e.id for e in by_ids} == {"exp-nk-1", "exp-yk-2"}
    assert await his.experts(ids=[]) == []
    assert [s.period for s in schedules] == ["MORNING", "AFTERNOON"]
    morning = schedules[0]
    assert isinstance(morning, Schedule)
    assert morning.fee == 6000
    assert morning.slots[0].starts_at == datetime(2026, 11, 28, 8, 0, tzinfo=SHANGHAI)
    assert morning.remaining == morning.capacity


async def test_slot_and_missing_things_are_none(his: HisClient) -> None:
    slot = await his.slot(SLOT)
    assert slot is not None
    assert slot.schedule.id == "sch-exp-nk-1-20261128-AM"
    assert slot.schedule.slots == []
    assert await his.slot("slot-nope") is None
    assert await his.patient("pat-nope") is None
    assert await his.report("rpt-nope") is None


async def test_patients(his: HisClient) -> None:
    patient = await his.patient("pat-0002")
    assert patient is not None
    assert patient.insurance == "MEDICAL_INSURANCE"
    found = await his.lookup_patients(patient.id_number)
    assert found == [patient]
    assert await his.lookup_patients("110101190001010000") == []


async def test_booking_round_trip(his: HisClient) -> None:
    held = await his.lock_slot("lock-1", SLOT, "pat-0001", ttl_seconds=600)
    registration = await his.register("order-1", "lock-1", SLOT, "pat-0001", 6000, "pay-1")
    found = await his.registrations_for_order("order-1")
    cancelled = await his.cancel_registration(registration.id, "行程有变")

    assert held.expires_at == START + timedelta(seconds=600)
    assert (registration.number, registration.status) == (1, "CONFIRMED")
    assert registration.suggested_arrival == datetime(2026, 11, 28, 7, 45, tzinfo=SHANGHAI)
    assert found == [registration]
    assert cancelled.status == "CANCELLED"
    assert await his.registrations_for_order("order-2") == []
    await his.release_slot_lock("lock-unknown")


async def test_a_refused_confirm_keeps_its_code(his: HisClient, his_app: Starlette) -> None:
    state: HisState = his_app.state.his
    await his.lock_slot("lock-1", SLOT, "pat-0001", ttl_seconds=600)
    state.faults.fail_confirm = True
    calls = his.calls

    with pytest.raises(UpstreamRejected) as refused:
        await his.register("order-1", "lock-1", SLOT, "pat-0001", 6000, "pay-1")

    assert refused.value.code == "CONFIRM_REFUSED"
    assert refused.value.system == "his"
    assert his.calls == calls + 1  # a refusal is an answer, never retried


async def test_a_full_slot_is_rejected_with_its_code(his: HisClient) -> None:
    await his.lock_slot("a", SLOT, "pat-0001", ttl_seconds=600)
    await his.lock_slot("b", SLOT, "pat-0002", ttl_seconds=600)
    with pytest.raises(UpstreamRejected) as full:
        await his.lock_slot("c", SLOT, "pat-0004", ttl_seconds=600)
    assert full.value.code == "SLOT_FULL"


async def test_bills_round_trip(his: HisClient) -> None:
    unpaid = await his.unpaid_bills("pat-0001")
    bill_ids = [b.id for b in unpaid]
    quote = await his.quote_bills("pat-0001", bill_ids)
    held = await his.lock_bills("bl-1", "pat-0001", bill_ids, ttl_seconds=600)
    payment = await his.pay_bills("order-9", "bl-1", "pat-0001", bill_ids, quote.amount, "p-9")

    assert sum(b.amount for b in unpaid) < quote.amount  # the HIS adds supplementary items
    assert unpaid[0].items[0].amount > 0
    assert held.amount == quote.amount
    assert (payment.status, payment.amount) == ("CONFIRMED", quote.amount)
    assert await his.bill_payments_for_order("order-9") == [payment]
    assert await his.unpaid_bills("pat-0001") == []
    await his.release_bill_lock("bl-1")


async def test_reports_and_prescriptions(his: HisClient) -> None:
    summaries = await his.reports("pat-0002")
    finals = [s for s in summaries if s.status == "FINAL"]
    report = await his.report(finals[0].id)
    prescriptions = await his.prescriptions("pat-0002")

    assert {s.status for s in summaries} == {"FINAL", "PENDING"}
    assert report is not None
    assert report.items[0].reference_range
    assert prescriptions[0].items[0].drug_name == "阿莫西林胶囊"


async def test_the_key_is_sent(his_app: Starlette) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=his_app)) as http:
        keyless = HisClient(http, BASE)
        with pytest.raises(UpstreamRejected) as refused:
            await keyless.departments()
    assert refused.value.code == "UNAUTHORIZED"


def test_events_parse() -> None:
    event = HisEvent.model_validate(
        {
            "id": "evt-1",
            "type": "SCHEDULE_SUSPENDED",
            "occurredAt": "2026-11-27T09:00:00+08:00",
            "data": {"scheduleId": "sch-1", "reason": "停诊"},
        }
    )
    assert event.occurred_at == START
    assert event.data["scheduleId"] == "sch-1"


# --- an HIS that misbehaves -------------------------------------------------------------------


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_reads_are_retried_on_503(
    respx_mock: respx.MockRouter, plain_http: httpx.AsyncClient
) -> None:
    route = respx_mock.get("/departments").mock(
        side_effect=[httpx.Response(503), httpx.Response(503), httpx.Response(200, json=[])]
    )
    his = HisClient(plain_http, BASE, read_retries=2)

    assert await his.departments() == []
    assert route.call_count == 3


@respx.mock(base_url=BASE)
async def test_keyed_writes_are_retried_but_cancel_is_not(
    respx_mock: respx.MockRouter, plain_http: httpx.AsyncClient
) -> None:
    lock = respx_mock.post("/slot-locks").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(
                200,
                json={"lockId": "l", "slotId": SLOT, "expiresAt": "2026-11-27T09:10:00+08:00"},
            ),
        ]
    )
    cancel = respx_mock.post("/registrations/reg-1/cancel").mock(return_value=httpx.Response(503))
    his = HisClient(plain_http, BASE, read_retries=2)

    assert (await his.lock_slot("l", SLOT, "pat-0001", 600)).lock_id == "l"
    with pytest.raises(HisUnavailable):
        await his.cancel_registration("reg-1", "x")
    assert (lock.call_count, cancel.call_count) == (2, 1)


@respx.mock(base_url=BASE)
async def test_the_breaker_opens_and_fails_fast(
    respx_mock: respx.MockRouter, plain_http: httpx.AsyncClient
) -> None:
    route = respx_mock.get("/departments").mock(return_value=httpx.Response(503))
    breaker = CircuitBreaker("his", failure_threshold=3, reset_seconds=60)
    his = HisClient(plain_http, BASE, read_retries=0, breaker=breaker)

    for _ in range(3):
        with pytest.raises(HisUnavailable):
            await his.departments()
    with pytest.raises(HisUnavailable, match="circuit open"):
        await his.departments()

    assert route.call_count == 3
    assert breaker.is_open


@respx.mock(base_url=BASE)
async def test_a_timeout_is_an_unknown_outcome(
    respx_mock: respx.MockRouter, plain_http: httpx.AsyncClient
) -> None:
    respx_mock.post("/registrations").mock(side_effect=httpx.ReadTimeout("slow"))
    his = HisClient(plain_http, BASE, read_retries=1)

    with pytest.raises(UpstreamTimeout):
        await his.register("order-1", "lock-1", SLOT, "pat-0001", 6000, "pay-1")


async def test_an_unknown_path_is_none_not_an_error(plain_http: httpx.AsyncClient) -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.get("/reports/r-1").mock(return_value=httpx.Response(404, text="no"))
        his = HisClient(plain_http, BASE)
        assert await his.report("r-1") is None


# --- webhook signatures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "timestamp_shift", "tamper", "expected"),
    [
        ("s3cret", 0, False, True),
        ("s3cret", -299, False, True),
        ("s3cret", -301, False, False),  # stale: a replay
        ("s3cret", 301, False, False),  # from the future
        ("other", 0, False, False),
        ("s3cret", 0, True, False),
    ],
)
def test_verify_his_signature(
    secret: str, timestamp_shift: int, tamper: bool, expected: bool
) -> None:
    body = b'{"id":"evt-1","type":"REPORT_READY"}'
    timestamp = str(int(START.timestamp()) + timestamp_shift)
    signature = sign_event("s3cret", timestamp, body)
    received = body + b" " if tamper else body

    assert verify_his_signature(secret, timestamp, received, signature, START) is expected


def test_verify_his_signature_rejects_a_malformed_timestamp() -> None:
    assert not verify_his_signature("s", "soon", b"{}", sign_event("s", "soon", b"{}"), START)


async def test_active_registrations_of_every_channel(his: HisClient, his_app: Starlette) -> None:
    state: HisState = his_app.state.his
    register_at_window(state, SLOT, "pat-0001")
    day = date(2026, 11, 28)
    [found] = await his.active_registrations("pat-0001", day, day)
    assert found.order_id is None
    assert (found.department_id, found.visit_date) == ("dep-nk", day)
    assert await his.active_registrations("pat-0001", day + timedelta(days=1), day) == []
    with pytest.raises(UpstreamRejected):
        await his.active_registrations("nobody", day, day)


# --- a booking's read of its slot ---------------------------------------------------------------


async def test_an_open_slot_is_read_once_within_its_window(his: HisClient) -> None:
    calls = his.calls
    first = await his.bookable_slot(SLOT, within=60)
    again = await his.bookable_slot(SLOT, within=60)
    assert first is not None and again == first
    assert his.calls == calls + 1, "the second read was the first's answer"
    assert await his.bookable_slot(SLOT, within=0) == first
    assert his.calls == calls + 2, "older than the window: asked again"


async def test_a_refused_lock_makes_the_next_read_fresh(his: HisClient) -> None:
    await his.bookable_slot(SLOT, within=60)
    calls = his.calls
    his.forget_bookable(SLOT)
    await his.bookable_slot(SLOT, within=60)
    assert his.calls == calls + 1


async def test_a_slot_not_on_sale_is_never_kept(his: HisClient, his_app: Starlette) -> None:
    # Full: a place that comes back must be seen by the next booking at once.
    await his.lock_slot("a", SLOT, "pat-0001", ttl_seconds=600)
    await his.lock_slot("b", SLOT, "pat-0002", ttl_seconds=600)
    full = await his.bookable_slot(SLOT, within=60)
    assert full is not None and full.remaining == 0
    await his.release_slot_lock("a")
    calls = his.calls
    freed = await his.bookable_slot(SLOT, within=60)
    assert freed is not None and freed.remaining == 1
    assert his.calls == calls + 1
    # Suspended: asked each time, so a schedule put back on sale is bookable at once.
    state: HisState = his_app.state.his
    state.schedules["sch-exp-nk-1-20261128-AM"].status = "SUSPENDED"
    his.forget_bookable(SLOT)
    for _ in range(2):
        suspended = await his.bookable_slot(SLOT, within=60)
        assert suspended is not None and suspended.schedule.status == "SUSPENDED"
    assert his.calls == calls + 3
    assert await his.bookable_slot("slot-nope", within=60) is None
