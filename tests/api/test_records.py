"""Reports, prescriptions and the notices that announce them: the patient's own only."""

from __future__ import annotations

from datetime import date

import httpx
from starlette.applications import Starlette

from fixtures.graphql import gql_data
from fixtures.journey import (
    book,
    eventually,
    open_slot,
    patient_of,
    pay,
    sign_in,
    verified_user,
    wait_for_status,
)
from hospital_bff.clock import FrozenClock
from hospital_bff.jobs.scheduler import daily
from hospital_bff.runtime import Runtime
from hospital_bff.services.reminders import send_reminders


async def test_a_final_report_reaches_the_patient_with_a_notice(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    token, _ = await verified_user(client)
    patient_id = await patient_of(client, token)
    created = await client.post(
        "/sim/his/reports",
        json={
            "patientId": patient_id,
            "kind": "LAB",
            "title": "血常规",
            "conclusion": "白细胞略高",
            "items": [
                {
                    "name": "白细胞",
                    "value": "11.2",
                    "unit": "10^9/L",
                    "referenceRange": "3.5-9.5",
                    "flag": "HIGH",
                }
            ],
        },
    )
    assert created.status_code in (200, 201), created.text
    report_id = created.json()["id"]

    async def notified() -> bool:
        notices = (await gql_data(client, "Notices", {"first": 20}, token=token))["notices"]
        return any(e["node"]["kind"] == "REPORT_READY" for e in notices["edges"])

    await eventually(notified)
    reports = (
        await gql_data(client, "Reports", {"patientId": patient_id, "first": 10}, token=token)
    )["reports"]
    assert report_id in {e["node"]["id"] for e in reports["edges"]}
    report = (await gql_data(client, "Report", {"id": report_id}, token=token))["report"]
    assert report["status"] == "FINAL"
    assert report["items"][0]["flag"] == "HIGH"
    assert report["conclusion"] == "白细胞略高"

    await app.state.simulators["his"].state.his.drain()  # every delivery attempt is done
    notices = (await gql_data(client, "Notices", {"first": 20}, token=token))["notices"]
    assert sum(e["node"]["kind"] == "REPORT_READY" for e in notices["edges"]) == 1

    ids = [e["node"]["id"] for e in notices["edges"]]
    left = (await gql_data(client, "MarkNoticesRead", {"ids": ids}, token=token))["markNoticesRead"]
    assert left == {"__typename": "MarkNoticesReadSuccess", "unreadCount": 0}


async def test_report_pages_are_newest_first_and_stable(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client, openid="o-pages")
    patient_id = await patient_of(client, token)
    for i in range(5):
        await client.post(
            "/sim/his/reports",
            json={
                "patientId": patient_id,
                "kind": "EXAM",
                "title": f"检查{i}",
                "conclusion": "未见异常",
                "items": [],
            },
        )
    seen: list[str] = []
    after = None
    while True:
        page = (
            await gql_data(
                client,
                "Reports",
                {"patientId": patient_id, "first": 2, "after": after},
                token=token,
            )
        )["reports"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) >= 5


async def test_prescriptions_with_guidance(client: httpx.AsyncClient) -> None:
    """The seed's demo patient 张伟 has a prescription; bind him through his own verification."""
    token = await sign_in(client, "o-zhangwei")
    verified = await gql_data(
        client,
        "VerifyIdentity",
        {"input": {"name": "张伟", "idNumber": "110101198503120113", "phone": "13800138001"}},
        token=token,
    )
    patient_id = verified["verifyIdentity"]["me"]["patients"][0]["id"]
    prescriptions = (
        await gql_data(client, "Prescriptions", {"patientId": patient_id}, token=token)
    )["prescriptions"]
    assert prescriptions
    assert all(item["drugName"] and item["dose"] for p in prescriptions for item in p["items"])


async def test_visit_reminders_the_evening_before(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client, openid="o-remind")
    patient_id = await patient_of(client, token)
    found = await open_slot(client, day="2026-11-28")
    order = (await book(client, token, patient_id, found["slot"]["id"]))["order"]
    payment = (await pay(client, token, order["id"]))["payment"]
    await client.post(payment["payUrl"], json={"action": "pay"})
    await wait_for_status(client, token, order["id"], "CONFIRMED")

    assert await send_reminders(runtime, date(2026, 11, 28)) == 1
    assert await send_reminders(runtime, date(2026, 11, 28)) == 0, "once per order"
    clock.advance(hours=10)  # 19:00: the daily sweep sends tomorrow's reminders, once a day
    assert await daily(runtime) >= 1
    assert await daily(runtime) == 0
    notices = (await gql_data(client, "Notices", {"first": 20}, token=token))["notices"]
    reminders = [e["node"] for e in notices["edges"] if e["node"]["kind"] == "VISIT_REMINDER"]
    assert len(reminders) == 1
    assert reminders[0]["orderId"] == order["id"]
