"""Subscriptions: Redis pub/sub topics, so a change made in any process reaches every socket.

Each one first takes a place under the subscription limits (RATE_LIMITED when there is none,
before anything is opened) and holds it until it ends; then it listens through the process's
one shared pub/sub connection (`events.EventHub`)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import AbstractContextManager

from graphql import GraphQLError

from hospital_bff.events import notices_topic, order_topic, schedule_topic
from hospital_bff.resolvers.context import Info, Viewer
from hospital_bff.resolvers.errors import upstream_guard
from hospital_bff.resolvers.event_loads import EventLoads
from hospital_bff.resolvers.loaders import DataLoaders
from hospital_bff.schema.catalogue import Schedule
from hospital_bff.schema.notices import Notice
from hospital_bff.schema.orders import Order
from hospital_bff.services.errors import NotFound
from hospital_bff.services.money import orders as order_queries
from hospital_bff.store.models import Notice as NoticeRow


def _not_found() -> GraphQLError:
    return GraphQLError("不存在 / not found", extensions={"code": "NOT_FOUND"})


def _admitted(info: Info, viewer: Viewer | None) -> AbstractContextManager[None]:
    context = info.context
    return context.runtime.subscription_limits.admit(
        # Strawberry keeps one Context per WebSocket for all its operations; while any of them
        # holds a place the Context is alive, so its id cannot be reused by another socket.
        connection=str(id(context)),
        user=None if viewer is None else (viewer.account_id or viewer.subject),
        address=context.client_address,
    )


async def order_updated(info: Info, order_id: str) -> AsyncGenerator[Order, None]:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime
    with _admitted(info, viewer):
        async with runtime.sessions() as session:
            try:
                await order_queries.owned_order(session, viewer.user_id, order_id)
            except NotFound:
                raise _not_found() from None
        async for _event in runtime.events.subscribe(order_topic(order_id)):
            # Each update reads the order afresh (and fresh loaders: the refund may be new).
            info.context.loaders = DataLoaders(runtime)
            async with runtime.sessions() as session:
                row = await order_queries.owned_order(session, viewer.user_id, order_id)
            yield Order.from_row(row)


async def schedule_updated(info: Info, schedule_id: str) -> AsyncGenerator[Schedule, None]:
    viewer = await info.context.viewer()  # a bad token is refused; anyone may watch availability
    runtime = info.context.runtime
    with _admitted(info, viewer):
        async with upstream_guard():  # the HIS unreachable: UPSTREAM_UNAVAILABLE, not a bug
            if await runtime.catalogue.schedule(schedule_id) is None:
                raise _not_found()
        loads: EventLoads = runtime.extras.setdefault("schedule_event_loads", EventLoads())
        async for event in runtime.events.subscribe(schedule_topic(schedule_id)):
            async with upstream_guard():
                # Every watcher of this schedule got this very event: one HIS read for all.
                fresh = await loads.once(event, lambda: runtime.catalogue.schedule(schedule_id))
            if fresh is not None:
                yield Schedule.from_dto(fresh)


async def notices(info: Info) -> AsyncGenerator[Notice, None]:
    viewer = await info.context.require_viewer()
    if viewer.user_id is None:
        raise GraphQLError("请先完成实名认证 / verify first", extensions={"code": "FORBIDDEN"})
    runtime = info.context.runtime
    with _admitted(info, viewer):
        async for event in runtime.events.subscribe(notices_topic(viewer.user_id)):
            async with runtime.sessions() as session:
                row = await session.get(NoticeRow, str(event["id"]))
            if row is not None and row.user_id == viewer.user_id:
                yield Notice.from_row(row)
