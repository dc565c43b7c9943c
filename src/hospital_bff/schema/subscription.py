"""The root Subscription (graphql-transport-ws; token in connection_init)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from hospital_bff.resolvers import subscriptions as resolve
from hospital_bff.resolvers.context import Info
from hospital_bff.schema.arguments import CallersOrder
from hospital_bff.schema.catalogue import Schedule
from hospital_bff.schema.notices import Notice
from hospital_bff.schema.orders import Order
from hospital_bff.schema.queue import QueueState


@strawberry.type(
    description="What a client can watch over WebSocket (graphql-transport-ws; token in "
    "connection_init)"
)
class Subscription:
    @strawberry.subscription(
        description=(
            "The caller's unread notices (the latest, when it starts), then each new one as it "
            "happens"
        )
    )
    async def notices(self, info: Info) -> AsyncGenerator[Notice, None]:
        async for item in resolve.notices(info):
            yield item

    @strawberry.subscription(
        description="One of the caller's orders: as it is when it starts, then each time it changes"
    )
    async def order_updated(
        self,
        info: Info,
        order_id: CallersOrder,
    ) -> AsyncGenerator[Order, None]:
        async for item in resolve.order_updated(info, str(order_id)):
            yield item

    @strawberry.subscription(
        description=(
            "A schedule's status and remaining places: as they are when it starts, then each "
            "time they change"
        )
    )
    async def schedule_updated(
        self,
        info: Info,
        schedule_id: Annotated[
            strawberry.ID, strawberry.argument(description="The schedule to watch")
        ],
    ) -> AsyncGenerator[Schedule, None]:
        async for item in resolve.schedule_updated(info, str(schedule_id)):
            yield item

    @strawberry.subscription(
        description="One of the caller's registrations in the visit day's queue: its place "
        "when it starts (null before check-in), then each time it changes"
    )
    async def queue_updates(
        self,
        info: Info,
        order_id: CallersOrder,
    ) -> AsyncGenerator[QueueState | None, None]:
        async for item in resolve.queue_updates(info, str(order_id)):
            yield item
