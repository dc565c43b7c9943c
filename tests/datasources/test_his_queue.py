"""The HIS client's queue calls: DTOs against the simulator, and retries and codes by respx."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
import respx
from starlette.applications import Starlette

from fixtures.his_sim import BASE
from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.errors import UpstreamRejected
from hospital_bff.datasources.his import HisClient
from hospital_bff.datasources.his_models import HisEvent
from hospital_bff.simulators.his import HisState
from hospital_bff.simulators.his.rules import register_at_window

VISIT_MORNING = datetime(2026, 11, 28, 7, 40, tzinfo=SHANGHAI)
SCHEDULE = "sch-exp-nk-1-20261128-AM"
ENTRY = {
    "registrationId": "reg-1",
    "orderId": "ord-1",
    "scheduleId": SCHEDULE,
    "number": 1,
    "status": "WAITING",
    "position": 1,
    "ahead": 0,
    "estimatedCallAt": "2026-11-28T07:40:00+08:00",
    "checkedInAt": "2026-11-28T07:40:00+08:00",
    "calledAt": None,
    "room": None,
}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(VISIT_MORNING)


async def test_check_in_and_read_the_queue_against_the_simulator(
    his: HisClient, his_app: Starlette
) -> None:
    state: HisState = his_app.state.his
    async with state.lock:
        registration = register_at_window(state, "slot-exp-nk-1-20261128-AM-0800", "pat-0001")
    assert await his.queue_entry(registration.id) is None
    entry = await his.check_in(registration.id)
    assert (entry.status, entry.position, entry.ahead) == ("WAITING", 1, 0)
    assert entry.estimated_call_at == VISIT_MORNING
    assert await his.queue_entry(registration.id) == entry
    with pytest.raises(UpstreamRejected) as refused:
        await his.queue_entry("reg-unknown")
    assert refused.value.code == "NOT_FOUND"


@respx.mock(base_url=BASE)
async def test_check_in_is_retried_since_the_his_makes_it_idempotent(
    respx_mock: respx.MockRouter, plain_http: httpx.AsyncClient
) -> None:
    route = respx_mock.post("/registrations/reg-1/check-in").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=ENTRY)]
    )
    his = HisClient(plain_http, BASE, read_retries=2)
    assert (await his.check_in("reg-1")).registration_id == "reg-1"
    assert route.call_count == 2


@respx.mock(base_url=BASE)
async def test_a_refused_check_in_keeps_the_his_code(
    respx_mock: respx.MockRouter, plain_http: httpx.AsyncClient
) -> None:
    respx_mock.post("/registrations/reg-1/check-in").mock(
        return_value=httpx.Response(409, json={"code": "NOT_CHECKABLE", "message": "x"})
    )
    his = HisClient(plain_http, BASE, read_retries=2)
    with pytest.raises(UpstreamRejected) as refused:
        await his.check_in("reg-1")
    assert refused.value.code == "NOT_CHECKABLE"


@respx.mock(base_url=BASE)
async def test_not_checked_in_reads_as_none_and_an_id_is_one_segment(
    respx_mock: respx.MockRouter, plain_http: httpx.AsyncClient
) -> None:
    route = respx_mock.get("/registrations/reg%2F1/queue").mock(
        return_value=httpx.Response(404, json={"code": "NOT_CHECKED_IN", "message": "x"})
    )
    his = HisClient(plain_http, BASE)
    assert await his.queue_entry("reg/1") is None
    assert route.called


def test_queue_events_parse() -> None:
    event = HisEvent.model_validate(
        {
            "id": "evt-1",
            "type": "QUEUE_CALLED",
            "occurredAt": "2026-11-28T08:00:00+08:00",
            "data": {"registrationId": "reg-1", "orderId": "ord-1", "room": "1诊室"},
        }
    )
    assert event.type == "QUEUE_CALLED"
