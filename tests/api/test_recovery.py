"""Crashes and lost answers half-way: every one is settled by a later job, never left standing.

Each test here names a sequence that used to leave money or a place stranded.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import select
from starlette.applications import Starlette

from fixtures.journey import eventually, ledger, open_slot, verified_user, wait_for_status
from fixtures.money import (
    FAIL,
    LATER_DAY,
    PASS,
    ScriptedDice,
    assert_books_balance,
    cancel,
    confirmed_order,
    drained,
    his_faults,
    his_state,
    order_row,
    refund_rows,
)
from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.errors import UpstreamTimeout
from hospital_bff.jobs import enqueue, scheduler
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.money import reconciliation, refunds
from hospital_bff.services.money.rules import RefundMode
from hospital_bff.store.models import Order, Payment, Refund


async def _settled(runtime: Runtime, order_id: str, status: str) -> None:
    """Wait for the jobs a sweep sent (the delayed expiry jobs keep the broker busy for long)."""

    async def refunded() -> bool:
        rows = await refund_rows(runtime, order_id)
        return bool(rows) and rows[0].status == status

    await eventually(refunded)


async def confirmed_later(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    found = await open_slot(client, day=LATER_DAY)
    return await confirmed_order(client, token, found["slot"]["id"])


async def test_a_batch_refund_file_the_bank_did_not_take_is_sent_again(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(
        client, token, (await open_slot(client, day=LATER_DAY))["slot"]["id"]
    )
    clock.advance(days=1)
    assert (await cancel(client, token, confirmed["id"]))["order"]["refund"]["mode"] == "BATCH"
    clock.set(datetime(2026, 11, 29, 10, 30, tzinfo=SHANGHAI))

    real = runtime.bank.refund

    async def times_out(*_a: Any, **_kw: Any) -> Any:
        raise UpstreamTimeout("bank timed out: POST /v3/refund/domestic/refunds", system="bank")

    runtime.bank.refund = times_out  # type: ignore[method-assign]
    # The refund that cannot be sent touches that refund only: the run finishes.
    day = await reconciliation.reconcile(runtime, date(2026, 11, 28))
    assert day.ran_at is not None
    [refund] = await refund_rows(runtime, confirmed["id"])
    assert refund.status == "PENDING"
    assert refund.batch_id == reconciliation.batch_id_of(date(2026, 11, 28))
    assert await reconciliation.unsent_batches(runtime) == [refund.batch_id]

    runtime.bank.refund = real  # type: ignore[method-assign]
    assert await scheduler.resend_refund_batches(runtime) == 1
    await _settled(runtime, confirmed["id"], "SUCCEEDED")
    assert (await ledger(client))["totals"]["refunded"] == confirmed["amount"]

    async def batch_sent() -> bool:
        # The job marks the batch after its refunds settle: wait for the job, not the refund.
        return await reconciliation.unsent_batches(runtime) == []

    await eventually(batch_sent)
    await assert_books_balance(client, app, runtime)


async def test_a_cancel_whose_his_answer_is_lost_is_settled_by_asking(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(
        client, token, (await open_slot(client, day=LATER_DAY))["slot"]["id"]
    )
    his = his_state(app)
    # The registration is read; the cancel is done but its answer comes after our timeout;
    # the question after it is answered.
    his.hang_seconds = runtime.settings.http_timeout_seconds * 2
    dice = ScriptedDice(PASS, FAIL, then=PASS)
    his.random = dice  # type: ignore[assignment]
    await his_faults(client, timeoutRate=0.5)
    answer = await cancel(client, token, confirmed["id"])
    await his_faults(client, timeoutRate=0.0)
    assert not dice.left, "the cancel itself was the call whose answer was lost"
    assert answer["__typename"] == "CancelAppointmentSuccess", answer
    assert answer["order"]["status"] == "CANCELLED"
    assert answer["order"]["refund"]["amount"] == confirmed["amount"]
    await assert_books_balance(client, app, runtime)


async def test_a_cancel_the_his_cannot_even_confirm_is_finished_by_the_sweep(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(
        client, token, (await open_slot(client, day=LATER_DAY))["slot"]["id"]
    )
    his = his_state(app)
    his.hang_seconds = runtime.settings.http_timeout_seconds * 2
    # Two draws a call (errorRate, then timeoutRate): the registration is read; the cancel is
    # done but its answer is lost; then the HIS is down for every question after it.
    dice = ScriptedDice(PASS, PASS, PASS, FAIL, then=FAIL)
    his.random = dice  # type: ignore[assignment]
    await his_faults(client, errorRate=0.5, timeoutRate=0.5)
    answer = await cancel(client, token, confirmed["id"])
    assert not dice.left, "the cancel went through and its answer was lost"
    assert answer["__typename"] == "UpstreamUnavailableError"
    assert (await order_row(runtime, confirmed["id"])).cancel_requested_at is not None

    await his_faults(client, errorRate=0.0, timeoutRate=0.0)  # the HIS is back
    clock.advance(seconds=61)
    assert await scheduler.finish_cancellations(runtime) == 1
    done = await wait_for_status(client, token, confirmed["id"], "CANCELLED")
    assert done["refund"]["amount"] == confirmed["amount"]
    await assert_books_balance(client, app, runtime)


async def test_a_cancel_the_his_never_did_leaves_the_order_standing(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(
        client, token, (await open_slot(client, day=LATER_DAY))["slot"]["id"]
    )
    # The registration is read; the cancel fails at the HIS, which does nothing; the question
    # after it is answered: not cancelled, so the patient is told to try again.
    dice = ScriptedDice(PASS, FAIL, then=PASS)
    his_state(app).random = dice  # type: ignore[assignment]
    await his_faults(client, errorRate=0.5)
    answer = await cancel(client, token, confirmed["id"])
    await his_faults(client, errorRate=0.0)
    assert not dice.left, "the cancel itself failed"
    assert answer["__typename"] == "UpstreamUnavailableError"
    clock.advance(seconds=61)
    assert await scheduler.finish_cancellations(runtime) == 1

    async def intent_dropped() -> bool:
        return (await order_row(runtime, confirmed["id"])).cancel_requested_at is None

    await eventually(intent_dropped)
    row = await order_row(runtime, confirmed["id"])
    assert row.status == "CONFIRMED"
    assert await refund_rows(runtime, confirmed["id"]) == []


async def test_a_suspension_whose_jobs_were_lost_is_finished_by_the_sweep(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(
        client, token, (await open_slot(client, day=LATER_DAY))["slot"]["id"]
    )
    schedule_id = (await order_row(runtime, confirmed["id"])).schedule_id
    real = enqueue.send_now

    def broker_blip(actor_name: str, *args: Any, delay_ms: int | None = None) -> None:
        if actor_name == "cancel_for_suspension":
            raise ConnectionError("broker unreachable for a moment")
        real(actor_name, *args, delay_ms=delay_ms)

    enqueue.send_now = broker_blip  # type: ignore[assignment]
    try:
        r = await client.post(
            f"/sim/his/schedules/{schedule_id}/suspend", json={"reason": "学术会议"}
        )
        assert r.status_code == 200
        await drained(app)
    finally:
        enqueue.send_now = real
    assert (await order_row(runtime, confirmed["id"])).status == "CONFIRMED"

    assert await scheduler.finish_suspensions(runtime) == 1
    done = await wait_for_status(client, token, confirmed["id"], "CANCELLED")
    assert done["refund"]["mode"] == "REFUND"
    assert await scheduler.finish_suspensions(runtime) == 0
    await assert_books_balance(client, app, runtime)


async def test_a_day_is_reconciled_until_it_succeeds(runtime: Runtime, clock: FrozenClock) -> None:
    sent: list[tuple[str, tuple[Any, ...]]] = []
    original = scheduler.send_now
    scheduler.send_now = lambda name, *args, **_kw: sent.append((name, args))  # type: ignore[assignment]
    try:
        clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI))
        assert await scheduler.reconcile_recent_days(runtime) == 0, (
            "the bank's bill is not ready yet"
        )
        clock.set(datetime(2026, 11, 28, 10, 5, tzinfo=SHANGHAI))
        assert await scheduler.reconcile_recent_days(runtime) == 3
        await reconciliation.reconcile(runtime, date(2026, 11, 27))
        sent.clear()
        assert await scheduler.reconcile_recent_days(runtime) == 2, "a reconciled day is done"
        assert ("run_reconciliation", ("2026-11-27",)) not in sent
    finally:
        scheduler.send_now = original  # type: ignore[assignment]


async def test_one_payment_is_refunded_once_whatever_the_reasons(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    """A late notification and the reconciliation (or any two reasons) name the same refund."""
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(
        client, token, (await open_slot(client, day=LATER_DAY))["slot"]["id"]
    )
    async with uow.unit_of_work(runtime) as session:
        order = await session.get(Order, confirmed["id"])
        assert order is not None
        payment = (await session.exec(select(Payment).where(Payment.order_id == order.id))).one()
        first = await refunds.open_refund(
            session, runtime, order=order, payment=payment, mode=RefundMode.REFUND, reason="late"
        )
        second = await refunds.open_refund(
            session, runtime, order=order, payment=payment, mode=RefundMode.BATCH, reason="long"
        )
    assert first.id == second.id
    assert len(await refund_rows(runtime, confirmed["id"])) == 1


async def test_a_refund_the_bank_refused_is_flagged_by_reconciliation(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(
        client, token, (await open_slot(client, day=LATER_DAY))["slot"]["id"]
    )
    clock.advance(days=1)
    await cancel(client, token, confirmed["id"])
    async with uow.unit_of_work(runtime) as session:
        await session.execute(
            update(Refund).where(Refund.order_id == confirmed["id"]).values(status="FAILED")
        )
    await reconciliation.reconcile(runtime, date(2026, 11, 27))
    async with uow.unit_of_work(runtime) as session:
        found = await reconciliation.findings_of(session, date(2026, 11, 27))
    kinds = {f.kind: f for f in found}
    assert "REFUND_FAILED" in kinds
    assert kinds["REFUND_FAILED"].order_id == confirmed["id"]
    assert kinds["REFUND_FAILED"].action == "MANUAL_REFUND"


def test_every_recovery_sweep_runs() -> None:
    names = {name for name, _, _ in scheduler.SWEEPS}
    wanted = {
        "finish_cancellations",
        "finish_suspensions",
        "resend_refund_batches",
        "poll_unsettled_payments",
        "free_expired_holds",
        "resync_inventory",
    }
    assert wanted | {"reconcile_recent_days"} <= names
