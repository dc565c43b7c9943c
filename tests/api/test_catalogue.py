"""The catalogue through the whole app: GraphQL -> resolvers -> cache -> HIS simulator over HTTP."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from conftest import BASE_URL, reset_state
from fixtures.graphql import gql, gql_data
from hospital_bff.app import create_app
from hospital_bff.cache import reset_fake_redis
from hospital_bff.clock import FrozenClock
from hospital_bff.config import Settings
from hospital_bff.runtime import Runtime
from hospital_bff.simulators.his import gate as his_gate


async def test_departments_have_seed_data_and_restrictions(client: httpx.AsyncClient) -> None:
    data = await gql_data(client, "Departments")
    by_name = {d["name"]: d for d in data["departments"]}
    assert {"内科", "外科", "妇产科", "儿科", "男科", "眼科"} <= set(by_name)
    assert by_name["妇产科"]["restriction"] == {"sex": "FEMALE", "minAge": None, "maxAge": None}
    assert by_name["男科"]["restriction"]["sex"] == "MALE"
    assert by_name["儿科"]["restriction"]["maxAge"] == 14
    assert by_name["眼科"]["restriction"] is None
    assert {c["name"] for c in by_name["内科"]["children"]} >= {"消化内科"}


async def test_department_experts(client: httpx.AsyncClient) -> None:
    data = await gql_data(client, "DepartmentExperts", {"departmentId": "dep-nk"})
    experts = data["department"]["experts"]
    assert len(experts) >= 2
    assert all(e["title"] and e["specialty"] and e["photoUrl"] for e in experts)


async def test_unknown_department_is_null(client: httpx.AsyncClient) -> None:
    data = await gql_data(client, "DepartmentExperts", {"departmentId": "dep-nope"})
    assert data["department"] is None


async def test_expert_detail_has_eight_days_of_schedules(client: httpx.AsyncClient) -> None:
    today = date(2026, 11, 27)
    data = await gql_data(
        client,
        "ExpertDetail",
        {
            "expertId": "exp-nk-1",
            "from": today.isoformat(),
            "to": (today + timedelta(days=7)).isoformat(),
        },
    )
    expert = data["expert"]
    assert expert["department"]["id"] == "dep-nk"
    schedules = expert["schedules"]
    assert {s["date"] for s in schedules} == {
        (today + timedelta(days=i)).isoformat() for i in range(8)
    }
    assert {s["period"] for s in schedules} >= {"MORNING", "AFTERNOON"}
    first = schedules[0]
    assert (
        first["fee"] > 0
        and first["capacity"] == sum(1 for _ in first["slots"]) * first["slots"][0]["remaining"]
    )
    assert first["slots"][0]["startsAt"].endswith("+08:00")


async def test_date_range_is_bounded(client: httpx.AsyncClient) -> None:
    body = await gql(
        client, "ExpertDetail", {"expertId": "exp-nk-1", "from": "2026-11-27", "to": "2027-03-01"}
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_big_query_makes_a_bounded_number_of_his_calls(
    settings: Settings, clock: FrozenClock
) -> None:
    """Every department's experts and every expert's schedules in one query: the HIS sees
    one call for the catalogue snapshot and one per department for schedules, whatever the size.
    (The whole catalogue costs more than the default BFF_MAX_QUERY_COST allows a client.)"""
    reset_fake_redis()
    roomy = settings.model_copy(update={"max_query_cost": 50_000})
    app = create_app(roomy, clock=clock, self_transport=True, on_startup=reset_state)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client,
    ):
        await _count_his_calls_of_the_whole_catalogue(client, app.state.runtime)


async def _count_his_calls_of_the_whole_catalogue(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    query = """
    query Big($from: Date!, $to: Date!) {
      departments {
        id
        experts {
          id
          department { id }
          schedules(from: $from, to: $to) { id expert { id } slots { id } }
        }
      }
    }"""
    await runtime.cache.redis.flushdb()
    before = runtime.his.calls
    response = await client.post(
        "/graphql", json={"query": query, "variables": {"from": "2026-11-27", "to": "2026-12-04"}}
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    departments = body["data"]["departments"]
    experts = sum(len(d["experts"]) for d in departments)
    assert experts >= 12
    calls = runtime.his.calls - before
    assert calls <= 2 + len(departments), calls


async def test_his_down_answers_upstream_unavailable_fast(
    app: Starlette, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    his_sim = app.state.simulators["his"].state.his
    his_sim.faults.error_rate = 1.0
    await runtime.cache.redis.flushdb()
    body = await gql(client, "Departments")
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert "Traceback" not in str(body)


async def test_his_down_serves_the_last_good_catalogue(
    app: Starlette, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await gql_data(client, "Departments")  # warm the cache
    await runtime.cache.delete("catalogue")  # the fresh copy lapses...
    app.state.simulators["his"].state.his.faults.error_rate = 1.0  # ...and the HIS is down
    data = await gql_data(client, "Departments")
    assert len(data["departments"]) >= 6


async def test_his_hanging_answers_within_one_timeout_and_then_at_once(
    settings: Settings, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each call to a hanging HIS ends at the timeout until the breaker opens; then no call
    reaches the HIS at all. The timeout is a quarter of a second here, not the tests' usual
    second: the calls that wait it out cost this test 7.5 s of wall time with the usual one."""
    reset_fake_redis()
    quick = settings.model_copy(update={"http_timeout_seconds": 0.25})
    app = create_app(quick, clock=clock, self_transport=True, on_startup=reset_state)
    reached: list[object] = []
    fate = his_gate.fate_of_call

    async def counted(*args: Any) -> Any:
        reached.append(args)
        return await fate(*args)

    monkeypatch.setattr(his_gate, "fate_of_call", counted)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client,
    ):
        await _hanging_his_fails_within_one_timeout(app, client, app.state.runtime, reached)


async def _hanging_his_fails_within_one_timeout(
    app: Starlette, client: httpx.AsyncClient, runtime: Runtime, reached: list[object]
) -> None:
    import time

    his_sim = app.state.simulators["his"].state.his
    his_sim.hang_seconds = 30
    his_sim.faults.timeout_rate = 1.0
    await runtime.cache.redis.flushdb()
    threshold = runtime.settings.breaker_failure_threshold
    for call in range(threshold + 2):
        started = time.monotonic()
        body = await gql(client, "Departments")
        # Ended by our timeout, not by the HIS's 30 s hang (a margin no load comes near).
        assert time.monotonic() - started < his_sim.hang_seconds / 3
        assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
        # The breaker opens after `threshold` failures: later calls fail without asking.
        assert len(reached) == min(call + 1, threshold), "the open circuit fails at once"
    assert (await client.get("/healthz")).status_code == 200, "the server stays up"
