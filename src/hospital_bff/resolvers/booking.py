"""Resolvers of booking, payment, cancellation, orders and bills."""

from __future__ import annotations

from typing import cast

from hospital_bff.metrics import BOOKING_OUTCOMES
from hospital_bff.resolvers.context import Info
from hospital_bff.resolvers.errors import upstream_guard
from hospital_bff.resolvers.log_context import order_context
from hospital_bff.resolvers.mutations import command_result
from hospital_bff.schema.errors import UserError
from hospital_bff.schema.orders import (
    BookAppointmentInput,
    BookAppointmentSuccess,
    CancelAppointmentSuccess,
    Order,
    OrderConnection,
    OrderEdge,
    PayBillsInput,
    PayBillsSuccess,
    PayOrderSuccess,
)
from hospital_bff.schema.orders import Payment as PaymentType
from hospital_bff.schema.pagination import PageInfo, decode_cursor, encode_cursor, page_size
from hospital_bff.schema.records import Bill
from hospital_bff.schema.results import (
    BookAppointmentResult,
    CancelAppointmentResult,
    PayBillsResult,
    PayOrderResult,
)
from hospital_bff.services.bills import BillService
from hospital_bff.services.booking import BookingService
from hospital_bff.services.errors import NotFound
from hospital_bff.services.money import orders as order_queries
from hospital_bff.services.money.cancellation import cancel_by_patient
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import PaymentChannel


async def book_appointment(info: Info, data: BookAppointmentInput) -> BookAppointmentResult:
    viewer = await info.context.require_viewer()
    service = BookingService(info.context.runtime)

    async def work() -> BookAppointmentSuccess:
        booked = await service.book(
            viewer.user_id, str(data.patient_id), str(data.slot_id), data.idempotency_key
        )
        return BookAppointmentSuccess(order=Order.from_row(booked.order))

    answer = cast("BookAppointmentResult", await command_result(info, work, BookAppointmentResult))
    outcome = answer.code.value if isinstance(answer, UserError) else "OK"
    BOOKING_OUTCOMES.labels(outcome).inc()
    info.context.booking_outcome = outcome
    return answer


def _client_ip(info: Info) -> str:
    return info.context.client_address


async def pay_order(
    info: Info,
    order_id: str,
    idempotency_key: str,
    channel: PaymentChannel = PaymentChannel.H5,
) -> PayOrderResult:
    viewer = await info.context.require_viewer()
    service = PaymentService(info.context.runtime)

    async def work() -> PayOrderSuccess:
        payment = await service.pay_order(
            viewer.user_id,
            order_id,
            idempotency_key,
            _client_ip(info),
            channel=channel,
            account_id=viewer.account_id,
        )
        return PayOrderSuccess(payment=PaymentType.from_row(payment))

    with order_context(order_id):
        return cast("PayOrderResult", await command_result(info, work, PayOrderResult))


async def cancel_appointment(
    info: Info, order_id: str, reason: str | None
) -> CancelAppointmentResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work() -> CancelAppointmentSuccess:
        order = await cancel_by_patient(runtime, viewer.user_id, order_id, reason)
        return CancelAppointmentSuccess(order=Order.from_row(order))

    with order_context(order_id):
        return cast(
            "CancelAppointmentResult", await command_result(info, work, CancelAppointmentResult)
        )


async def pay_bills(info: Info, data: PayBillsInput) -> PayBillsResult:
    viewer = await info.context.require_viewer()
    service = BillService(info.context.runtime)

    async def work() -> PayBillsSuccess:
        order = await service.pay(
            viewer.user_id,
            str(data.patient_id),
            [str(b) for b in data.bill_ids],
            data.idempotency_key,
        )
        return PayBillsSuccess(order=Order.from_row(order))

    return cast("PayBillsResult", await command_result(info, work, PayBillsResult))


async def order(info: Info, order_id: str) -> Order | None:
    viewer = await info.context.require_viewer()
    async with info.context.runtime.sessions() as session:
        try:
            row = await order_queries.owned_order(session, viewer.user_id, order_id)
        except NotFound:
            return None
    return Order.from_row(row)


async def orders(
    info: Info,
    patient_id: str | None,
    statuses: list[str] | None,
    first: int | None,
    after: str | None,
) -> OrderConnection:
    viewer = await info.context.require_viewer()
    async with upstream_guard():
        size = page_size(first)
        cursor = decode_cursor(after)
    if viewer.user_id is None:
        return OrderConnection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
    async with info.context.runtime.sessions() as session:
        rows = await order_queries.page(
            session,
            viewer.user_id,
            patient_id=patient_id,
            statuses=statuses,
            first=size,
            after=cursor,
        )
    edges = [
        OrderEdge(cursor=encode_cursor(o.created_at, o.id), node=Order.from_row(o))
        for o in rows[:size]
    ]
    return OrderConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None
        ),
    )


async def unpaid_bills(info: Info, patient_id: str) -> list[Bill]:
    viewer = await info.context.require_viewer()
    async with upstream_guard():
        try:
            bills = await BillService(info.context.runtime).unpaid(viewer.user_id, patient_id)
        except NotFound:
            return []
    return [Bill.from_dto(b) for b in bills]
