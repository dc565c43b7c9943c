"""Subscriptions over WebSocket (graphql-transport-ws), fed by Redis pub/sub: a change made by
one server process reaches a socket held by another. (How fast is bench/subscriptions.py's
figure, not a test's threshold.)"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from fixtures.cluster import Cluster
from fixtures.graphql import contract_document
from fixtures.population import make_population
from fixtures.servers import cluster_of
from fixtures.ws import subscribe
from hospital_bff.cache import create_redis
from hospital_bff.clock import Clock
from hospital_bff.events import channel_prefix, notices_topic, order_topic, schedule_topic

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with cluster_of(tmp_path_factory, "subscriptions", 12) as c:
        yield c


async def _until_subscribed(cluster: Cluster, topic: str) -> None:
    """Wait until some server's subscription to `topic` reached Redis (PUBSUB NUMSUB), so a
    change published after this is heard."""
    redis = create_redis(cluster.settings.redis_url)
    try:
        async with asyncio.timeout(30):
            while True:
                [(_, count)] = await redis.pubsub_numsub(channel_prefix(redis) + topic)
                if count:
                    return
                await asyncio.sleep(0.02)
    finally:
        await redis.aclose()


async def _op(
    client: httpx.AsyncClient, server: str, name: str, variables: dict[str, object], token: str
) -> dict[str, object]:
    r = await client.post(
        f"{server}/graphql",
        json={"query": contract_document(), "operationName": name, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, object] = r.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[return-value]


def test_order_and_schedule_updates_cross_processes(cluster: Cluster) -> None:
    a, b = cluster.servers
    day = Clock().today() + timedelta(days=1)

    async def scenario() -> None:
        [booker] = await make_population(cluster.settings, cluster.sim_his, 1, prefix="ws")
        async with httpx.AsyncClient(timeout=30) as client:
            schedules = (
                await _op(
                    client,
                    a,
                    "DepartmentSchedules",
                    {"departmentId": "dep-yk", "from": day.isoformat(), "to": day.isoformat()},
                    booker.token,
                )
            )["schedules"]
            schedule = next(s for s in schedules if s["status"] == "OPEN")  # type: ignore[union-attr]
            slot = next(s for s in schedule["slots"] if s["remaining"] > 0)
            async with subscribe(
                a,
                contract_document(),
                {"scheduleId": schedule["id"]},
                token=booker.token,
                operation="ScheduleAvailability",
            ) as sched_sub:
                # It starts with the schedule as it is, once listening.
                current = await sched_sub.next(timeout=10)
                assert current["data"]["scheduleUpdated"]["remaining"] == schedule["remaining"]
                await _until_subscribed(cluster, schedule_topic(schedule["id"]))  # type: ignore[index]
                booked = (
                    await _op(
                        client,
                        b,
                        "BookAppointment",
                        {
                            "input": {
                                "patientId": booker.patient_id,
                                "slotId": slot["id"],
                                "idempotencyKey": "ws",
                            }
                        },
                        booker.token,
                    )
                )["bookAppointment"]
                update = await sched_sub.next(timeout=5)
                assert update["data"]["scheduleUpdated"]["remaining"] == schedule["remaining"] - 1
            order_id = booked["order"]["id"]  # type: ignore[index]
            async with subscribe(
                a,
                contract_document(),
                {"orderId": order_id},
                token=booker.token,
                operation="OrderUpdates",
            ) as order_sub:
                current = await order_sub.next(timeout=10)
                assert current["data"]["orderUpdated"]["status"] == "AWAITING_PAYMENT"
                await _until_subscribed(cluster, order_topic(order_id))
                payment = (
                    await _op(
                        client,
                        b,
                        "PayOrder",
                        {"orderId": order_id, "idempotencyKey": "ws"},
                        booker.token,
                    )
                )["payOrder"]["payment"]  # type: ignore[index]
                await client.post(payment["payUrl"], json={"action": "pay"})
                seen = []
                while "CONFIRMED" not in seen:
                    update = await order_sub.next(timeout=10)
                    seen.append(update["data"]["orderUpdated"]["status"])
                assert seen[0] == "PAID" and seen[-1] == "CONFIRMED"

    asyncio.run(scenario())


def test_subscriptions_refuse_a_bad_token_and_a_strangers_order(cluster: Cluster) -> None:
    a = cluster.servers[0]

    async def scenario() -> None:
        async with subscribe(
            a,
            contract_document(),
            {"orderId": "ord_x"},
            token="not-a-token",
            operation="OrderUpdates",
        ) as sub:
            message = await sub.next()
            assert message["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        [stranger] = await make_population(cluster.settings, cluster.sim_his, 1, prefix="ws2")
        async with subscribe(
            a,
            contract_document(),
            {"orderId": "ord_someone_elses"},
            token=stranger.token,
            operation="OrderUpdates",
        ) as sub:
            message = await sub.next()
            assert message["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    asyncio.run(scenario())


def test_a_notice_reaches_the_stream_from_another_process(cluster: Cluster) -> None:
    """The HIS tells server A a report is ready; the socket held by server B hears it."""
    b = cluster.servers[1]

    async def scenario() -> None:
        [booker] = await make_population(cluster.settings, cluster.sim_his, 1, prefix="ns")
        async with (
            subscribe(
                b, contract_document(), {}, token=booker.token, operation="NoticeStream"
            ) as stream,
            httpx.AsyncClient(timeout=30) as client,
        ):
            # make_population names the user of its i-th booker usr_<prefix><i>.
            await _until_subscribed(cluster, notices_topic("usr_ns0"))
            created = await client.post(
                f"{cluster.sim_his}/reports",
                json={
                    "patientId": booker.patient_id,
                    "kind": "LAB",
                    "title": "血糖",
                    "conclusion": "正常",
                    "items": [],
                },
            )
            assert created.status_code in (200, 201), created.text
            message = await stream.next(timeout=10)
            notice = message["data"]["notices"]
            assert notice["kind"] == "REPORT_READY"
            assert notice["patientId"] == booker.patient_id

    asyncio.run(scenario())
