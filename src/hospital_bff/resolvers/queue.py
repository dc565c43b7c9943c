"""The resolver of check-in (签到): the caller's own orders only; the live queue is a
subscription (resolvers/subscriptions.py)."""

from __future__ import annotations

from typing import cast

from hospital_bff.resolvers.context import Info
from hospital_bff.resolvers.log_context import order_context
from hospital_bff.resolvers.mutations import command_result
from hospital_bff.schema.orders import CheckInSuccess, Order
from hospital_bff.schema.queue import CheckInLocation, QueueState
from hospital_bff.schema.results import CheckInResult
from hospital_bff.services import queue
from hospital_bff.services.queue_rules import Place


async def check_in(info: Info, order_id: str, location: CheckInLocation | None) -> CheckInResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime
    place = None if location is None else Place(location.latitude, location.longitude)

    async def work() -> CheckInSuccess:
        order, entry = await queue.check_in(runtime, viewer.user_id, order_id, place)
        return CheckInSuccess(order=Order.from_row(order), queue=QueueState.from_dto(entry))

    with order_context(order_id):
        return cast("CheckInResult", await command_result(info, work, CheckInResult))
