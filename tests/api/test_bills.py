"""Outpatient bills: the HIS's unpaid bills, one order for the chosen ones, paid online by
self-pay patients only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from fixtures.graphql import gql_data
from fixtures.journey import ledger, patient_of, verified_user, wait_for_status
from fixtures.money import assert_books_balance, cashier_pay, his_faults, his_state
from hospital_bff.runtime import Runtime

LAB_ITEMS = [
    {"code": "LAB-CBC", "name": "血常规", "amount": 2500},
    {"code": "LAB-LIVER", "name": "肝功能", "amount": 6800},
]


async def new_bill(
    client: httpx.AsyncClient, his_patient_id: str, items: list[dict[str, Any]]
) -> str:
    response = await client.post(
        "/sim/his/bills", json={"patientId": his_patient_id, "items": items}
    )
    assert response.status_code in (200, 201), response.text
    bill_id: str = response.json()["id"]
    return bill_id


async def pay_bills(
    client: httpx.AsyncClient, token: str, patient_id: str, bill_ids: list[str], key: str = "b1"
) -> dict[str, Any]:
    data = await gql_data(
        client,
        "PayBills",
        {"input": {"patientId": patient_id, "billIds": bill_ids, "idempotencyKey": key}},
        token=token,
    )
    result: dict[str, Any] = data["payBills"]
    return result


async def test_self_pay_patient_pays_bills_online(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, person = await verified_user(client)
    patient_id = await patient_of(client, token)
    bill_id = await new_bill(client, person["id"], LAB_ITEMS)

    bills = (await gql_data(client, "UnpaidBills", {"patientId": patient_id}, token=token))[
        "unpaidBills"
    ]
    assert [b["id"] for b in bills] == [bill_id]
    assert bills[0]["amount"] == sum(i["amount"] for i in LAB_ITEMS)

    result = await pay_bills(client, token, patient_id, [bill_id])
    assert result["__typename"] == "PayBillsSuccess", result
    order = result["order"]
    assert (order["kind"], order["status"]) == ("CLINIC_PAYMENT", "AWAITING_PAYMENT")
    codes = [i["code"] for i in order["items"]]
    assert "SUP-BLOOD" in codes, "the HIS adds the blood draw to lab tests"
    assert order["amount"] == sum(i["amount"] for i in order["items"]) == 2500 + 6800 + 500
    again = await pay_bills(client, token, patient_id, [bill_id])
    assert again["order"]["id"] == order["id"], "the same key answers the same order"

    payment = (
        await gql_data(
            client, "PayOrder", {"orderId": order["id"], "idempotencyKey": "p1"}, token=token
        )
    )["payOrder"]
    assert payment["__typename"] == "PayOrderSuccess", payment
    assert payment["payment"]["amount"] == order["amount"]
    assert (await cashier_pay(client, payment["payment"]["payUrl"])).status_code == 200
    await wait_for_status(client, token, order["id"], "CONFIRMED")

    his = his_state(app)
    assert his.bills[bill_id].paid_by is not None, "the HIS has the bill paid"
    assert (await gql_data(client, "UnpaidBills", {"patientId": patient_id}, token=token))[
        "unpaidBills"
    ] == []
    assert (await ledger(client))["totals"]["paid"] == order["amount"]
    await assert_books_balance(client, app, runtime)


async def test_bills_the_his_refuses_to_settle_are_refunded(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, person = await verified_user(client)
    patient_id = await patient_of(client, token)
    bill_id = await new_bill(client, person["id"], LAB_ITEMS[:1])
    order = (await pay_bills(client, token, patient_id, [bill_id]))["order"]
    payment = (
        await gql_data(
            client, "PayOrder", {"orderId": order["id"], "idempotencyKey": "p1"}, token=token
        )
    )["payOrder"]
    await his_faults(client, failConfirm=True)
    assert (await cashier_pay(client, payment["payment"]["payUrl"])).status_code == 200
    failed = await wait_for_status(client, token, order["id"], "FAILED")
    assert failed["refund"]["mode"] == "REFUND"
    assert failed["refund"]["amount"] == order["amount"]
    await his_faults(client, failConfirm=False)
    await assert_books_balance(client, app, runtime)
    assert his_state(app).bills[bill_id].paid_by is None


async def test_insured_patient_pays_at_the_hospital(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    token, person = await verified_user(client, insurance="MEDICAL_INSURANCE")
    patient_id = await patient_of(client, token)
    bill_id = await new_bill(client, person["id"], LAB_ITEMS)
    bills = (await gql_data(client, "UnpaidBills", {"patientId": patient_id}, token=token))[
        "unpaidBills"
    ]
    assert [b["id"] for b in bills] == [bill_id], "insured patients still see their bills"
    refused = await pay_bills(client, token, patient_id, [bill_id])
    assert refused["__typename"] != "PayBillsSuccess"
    assert refused["code"] == "PAY_AT_HOSPITAL"
    assert not his_state(app).bill_locks, "nothing locked at the HIS"


async def test_someone_elses_bills_look_like_none(client: httpx.AsyncClient) -> None:
    _, person = await verified_user(client)
    bill_id = await new_bill(client, person["id"], LAB_ITEMS)
    other, _ = await verified_user(client, openid="o-hanmeimei", name="韩梅梅")
    own = await patient_of(client, other)
    assert (await gql_data(client, "UnpaidBills", {"patientId": person["id"]}, token=other))[
        "unpaidBills"
    ] == []
    refused = await pay_bills(client, other, own, [bill_id])
    assert refused["code"] == "NOT_FOUND"


async def test_bills_that_changed_between_the_quote_and_the_lock_are_not_charged(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HIS confirms the amount it locked: an order billed at an older quote was charged,
    then failed at confirmation and refunded in full. Now nothing is ordered and the lock
    goes back."""
    token, person = await verified_user(client)
    patient_id = await patient_of(client, token)
    bill_id = await new_bill(client, person["id"], LAB_ITEMS[:1])
    quote_bills = runtime.his.quote_bills

    async def an_older_quote(*args: Any) -> Any:
        quote = await quote_bills(*args)
        return quote.model_copy(update={"amount": quote.amount - 100})

    monkeypatch.setattr(runtime.his, "quote_bills", an_older_quote)
    result = await pay_bills(client, token, patient_id, [bill_id])
    assert (result["__typename"], result["code"]) == ("InvalidStateError", "INVALID_STATE")
    assert (await ledger(client))["totals"]["paid"] == 0
    monkeypatch.setattr(runtime.his, "quote_bills", quote_bills)
    again = await pay_bills(client, token, patient_id, [bill_id], key="b2")
    assert again["__typename"] == "PayBillsSuccess", "the lock went back: the bills are payable"
