"""An HIS lock whose order never committed goes back now, and again by a job when the HIS did
not take the release or the lock's own outcome is unknown (services/money/his_locks.py)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from fixtures.population import seed_awaiting_orders
from hospital_bff.datasources.errors import HisUnavailable
from hospital_bff.jobs import enqueue
from hospital_bff.runtime import Runtime
from hospital_bff.services.money import his_locks
from hospital_bff.services.money.rules import OrderKind


class His:
    def __init__(self, failing: bool = False) -> None:
        self.failing = failing
        self.released: list[tuple[str, str]] = []

    async def release_slot_lock(self, lock_id: str) -> None:
        if self.failing:
            raise HisUnavailable("breaker open")
        self.released.append(("slot", lock_id))

    async def release_bill_lock(self, lock_id: str) -> None:
        self.released.append(("bill", lock_id))


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...], int | None]]:
    jobs: list[tuple[str, tuple[Any, ...], int | None]] = []

    def send_now(actor: str, *args: Any, delay_ms: int | None = None) -> None:
        jobs.append((actor, args, delay_ms))

    monkeypatch.setattr(enqueue, "send_now", send_now)
    return jobs


async def test_a_release_the_his_took_needs_no_job(sent: list[Any]) -> None:
    his = His()
    runtime: Any = SimpleNamespace(his=his)
    await his_locks.release(runtime, "ord_1", OrderKind.REGISTRATION)
    await his_locks.release(runtime, "ord_2", OrderKind.CLINIC_PAYMENT)
    assert his.released == [("slot", "ord_1"), ("bill", "ord_2")]
    assert sent == []


async def test_a_release_that_failed_is_sent_again_by_a_job(sent: list[Any]) -> None:
    runtime: Any = SimpleNamespace(his=His(failing=True))
    await his_locks.release(runtime, "ord_1", OrderKind.REGISTRATION)
    assert sent == [
        ("release_his_lock", ("ord_1", "REGISTRATION"), his_locks.RELEASE_AGAIN_AFTER_MS)
    ]


async def test_a_lock_of_unknown_outcome_is_released_now_and_again(sent: list[Any]) -> None:
    his = His()
    runtime: Any = SimpleNamespace(his=his)
    await his_locks.release(runtime, "ord_1", OrderKind.REGISTRATION, outcome_unknown=True)
    assert his.released == [("slot", "ord_1")]
    assert [actor for actor, _, _ in sent] == ["release_his_lock"]


async def test_the_broker_away_too_is_logged_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broker_away(actor: str, *args: Any, delay_ms: int | None = None) -> None:
        raise ConnectionError("broker away")

    monkeypatch.setattr(enqueue, "send_now", broker_away)
    runtime: Any = SimpleNamespace(his=His(failing=True))
    await his_locks.release(runtime, "ord_1", OrderKind.REGISTRATION)


async def test_the_job_raises_so_that_it_is_retried() -> None:
    runtime: Any = SimpleNamespace(his=His(failing=True))
    with pytest.raises(HisUnavailable):
        await his_locks.release_now(runtime, "ord_1", OrderKind.REGISTRATION)


async def test_the_job_leaves_alone_a_lock_whose_order_committed_or_hold_is_held(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A waitlist offer's lock id is its hold's, used again when the patient accepts again:
    the delayed release must not free the lock of the order that accept committed."""
    now = runtime.clock.now()
    [(order_id, _)] = await seed_awaiting_orders(
        runtime, 1, expires_at=[now + timedelta(minutes=5)], with_payments=False, prefix="hl"
    )
    released: list[str] = []

    async def release_slot_lock(lock_id: str) -> None:
        released.append(lock_id)

    monkeypatch.setattr(runtime.his, "release_slot_lock", release_slot_lock)
    await his_locks.release_later(runtime, order_id, OrderKind.REGISTRATION)
    assert released == [], "an order of that id committed: its lock is in use"
    await his_locks.release_later(runtime, "ord_never_committed", OrderKind.REGISTRATION)
    assert released == ["ord_never_committed"]
