"""One load per published event, shared by every subscription the event reached.

The event hub hands the same event object to every subscriber of a topic in this process;
a thousand sockets watching one schedule would otherwise each ask the HIS for the same
fresh schedule at the same instant. The first subscriber starts the load, the others await
it; a subscriber that goes away does not cancel it for the rest.

The first event of each subscriber ("current": read the state as it is now that you listen)
is its own, so a thousand subscriptions opening at once each asked the HIS, a thousand reads
in flight together (the slowest timed out). `started_after` shares those too, as far as it is
true: a read is shared only by subscribers that were listening before it started. Each key has
at most one read in flight and one queued behind it; whoever asks while one is in flight joins
the queued one, which starts when the one in flight ends.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

# Events whose loads are kept: far more than arrive while one load is in flight.
KEPT = 256


@dataclass
class _Reads:
    running: asyncio.Future[Any] | None = None
    queued: asyncio.Future[Any] | None = None


class EventLoads:
    """Per event loop (one per Runtime): the load each recent event started."""

    def __init__(self) -> None:
        self._loads: OrderedDict[int, tuple[dict[str, Any], asyncio.Future[Any]]] = OrderedDict()
        self._reads: dict[str, _Reads] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def started_after(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        """What `load` gives when started after this call, shared with whoever else asked
        for `key` before it started."""
        reads = self._reads.setdefault(key, _Reads())
        if reads.queued is None:
            reads.queued = asyncio.get_running_loop().create_future()
            task = asyncio.ensure_future(self._read(key, reads, reads.queued, load))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        result: T = await asyncio.shield(reads.queued)
        return result

    async def _read(
        self, key: str, reads: _Reads, future: asyncio.Future[Any], load: Callable[[], Awaitable[T]]
    ) -> None:
        while reads.running is not None:
            await asyncio.wait([reads.running])  # its outcome is its askers'
        # From here on, whoever asks is after this read started: the next one is theirs.
        reads.queued, reads.running = None, future
        try:
            result = await load()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:  # every asker gets it, as from a read of its own
            future.set_exception(exc)
        else:
            future.set_result(result)
        finally:
            reads.running = None
            if reads.queued is None and self._reads.get(key) is reads:
                del self._reads[key]

    async def once(self, event: dict[str, Any], load: Callable[[], Awaitable[T]]) -> T:
        entry = self._loads.get(id(event))
        if entry is None or entry[0] is not event:  # an id is reused only after its event died
            entry = (event, asyncio.ensure_future(load()))
            self._loads[id(event)] = entry
            if len(self._loads) > KEPT:
                self._loads.popitem(last=False)
        result: T = await asyncio.shield(entry[1])
        return result
