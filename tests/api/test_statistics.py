"""The staff's figures: a scripted day counted back, the channel's share against the HIS's
all-channel total, and who may ask for what range."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from prometheus_client import REGISTRY
from starlette.applications import Starlette

from fixtures.journey import book, open_slot, patient_of, verified_user, wait_for_status
from fixtures.money import cancel, confirmed_order, drained, his_faults, his_state, staff_token
from hospital_bff.runtime import Runtime
from hospital_bff.simulators.his.rules import registration_total

QUERY = """
query Statistics($from: Date!, $to: Date!, $departmentId: ID) {
  statistics(from: $from, to: $to, departmentId: $departmentId) {
    from to departmentId
    days {
      date booked registrations hisRegistrations channelShare payments paymentsAmount
      refunds { mode count amount }
      cancellations suspensions noShows
    }
  }
}
"""


async def statistics(
    client: httpx.AsyncClient, token: str | None, **variables: Any
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": QUERY, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_scripted_day_is_counted_back(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    paid_before = metric("bff_payments_succeeded_fen_total", kind="REGISTRATION")
    refunds_before = metric("bff_refunds_total", mode="REVERSAL")

    # Today (2026-11-27): three bookings for tomorrow in 眼科; two paid and confirmed, one of
    # which the patient cancels (same day, so a reversal), and one never paid.
    kept_token, _ = await verified_user(client, openid="o-kept")
    kept = await confirmed_order(client, kept_token, (await open_slot(client))["slot"]["id"])
    gone_token, _ = await verified_user(client, openid="o-gone")
    gone = await confirmed_order(
        client, gone_token, (await open_slot(client))["slot"]["id"], key="k2"
    )
    idle_token, _ = await verified_user(client, openid="o-idle")
    idle = await book(
        client,
        idle_token,
        await patient_of(client, idle_token),
        (await open_slot(client))["slot"]["id"],
    )
    assert idle["__typename"] == "BookAppointmentSuccess", idle
    cancelled = await cancel(client, gone_token, gone["id"], "不去了")
    assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled
    await wait_for_status(client, gone_token, gone["id"], "CANCELLED")
    await drained(app)
    fee = kept["amount"]
    assert gone["amount"] == fee

    staff = await staff_token(runtime)
    body = await statistics(client, staff, **{"from": "2026-11-27", "to": "2026-11-28"})
    assert "errors" not in body, body
    today, tomorrow = body["data"]["statistics"]["days"]
    assert today["date"] == "2026-11-27"
    assert (today["booked"], today["payments"], today["paymentsAmount"]) == (3, 2, 2 * fee)
    assert today["refunds"] == [{"mode": "REVERSAL", "count": 1, "amount": fee}]
    assert (today["cancellations"], today["suspensions"], today["noShows"]) == (1, 0, 0)
    assert today["registrations"] == 0, "nobody is registered for a visit today"
    # Registrations are counted on the visit day: the one kept, against the HIS's total.
    assert tomorrow["registrations"] == 1
    assert (tomorrow["booked"], tomorrow["payments"], tomorrow["refunds"]) == (0, 0, [])

    his = his_state(app)
    expected_total = registration_total(his, date(2026, 11, 28), None)
    assert tomorrow["hisRegistrations"] == expected_total
    assert expected_total > 1, "the other channels' registrations are in the HIS's total"
    assert tomorrow["channelShare"] == 1 / expected_total

    # One department: its own registrations and the HIS's total for it alone.
    one = await statistics(
        client, staff, **{"from": "2026-11-28", "to": "2026-11-28", "departmentId": "dep-yk"}
    )
    (day,) = one["data"]["statistics"]["days"]
    assert day["registrations"] == 1
    assert day["hisRegistrations"] == registration_total(his, date(2026, 11, 28), "dep-yk")
    assert day["hisRegistrations"] < expected_total
    other = await statistics(
        client, staff, **{"from": "2026-11-27", "to": "2026-11-28", "departmentId": "dep-wk"}
    )
    assert all(
        (d["booked"], d["registrations"], d["payments"], d["cancellations"]) == (0, 0, 0, 0)
        for d in other["data"]["statistics"]["days"]
    )

    # The same events as Prometheus counters, counted once each at their commit.
    assert metric("bff_payments_succeeded_fen_total", kind="REGISTRATION") - paid_before == 2 * fee
    assert metric("bff_refunds_total", mode="REVERSAL") - refunds_before == 1


async def test_without_the_his_there_is_no_share(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await his_faults(client, errorRate=1.0)
    staff = await staff_token(runtime)
    body = await statistics(client, staff, **{"from": "2026-11-28", "to": "2026-11-28"})
    assert "errors" not in body, body
    (day,) = body["data"]["statistics"]["days"]
    assert day["hisRegistrations"] is None
    assert day["channelShare"] is None
    assert day["registrations"] == 0


async def test_only_staff_see_the_figures(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    for caller in (token, None):
        body = await statistics(client, caller, **{"from": "2026-11-27", "to": "2026-11-27"})
        assert body["data"] is None
        codes = [e["extensions"]["code"] for e in body["errors"]]
        assert codes == ["FORBIDDEN" if caller else "UNAUTHENTICATED"]


async def test_a_range_too_long_or_backwards_is_invalid(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    staff = await staff_token(runtime)
    for start, end in (("2026-01-01", "2026-04-03"), ("2026-11-28", "2026-11-27")):
        body = await statistics(client, staff, **{"from": start, "to": end})
        assert body["data"] is None, body
        assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_INPUT"]
    # 92 days is the most one query covers.
    body = await statistics(client, staff, **{"from": "2026-01-01", "to": "2026-04-02"})
    assert "errors" not in body, body
    assert len(body["data"]["statistics"]["days"]) == 92
