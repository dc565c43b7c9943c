"""The slot gate: a count of each slot's places in front of the database and the HIS, so a
burst of patients for a released schedule hears SLOT_FULL at once, and an overloaded process
answers TRY_AGAIN within a second instead of letting calls time out behind its own queue.

The count only filters; the database's hold (services/money/holds.py) stays the truth and
still refuses anything beyond capacity. So the gate may let too many through (the hold says
SLOT_FULL then) but must never refuse a place that is free, which would leave it unsold:

- a booking takes a ticket before it asks anyone (at most `capacity` tickets out per slot);
- a ticket that did not become a database hold is given back when the booking ends;
- a place the database gives back (a failed booking, an expiry, a cancellation, the lease
  sweep) is given back to the gate after that commit (`place_freed`);
- the count is re-read from the database's holds every `slot_gate_ttl_seconds`, so a ticket
  lost with a crashed process, or a give-back lost with it, costs at most that long. A re-read
  can only count fewer than are out (tickets between gate and hold are not in the database),
  which errs on the side of letting a booking through to the hold.

Redis keeps the count when several processes share it (one Lua script per step, atomic); the
embedded default keeps it in the process (its API and job threads share one count).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import redis.asyncio as aioredis
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.cache import in_process_state
from hospital_bff.services.errors import DomainError
from hospital_bff.store.models import SlotInventory


class TryAgain(DomainError):
    """This process has more bookings in hand than it can finish in time; nothing was taken."""

    code = "TRY_AGAIN"

    def __init__(self) -> None:
        super().__init__(
            "预约人数较多，请稍后重试", message_en="Too many bookings at once; please try again"
        )


class Ticket(Enum):
    """What the gate answers a booking that asks for a place."""

    TAKEN = "TAKEN"  # one of the slot's places is this booking's to try for
    FULL = "FULL"  # every place is sold or being booked
    UNKNOWN = "UNKNOWN"  # the gate has no count for the slot yet: seed it, then ask again


class GateStore(Protocol):
    """Where the counts live: Redis for several processes, the process for the default."""

    async def take(self, slot_id: str) -> Ticket: ...

    async def seed(self, slot_id: str, capacity: int, taken: int, ttl_seconds: float) -> None: ...

    async def give_back(self, slot_id: str) -> None: ...

    async def full(self, slot_id: str) -> bool | None: ...


# KEYS[1] the slot's count {cap, taken}. 1 taken, 0 full, -1 no count yet.
_TAKE = """
local cap = redis.call('HGET', KEYS[1], 'cap')
if not cap then return -1 end
local taken = tonumber(redis.call('HGET', KEYS[1], 'taken'))
if taken >= tonumber(cap) then return 0 end
redis.call('HINCRBY', KEYS[1], 'taken', 1)
return 1
"""
# ARGV: capacity, taken, ttl in ms. A count already there (seeded by another) is kept.
_SEED = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'cap', ARGV[1], 'taken', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
# Never below zero, and never creating a count: a missing one is seeded from the database.
_GIVE_BACK = """
local taken = tonumber(redis.call('HGET', KEYS[1], 'taken'))
if taken and taken > 0 then redis.call('HINCRBY', KEYS[1], 'taken', -1) end
return 0
"""


class RedisGateStore:
    """The counts in Redis, shared by every API process and worker."""

    prefix = "bff:slot-gate:"

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis
        self._take = redis.register_script(_TAKE)
        self._seed = redis.register_script(_SEED)
        self._give_back = redis.register_script(_GIVE_BACK)

    async def take(self, slot_id: str) -> Ticket:
        answer = int(await self._take(keys=[self.prefix + slot_id]))
        return {1: Ticket.TAKEN, 0: Ticket.FULL}.get(answer, Ticket.UNKNOWN)

    async def seed(self, slot_id: str, capacity: int, taken: int, ttl_seconds: float) -> None:
        ttl_ms = max(1, int(ttl_seconds * 1000))
        await self._seed(keys=[self.prefix + slot_id], args=[capacity, taken, ttl_ms])

    async def give_back(self, slot_id: str) -> None:
        await self._give_back(keys=[self.prefix + slot_id])

    async def full(self, slot_id: str) -> bool | None:
        cap, taken = await self._redis.hmget(self.prefix + slot_id, ["cap", "taken"])
        if cap is None or taken is None:
            return None
        return int(taken) >= int(cap)


@dataclass
class _Count:
    capacity: int
    taken: int
    until: float


class LocalGateStore:
    """The counts in this process: the embedded default's API and job threads share them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the job workers run on threads of their own
        self._counts: dict[str, _Count] = {}

    async def take(self, slot_id: str) -> Ticket:
        with self._lock:
            count = self._live(slot_id)
            if count is None:
                return Ticket.UNKNOWN
            if count.taken >= count.capacity:
                return Ticket.FULL
            count.taken += 1
            return Ticket.TAKEN

    async def seed(self, slot_id: str, capacity: int, taken: int, ttl_seconds: float) -> None:
        with self._lock:
            if self._live(slot_id) is None:
                until = time.monotonic() + ttl_seconds
                self._counts[slot_id] = _Count(capacity, taken, until)

    async def give_back(self, slot_id: str) -> None:
        with self._lock:
            count = self._live(slot_id)
            if count is not None and count.taken > 0:
                count.taken -= 1

    async def full(self, slot_id: str) -> bool | None:
        with self._lock:
            count = self._live(slot_id)
            return None if count is None else count.taken >= count.capacity

    def _live(self, slot_id: str) -> _Count | None:
        count = self._counts.get(slot_id)
        if count is not None and count.until <= time.monotonic():
            del self._counts[slot_id]
            return None
        return count


class Admission:
    """At most `limit` bookings of this process past the gate at once; one that cannot get in
    within `wait_seconds` hears TRY_AGAIN, so an answer never waits behind our own queue."""

    def __init__(self, limit: int, wait_seconds: float) -> None:
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._slots: asyncio.Semaphore | None = None  # made on the event loop that uses it

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        slots = self._slots
        try:
            async with asyncio.timeout(self.wait_seconds):
                await slots.acquire()
        except TimeoutError:
            raise TryAgain() from None
        try:
            yield
        finally:
            slots.release()


class SlotGate:
    """The count in front of a booking: take, seed, give back (see the module's docstring)."""

    def __init__(self, store: GateStore, ttl_seconds: float, admission: Admission) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds
        self.admission = admission

    async def take(self, slot_id: str) -> Ticket:
        return await self.store.take(slot_id)

    async def full(self, slot_id: str) -> bool | None:
        """Whether `take` would answer FULL now, taking nothing; None: no count (UNKNOWN).
        The front door's question: booking_door.py answers SLOT_FULL only on True."""
        return await self.store.full(slot_id)

    async def seed_and_take(
        self,
        slot_id: str,
        capacity: int,
        read_held: Callable[[], Awaitable[int]],
    ) -> Ticket:
        """The slot had no count: start one from the database's holds, then take from it."""
        await self.seed(slot_id, capacity, read_held)
        answer = await self.store.take(slot_id)
        # Seeded and expired at once (a tiny ttl): let the booking go on to the hold.
        return Ticket.TAKEN if answer is Ticket.UNKNOWN else answer

    async def seed(
        self, slot_id: str, capacity: int, read_held: Callable[[], Awaitable[int]]
    ) -> None:
        """Start a count from the database's holds (a count already there is kept)."""
        await self.store.seed(slot_id, capacity, await read_held(), self.ttl_seconds)

    async def give_back(self, slot_id: str) -> None:
        await self.store.give_back(slot_id)

    async def places_freed(self, slot_ids: list[str]) -> None:
        for slot_id in slot_ids:
            await self.store.give_back(slot_id)


async def held_places(session: AsyncSession, slot_id: str) -> int:
    """The places the database holds for a slot (active orders and bookings in flight)."""
    held = (
        await session.exec(select(SlotInventory.held).where(SlotInventory.slot_id == slot_id))
    ).first()
    return int(held or 0)


def gate_store(redis_url: str | None, redis: aioredis.Redis) -> GateStore:
    """Redis when processes share one, else this process's own counts."""
    if redis_url:
        return RedisGateStore(redis)
    store: GateStore = in_process_state("slot_gate", LocalGateStore)
    return store
