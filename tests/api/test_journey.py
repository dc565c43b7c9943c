"""The whole journey through the app, as the mobile client drives it."""

from __future__ import annotations

import httpx

from fixtures.graphql import gql_data
from fixtures.journey import book, ledger, open_slot, pay, verified_user, wait_for_status


async def test_sign_in_verify_book_pay_confirmed_with_ticket(client: httpx.AsyncClient) -> None:
    token, person = await verified_user(client)
    me = (await gql_data(client, "Me", token=token))["me"]
    assert me["verified"] is True
    assert me["maskedName"] == "李*"
    [patient] = me["patients"]
    assert patient["relation"] == "SELF"
    assert patient["maskedIdNumber"] == person["idNumber"][:4] + "*" * 10 + person["idNumber"][-4:]

    found = await open_slot(client)
    booked = await book(client, token, patient["id"], found["slot"]["id"])
    assert booked["__typename"] == "BookAppointmentSuccess", booked
    order = booked["order"]
    assert order["status"] == "AWAITING_PAYMENT"
    assert order["amount"] == found["schedule"]["fee"] == sum(i["amount"] for i in order["items"])
    assert order["appointment"]["department"]["id"] == "dep-yk"

    again = await book(client, token, patient["id"], found["slot"]["id"])
    assert again["order"]["id"] == order["id"], "the same idempotency key answers the same order"

    paid = await pay(client, token, order["id"])
    assert paid["__typename"] == "PayOrderSuccess", paid
    payment = paid["payment"]
    assert payment["amount"] == order["amount"] and payment["status"] == "PENDING"
    cashier = await client.get(payment["payUrl"])
    assert cashier.status_code == 200 and "支付" in cashier.text
    assert (await client.post(payment["payUrl"], json={"action": "pay"})).status_code == 200

    confirmed = await wait_for_status(client, token, order["id"], "CONFIRMED")
    assert confirmed["paidAt"] is not None
    assert confirmed["ticket"]["number"] >= 1
    assert confirmed["ticket"]["suggestedArrival"] < confirmed["appointment"]["startsAt"]
    assert confirmed["refund"] is None

    orders = (await gql_data(client, "Orders", {"first": 10}, token=token))["orders"]
    assert [e["node"]["id"] for e in orders["edges"]] == [order["id"]]
    notices = (await gql_data(client, "Notices", {"first": 10}, token=token))["notices"]
    assert notices["unreadCount"] >= 1
    assert "ORDER_CONFIRMED" in {e["node"]["kind"] for e in notices["edges"]}

    books = await ledger(client)
    assert books["totals"]["paid"] == order["amount"] and books["totals"]["refunded"] == 0
