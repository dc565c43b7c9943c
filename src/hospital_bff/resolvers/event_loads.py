"""One load per published event, shared by every subscription the event reached.

The event hub hands the same event object to every subscriber of a topic in this process;
a thousand sockets watching one schedule would otherwise each ask the HIS for the same
fresh schedule at the same instant. The first subscriber starts the load, the others await
it; a subscriber that goes away does not cancel it for the rest.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Events whose loads are kept: far more than arrive while one load is in flight.
KEPT = 256


class EventLoads:
    """Per event loop (one per Runtime): the load each recent event started."""

    def __init__(self) -> None:
        self._loads: OrderedDict[int, tuple[dict[str, Any], asyncio.Future[Any]]] = OrderedDict()

    async def once(self, event: dict[str, Any], load: Callable[[], Awaitable[T]]) -> T:
        entry = self._loads.get(id(event))
        if entry is None or entry[0] is not event:  # an id is reused only after its event died
            entry = (event, asyncio.ensure_future(load()))
            self._loads[id(event)] = entry
            if len(self._loads) > KEPT:
                self._loads.popitem(last=False)
        result: T = await asyncio.shield(entry[1])
        return result
