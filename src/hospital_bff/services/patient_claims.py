"""One booking at a time per patient, from the rules' read to the order's commit.

The paper's limits (one booking per schedule, one per department a day, three a day) are
checked against the patient's active orders, then a place is held and the HIS asked; the
order commits seconds later. Two bookings for the same patient sent together (a double tap,
a script, two accounts bound to one patient) each read the orders before the other's
commit, and both passed: N at once passed the limits N times. The hold is per slot and the
only unique key per (user, idempotency key), so nothing else serialised them.

A booking now claims its patient first, under a lease, and lets go once its order has
committed (or the booking has given up); another booking for the same patient meanwhile
hears TRY_AGAIN, having taken nothing, and when it comes again it reads the first one's
order. The lease is the place hold's (place_hold_lease_seconds): a process that dies
half-way holds the patient no longer than it holds the place. Redis when processes share
one, else this process's own table (the embedded default's API and job threads).
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

import redis.asyncio as aioredis
import structlog

from hospital_bff.cache import in_process_state
from hospital_bff.outages import REDIS_DOWN
from hospital_bff.services.errors import DomainError

log = structlog.get_logger(__name__)


class PatientBusy(DomainError):
    """Another booking for this patient is on its way; nothing was taken."""

    code = "TRY_AGAIN"

    def __init__(self) -> None:
        super().__init__(
            "该就诊人有一笔预约正在办理，请稍后重试",
            message_en="Another booking for this patient is in progress; please try again",
        )


class ClaimStore(Protocol):
    async def claim(self, patient: str, token: str, lease_seconds: float) -> bool: ...

    async def release(self, patient: str, token: str) -> None: ...


# Deleted only by the booking that set it: one whose lease ran out must not free another's.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisClaimStore:
    prefix = "bff:patient-booking:"

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis
        self._release = redis.register_script(_RELEASE)

    async def claim(self, patient: str, token: str, lease_seconds: float) -> bool:
        lease_ms = max(1, int(lease_seconds * 1000))
        return bool(await self._redis.set(self.prefix + patient, token, nx=True, px=lease_ms))

    async def release(self, patient: str, token: str) -> None:
        await self._release(keys=[self.prefix + patient], args=[token])


class LocalClaimStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # the job workers run on threads of their own
        self._claims: dict[str, tuple[str, float]] = {}

    async def claim(self, patient: str, token: str, lease_seconds: float) -> bool:
        now = time.monotonic()
        with self._lock:
            held = self._claims.get(patient)
            if held is not None and held[1] > now:
                return False
            self._claims[patient] = (token, now + lease_seconds)
            return True

    async def release(self, patient: str, token: str) -> None:
        with self._lock:
            held = self._claims.get(patient)
            if held is not None and held[0] == token:
                del self._claims[patient]


class PatientClaims:
    def __init__(self, store: ClaimStore, lease_seconds: float) -> None:
        self.store = store
        self.lease_seconds = lease_seconds

    @asynccontextmanager
    async def claimed(self, patient: str, token: str) -> AsyncIterator[None]:
        """Hold the patient for the block, or raise PatientBusy (TRY_AGAIN) at once. With
        Redis away the block runs unclaimed (outages.py: bookings carry on without Redis;
        the limits are then checked as before the claim, racing bookings aside)."""
        try:
            if not await self.store.claim(patient, token, self.lease_seconds):
                raise PatientBusy()
        except REDIS_DOWN:
            log.warning("patient_claim_unavailable", exc_info=True)
        try:
            yield
        finally:
            # Taken, or unknown (a Redis timeout may have taken it all the same): let go.
            try:
                await self.store.release(patient, token)
            except Exception:
                # The booking's outcome stands; the claim lapses with its lease.
                log.warning("patient_claim_not_released", exc_info=True)


def claim_store(redis_url: str | None, redis: aioredis.Redis) -> ClaimStore:
    """Redis when processes share one, else this process's own claims."""
    if redis_url:
        return RedisClaimStore(redis)
    store: ClaimStore = in_process_state("patient_claims", LocalClaimStore)
    return store
