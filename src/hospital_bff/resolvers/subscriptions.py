"""Subscriptions: Redis pub/sub topics, so a change made in any process reaches every socket.

Each one first takes a place under the subscription limits (RATE_LIMITED when there is none,
before anything is opened) and holds it until it ends; then it listens through the process's
one shared pub/sub connection (`events.EventHub`). Each starts with the current state of what
it watches (the order, the schedule, the unread notices) and reads it again on every event,
including the hub's "look again" after Redis comes back: a client that reconnects, or a socket
that lived through an outage, misses nothing."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import AbstractContextManager

from graphql import GraphQLError

from hospital_bff.datasources import his_models as his
from hospital_bff.events import CURRENT, notices_topic, order_topic, queue_topic, schedule_topic
from hospital_bff.language import LocalisedError, Message
from hospital_bff.resolvers.context import Info, Viewer
from hospital_bff.resolvers.errors import upstream_guard
from hospital_bff.resolvers.event_loads import EventLoads
from hospital_bff.resolvers.loaders import DataLoaders
from hospital_bff.runtime import Runtime
from hospital_bff.schema.catalogue import Schedule
from hospital_bff.schema.notices import Notice
from hospital_bff.schema.orders import Order
from hospital_bff.schema.queue import QueueState
from hospital_bff.services import notices as notice_queries
from hospital_bff.services import queue
from hospital_bff.services.errors import NotFound
from hospital_bff.services.money import orders as order_queries


def _not_found() -> GraphQLError:
    return LocalisedError(Message("不存在", "Not found"), "NOT_FOUND")


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
        async for _event in runtime.events.watch(order_topic(order_id)):
            # Each read is afresh (and with fresh loaders: the refund may be new).
            info.context.loaders = DataLoaders(runtime)
            async with runtime.sessions() as session:
                try:
                    row = await order_queries.owned_order(session, viewer.user_id, order_id)
                except NotFound:
                    raise _not_found() from None
            yield Order.from_row(row)


async def schedule_updated(info: Info, schedule_id: str) -> AsyncGenerator[Schedule, None]:
    """The schedule each time it changes, from its state when the subscription opened.

    An event only says "look again", and several can say it of one change (an expiry's
    transition, then the HIS hold given back; a retried job; another process): the schedule
    is sent only when what the HIS answers differs from what was last sent."""
    viewer = await info.context.viewer()  # a bad token is refused; anyone may watch availability
    runtime = info.context.runtime
    with _admitted(info, viewer):
        last = None
        loads: EventLoads = runtime.extras.setdefault("schedule_event_loads", EventLoads())
        async for event in runtime.events.watch(schedule_topic(schedule_id)):
            async with upstream_guard():  # the HIS unreachable: UPSTREAM_UNAVAILABLE, not a bug
                if event.get(CURRENT):
                    # Its own first event: a read started after it listens, shared with the
                    # watchers that opened meanwhile.
                    fresh = await loads.started_after(
                        schedule_id, lambda: _schedule(runtime, schedule_id)
                    )
                else:
                    # Every watcher of this schedule got this very event: one HIS read for all.
                    fresh = await loads.once(event, lambda: _schedule(runtime, schedule_id))
            if fresh is None and last is None:
                raise _not_found()
            if fresh is not None and fresh[0] != last:
                last = fresh[0]
                # The same object for every watcher of this event: its selection is executed
                # and encoded once for all who sent the same document (shared_events).
                yield fresh[1]


async def _schedule(runtime: Runtime, schedule_id: str) -> tuple[his.Schedule, Schedule] | None:
    found = await runtime.catalogue.schedule(schedule_id)
    return None if found is None else (found, Schedule.from_dto(found))


async def notices(info: Info) -> AsyncGenerator[Notice, None]:
    viewer = await info.context.require_viewer()
    if viewer.user_id is None:
        raise LocalisedError(Message("请先完成实名认证", "Verify your identity first"), "FORBIDDEN")
    runtime = info.context.runtime
    with _admitted(info, viewer):
        sent: set[str] = set()
        async for event in runtime.events.watch(notices_topic(viewer.user_id)):
            async with runtime.sessions() as session:
                rows = await notice_queries.to_stream(session, viewer.user_id, event)
            for row in rows:
                if row.id not in sent:
                    sent.add(row.id)
                    yield Notice.from_row(row)


async def queue_updates(info: Info, order_id: str) -> AsyncGenerator[QueueState | None, None]:
    """The order's place in the queue when it starts, then each time it changes; null while
    not checked in. An event only says "look again": a state is sent when it differs."""
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime
    with _admitted(info, viewer):
        first, last = True, None
        async for _event in runtime.events.watch(queue_topic(order_id)):
            async with runtime.sessions() as session:
                try:
                    row = await order_queries.owned_order(session, viewer.user_id, order_id)
                except NotFound:
                    raise _not_found() from None
            async with upstream_guard():
                entry = await queue.queue_of(runtime, row)
            state = None if entry is None else QueueState.from_dto(entry)
            if first or state != last:
                first, last = False, state
                yield state
