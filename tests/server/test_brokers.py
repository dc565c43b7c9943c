"""Jobs on a real broker: the API processes only send, `hospital-bff worker` runs the actors
(confirm after payment, notices), on RabbitMQ as in the paper and on Redis."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from conftest import POSTGRES_URL, RABBITMQ_URL, REDIS_URL, require_service
from fixtures.graphql import contract_document
from fixtures.population import make_population
from fixtures.servers import start_cluster
from hospital_bff.clock import Clock

pytestmark = pytest.mark.slow

BROKERS = {
    "rabbitmq": (RABBITMQ_URL, ("RabbitMQ", "127.0.0.1", 5672)),
    "redis": (REDIS_URL.rsplit("/", 1)[0] + "/11", ("Redis", "127.0.0.1", 6379)),
}


@pytest.mark.parametrize("broker", list(BROKERS))
def test_a_paid_order_is_confirmed_by_a_worker_process(broker: str, tmp_path: Path) -> None:
    url, service = BROKERS[broker]
    require_service(*service)
    require_service("PostgreSQL", "127.0.0.1", 5432)
    with start_cluster(
        tmp_path,
        postgres_admin_url=POSTGRES_URL,
        database=f"bff_broker_{broker}",
        redis_url=REDIS_URL.rsplit("/", 1)[0] + "/10",
        servers=1,
        broker_url=url,
        workers=1,
    ) as cluster:
        server = cluster.servers[0]
        day = Clock().today() + timedelta(days=2)

        async def scenario() -> str:
            [booker] = await make_population(
                cluster.settings, cluster.sim_his, 1, prefix=f"br{broker}"
            )
            headers = {"Authorization": f"Bearer {booker.token}"}

            async def op(name: str, variables: dict[str, object]) -> dict[str, object]:
                r = await client.post(
                    f"{server}/graphql",
                    json={
                        "query": contract_document(),
                        "operationName": name,
                        "variables": variables,
                    },
                    headers=headers,
                )
                body: dict[str, object] = r.json()
                assert "errors" not in body, body
                return body["data"]  # type: ignore[return-value]

            async with httpx.AsyncClient(timeout=30) as client:
                schedules = (
                    await op(
                        "DepartmentSchedules",
                        {"departmentId": "dep-wk", "from": day.isoformat(), "to": day.isoformat()},
                    )
                )["schedules"]
                slot = next(s for sch in schedules for s in sch["slots"] if s["remaining"] > 0)  # type: ignore[union-attr]
                order = (
                    await op(
                        "BookAppointment",
                        {
                            "input": {
                                "patientId": booker.patient_id,
                                "slotId": slot["id"],
                                "idempotencyKey": "b",
                            }
                        },
                    )
                )["bookAppointment"]["order"]  # type: ignore[index]
                payment = (await op("PayOrder", {"orderId": order["id"], "idempotencyKey": "b"}))[
                    "payOrder"
                ]["payment"]  # type: ignore[index]
                await client.post(payment["payUrl"], json={"action": "pay"})
                deadline = time.monotonic() + 30
                status = ""
                while time.monotonic() < deadline:
                    status = (await op("Order", {"id": order["id"]}))["order"]["status"]  # type: ignore[index]
                    if status == "CONFIRMED":
                        break
                    await asyncio.sleep(0.2)
                return status

        status = asyncio.run(scenario())
        worker_log = (tmp_path / "worker0.log").read_text()
        assert status == "CONFIRMED", worker_log[-2000:]
