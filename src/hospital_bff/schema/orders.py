"""Orders, their payment, ticket and refund, as the patient's app shows them."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from hospital_bff.resolvers.context import Info
from hospital_bff.resolvers.errors import upstream_guard
from hospital_bff.schema.enums import (
    OrderKind,
    OrderStatus,
    PaymentStatus,
    Period,
    RefundMode,
    RefundStatus,
)
from hospital_bff.schema.pagination import PageInfo
from hospital_bff.schema.queue import QueueState
from hospital_bff.services.queue import queue_of
from hospital_bff.store import models


@strawberry.type(description="One line of a bill: what is paid for")
class OrderItem:
    code: str = strawberry.field(description="Item code")
    name: str = strawberry.field(description="What it is, e.g. 挂号费")
    amount: int = strawberry.field(description="Price in fen")


@strawberry.type(description="The patient an order is for")
class PatientRef:
    id: strawberry.ID = strawberry.field(description="The patient's ID")
    name: str = strawberry.field(description="The patient's name")


@strawberry.type(description="A department, as named on an order")
class DepartmentRef:
    id: strawberry.ID = strawberry.field(description="Department ID")
    name: str = strawberry.field(description="Department name")


@strawberry.type(description="An expert, as named on an order")
class ExpertRef:
    id: strawberry.ID = strawberry.field(description="Expert ID")
    name: str = strawberry.field(description="Expert name")
    title: str = strawberry.field(description="Professional title")


@strawberry.type(description="The visit a registration is for")
class Appointment:
    date: date = strawberry.field(description="Visit day")
    period: Period = strawberry.field(description="Morning, afternoon or evening")
    starts_at: datetime = strawberry.field(description="Start of the booked time slot")
    ends_at: datetime = strawberry.field(description="End of the booked time slot")
    department: DepartmentRef = strawberry.field(description="Department")
    expert: ExpertRef = strawberry.field(description="Expert")


_TICKET_STATUSES = frozenset({OrderStatus.CONFIRMED.value, OrderStatus.COMPLETED.value})


@strawberry.type(description="The electronic ticket (电子号条) of a confirmed registration")
class Ticket:
    number: int = strawberry.field(description="Sequence number for the session")
    suggested_arrival: datetime | None = strawberry.field(
        description="When to arrive, to wait least"
    )
    location: str | None = strawberry.field(description="Where to go")


@strawberry.type(description="Money going back to the patient")
class RefundInfo:
    status: RefundStatus = strawberry.field(description="PENDING, PROCESSING, SUCCEEDED or FAILED")
    amount: int = strawberry.field(description="Amount in fen")
    mode: RefundMode = strawberry.field(
        description="REVERSAL or REFUND at once; BATCH within 7 days"
    )
    expected_by: datetime = strawberry.field(
        description="When the money should be back at the latest"
    )

    @classmethod
    def from_row(cls, r: models.Refund) -> RefundInfo:
        return cls(
            status=RefundStatus(r.status),
            amount=r.amount,
            mode=RefundMode(r.mode),
            expected_by=r.expected_by,
        )


@strawberry.type(
    description="A registration or outpatient bill payment, and where its money stands"
)
class Order:
    id: strawberry.ID = strawberry.field(description="Opaque order ID")
    kind: OrderKind = strawberry.field(description="REGISTRATION or CLINIC_PAYMENT")
    status: OrderStatus = strawberry.field(description="Where it stands on the money path")
    amount: int = strawberry.field(description="Total in fen")
    created_at: datetime = strawberry.field(description="When it was created")
    expires_at: datetime = strawberry.field(description="End of the payment window")
    paid_at: datetime | None = strawberry.field(description="When the bank took the money")
    items: list[OrderItem] = strawberry.field(description="What is paid for")
    patient: PatientRef = strawberry.field(description="Who it is for")
    appointment: Appointment | None = strawberry.field(description="The visit (registrations only)")
    ticket: Ticket | None = strawberry.field(description="The electronic ticket, once CONFIRMED")
    row: strawberry.Private[models.Order]

    @strawberry.field(description="The refund, when money is going back")
    async def refund(self, info: Info) -> RefundInfo | None:
        found = await info.context.loaders.refund_by_order.load(str(self.id))
        return RefundInfo.from_row(found) if found else None

    @strawberry.field(
        description="The place in the visit day's queue once checked in (checkIn), read from "
        "the hospital; null before check-in and on other days"
    )
    async def queue(self, info: Info) -> QueueState | None:
        async with upstream_guard():
            entry = await queue_of(info.context.runtime, self.row)
        return None if entry is None else QueueState.from_dto(entry)

    @classmethod
    def from_row(cls, o: models.Order) -> Order:
        appointment = None
        if o.kind == "REGISTRATION" and o.visit_date and o.starts_at and o.ends_at:
            appointment = Appointment(
                date=o.visit_date,
                period=Period(o.period or "MORNING"),
                starts_at=o.starts_at,
                ends_at=o.ends_at,
                department=DepartmentRef(
                    id=strawberry.ID(o.department_id or ""), name=o.department_name or ""
                ),
                expert=ExpertRef(
                    id=strawberry.ID(o.expert_id or ""),
                    name=o.expert_name or "",
                    title=o.expert_title or "",
                ),
            )
        ticket = (
            Ticket(
                number=o.ticket_number, suggested_arrival=o.suggested_arrival, location=o.location
            )
            # A cancelled or failed registration has no ticket to show at the hospital.
            if o.ticket_number is not None and o.status in _TICKET_STATUSES
            else None
        )
        return cls(
            id=strawberry.ID(o.id),
            kind=OrderKind(o.kind),
            status=OrderStatus(o.status),
            amount=o.amount,
            created_at=o.created_at,
            expires_at=o.expires_at,
            paid_at=o.paid_at,
            items=[
                OrderItem(code=str(i["code"]), name=str(i["name"]), amount=int(i["amount"]))
                for i in o.items
            ],
            patient=PatientRef(id=strawberry.ID(o.his_patient_id), name=o.patient_name),
            appointment=appointment,
            ticket=ticket,
            row=o,
        )


@strawberry.type(description="One order in a page, with its cursor")
class OrderEdge:
    cursor: str = strawberry.field(description="This item's cursor")
    node: Order = strawberry.field(description="The order")


@strawberry.type(description="A page of orders, newest first")
class OrderConnection:
    edges: list[OrderEdge] = strawberry.field(description="The orders of this page")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where")


@strawberry.type(
    description="What a page inside WeChat passes to "
    "WeixinJSBridge.invoke('getBrandWCPayRequest', ...), names as WeChat spells them"
)
class JsapiPayParams:
    app_id: str = strawberry.field(name="appId", description="The official account's appid")
    time_stamp: str = strawberry.field(name="timeStamp", description="Unix seconds, as text")
    nonce_str: str = strawberry.field(name="nonceStr", description="Random string signed along")
    package: str = strawberry.field(description="prepay_id=... of the bank order")
    sign_type: str = strawberry.field(name="signType", description="Always RSA")
    pay_sign: str = strawberry.field(
        name="paySign", description="The merchant's signature over the four values above"
    )


@strawberry.type(description="A payment at the bank for one order")
class Payment:
    id: strawberry.ID = strawberry.field(description="Payment ID")
    amount: int = strawberry.field(description="Amount in fen")
    status: PaymentStatus = strawberry.field(description="PENDING until the bank says")
    pay_url: str = strawberry.field(
        description="The bank's cashier page; open it for the patient to pay (empty for JSAPI)"
    )
    expires_at: datetime = strawberry.field(description="The cashier refuses payment after this")
    row: strawberry.Private[models.Payment]

    @strawberry.field(
        description="For a pending JSAPI payment, the parameters to pay it inside WeChat "
        "(freshly signed on each read); null for H5 or once the payment is settled"
    )
    def jsapi(self, info: Info) -> JsapiPayParams | None:
        row = self.row
        if row.channel != "JSAPI" or row.prepay_id is None or row.status != "PENDING":
            return None
        params = info.context.runtime.bank.jsapi_pay_params(row.prepay_id)
        return JsapiPayParams(
            app_id=params.app_id,
            time_stamp=params.timestamp,
            nonce_str=params.nonce_str,
            package=params.package,
            sign_type=params.sign_type,
            pay_sign=params.pay_sign,
        )

    @classmethod
    def from_row(cls, p: models.Payment) -> Payment:
        return cls(
            id=strawberry.ID(p.id),
            amount=p.amount,
            status=PaymentStatus(p.status),
            pay_url=p.pay_url,
            expires_at=p.expires_at,
            row=p,
        )


@strawberry.input(description="Book a time slot for a bound patient")
class BookAppointmentInput:
    patient_id: strawberry.ID = strawberry.field(description="A bound patient")
    slot_id: strawberry.ID = strawberry.field(description="The time slot")
    idempotency_key: str = strawberry.field(description="Same key, same order: safe to retry")


@strawberry.input(description="Pay some of a patient's outpatient bills together")
class PayBillsInput:
    patient_id: strawberry.ID = strawberry.field(description="A bound self-pay patient")
    bill_ids: list[strawberry.ID] = strawberry.field(description="The bills to pay")
    idempotency_key: str = strawberry.field(description="Same key, same order: safe to retry")


@strawberry.type(description="Booked: pay within the window (expiresAt)")
class BookAppointmentSuccess:
    order: Order = strawberry.field(description="The new order, AWAITING_PAYMENT")


@strawberry.type(description="The payment to make at the bank's cashier")
class PayOrderSuccess:
    payment: Payment = strawberry.field(description="The payment to complete at the bank")


@strawberry.type(description="Cancelled; the order's refund says what happens to the money")
class CancelAppointmentSuccess:
    order: Order = strawberry.field(description="The cancelled order, with its refund")


@strawberry.type(description="Checked in: the order and its place in the queue")
class CheckInSuccess:
    order: Order = strawberry.field(description="The registration that checked in")
    queue: QueueState = strawberry.field(description="Its place in the queue now")


@strawberry.type(description="An order for the chosen bills: pay within the window")
class PayBillsSuccess:
    order: Order = strawberry.field(description="The new CLINIC_PAYMENT order, to pay")
