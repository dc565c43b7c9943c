"""Reconciliation against the bank simulator: refunds refused or held; re-runs keep findings."""

from __future__ import annotations

from datetime import date, datetime

import httpx
import pytest
from starlette.applications import Starlette

from fixtures.journey import eventually, ledger, open_slot, verified_user
from fixtures.money import LATER_DAY, bank_faults, cancel, confirmed_order, refund_rows
from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.bank_models import FundFlowBill
from hospital_bff.datasources.errors import BankUnavailable
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.money import reconciliation
from hospital_bff.services.staff import StaffActor
from hospital_bff.store.models import RefundBatch

DAY = date(2026, 11, 28)

STAFF = StaffActor(staff_id="stf_1", name="staff-1", session_id="sss_1")


async def _batch_refund_owed(client: httpx.AsyncClient, clock: FrozenClock) -> dict[str, object]:
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(
        client, token, (await open_slot(client, day=LATER_DAY))["slot"]["id"]
    )
    clock.advance(days=1)
    assert (await cancel(client, token, confirmed["id"]))["order"]["refund"]["mode"] == "BATCH"
    clock.set(datetime(2026, 11, 29, 10, 30, tzinfo=SHANGHAI))
    return confirmed


async def test_a_refund_refused_for_good_is_failed_flagged_and_kept_across_reruns(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    confirmed = await _batch_refund_owed(client, clock)
    await bank_faults(client, refundsAbnormal=True)
    first = await reconciliation.reconcile(runtime, DAY)
    [refund] = await refund_rows(runtime, str(confirmed["id"]))
    assert (refund.status, refund.failure) == ("FAILED", "ABNORMAL")
    assert first.status == "ANOMALIES"
    async with uow.unit_of_work(runtime) as session:
        before = await reconciliation.findings_of(session, DAY)
        batch = await session.get(RefundBatch, reconciliation.batch_id_of(DAY))
        assert batch is not None and batch.status == "PARTIAL"
        lines = batch.file.splitlines()
        assert lines[1].startswith("序号,商户订单号")
        assert refund.out_refund_no in lines[2]
        assert (
            lines[-1] == f"1,{int(confirmed['amount']) // 100}.{int(confirmed['amount']) % 100:02d}"
        )
    assert [(f.kind, f.action) for f in before] == [("REFUND_FAILED", "MANUAL_REFUND")]

    await bank_faults(client, refundsAbnormal=False)
    again = await reconciliation.reconcile(runtime, DAY)
    async with uow.unit_of_work(runtime) as session:
        after = await reconciliation.findings_of(session, DAY)
    assert [(f.id, f.key, f.current) for f in after] == [(f.id, f.key, True) for f in before]
    assert again.refund_batch_id == first.refund_batch_id
    # Never silently sent again: the money stays owed to a person's hands.
    [refund] = await refund_rows(runtime, str(confirmed["id"]))
    assert refund.status == "FAILED"
    assert (await ledger(client))["totals"]["refunded"] == 0

    async with uow.unit_of_work(runtime) as session:
        await reconciliation.resolve_finding(
            session, runtime, before[0].id, "现金退还患者", by=STAFF
        )
    third = await reconciliation.reconcile(runtime, DAY)
    async with uow.unit_of_work(runtime) as session:
        [kept] = await reconciliation.findings_of(session, DAY)
    assert (kept.id, kept.status, kept.note) == (before[0].id, "RESOLVED", "现金退还患者")
    assert third.status == "RESOLVED"


async def test_a_refund_held_processing_is_settled_later(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    confirmed = await _batch_refund_owed(client, clock)
    await bank_faults(client, refundsProcessing=True)
    await reconciliation.reconcile(runtime, DAY)
    [refund] = await refund_rows(runtime, str(confirmed["id"]))
    assert refund.status == "PROCESSING"
    await bank_faults(client, refundsProcessing=False)

    async def succeeded() -> bool:
        rows = await refund_rows(runtime, str(confirmed["id"]))
        return rows[0].status == "SUCCEEDED"

    await eventually(succeeded)
    # The next day's bill lists the refund; both sides count it, to the fen.
    clock.set(datetime(2026, 11, 30, 10, 30, tzinfo=SHANGHAI))
    day = await reconciliation.reconcile(runtime, date(2026, 11, 29))
    assert (day.bank_paid, day.bank_refunded) == (0, confirmed["amount"])
    assert (day.hospital_paid, day.hospital_refunded) == (0, confirmed["amount"])
    assert day.bank_total == day.hospital_total == -int(confirmed["amount"])  # type: ignore[call-overload]
    assert day.matched == 1
    assert day.status == "BALANCED"


async def test_fund_flow_agrees_on_a_balanced_day(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    await _batch_refund_owed(client, clock)
    await reconciliation.reconcile(runtime, DAY)
    async with uow.unit_of_work(runtime) as session:
        kinds = {f.kind for f in await reconciliation.findings_of(session, DAY)}
    assert not {k for k in kinds if k.startswith("FUND_FLOW")}


async def test_fund_flow_that_disagrees_is_a_finding_kept_across_reruns(
    client: httpx.AsyncClient,
    app: Starlette,
    runtime: Runtime,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await _batch_refund_owed(client, clock)
    real = runtime.bank.fund_flow_bill

    async def doubled(day: date, account_type: str = "BASIC") -> FundFlowBill:
        bill = await real(day, account_type)
        more = bill.summary.model_copy(update={"income_total": bill.summary.income_total + 1})
        return bill.model_copy(update={"summary": more})

    monkeypatch.setattr(runtime.bank, "fund_flow_bill", doubled)
    first = await reconciliation.reconcile(runtime, DAY)
    await reconciliation.reconcile(runtime, DAY)
    async with uow.unit_of_work(runtime) as session:
        found = [
            (f.key, f.amount, f.current)
            for f in await reconciliation.findings_of(session, DAY)
            if f.kind == "FUND_FLOW_MISMATCH"
        ]
    assert found == [("FUND_FLOW_MISMATCH:income", 1, True)]
    assert first.status == "ANOMALIES"


async def test_fund_flow_unavailable_is_one_finding_and_the_run_goes_on(
    client: httpx.AsyncClient,
    app: Starlette,
    runtime: Runtime,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    confirmed = await _batch_refund_owed(client, clock)

    async def down(day: date, account_type: str = "BASIC") -> FundFlowBill:
        raise BankUnavailable("fund-flow bill not ready", system="bank")

    monkeypatch.setattr(runtime.bank, "fund_flow_bill", down)
    first = await reconciliation.reconcile(runtime, DAY)
    # The trade bill's work was done all the same: the owed refund went out with the batch.
    [refund] = await refund_rows(runtime, str(confirmed["id"]))
    assert refund.status == "SUCCEEDED"
    assert first.refund_batch_id is not None
    async with uow.unit_of_work(runtime) as session:
        kinds = [f.kind for f in await reconciliation.findings_of(session, DAY) if f.current]
    assert kinds == ["FUND_FLOW_UNAVAILABLE"]
    monkeypatch.undo()
    again = await reconciliation.reconcile(runtime, DAY)
    async with uow.unit_of_work(runtime) as session:
        current = [f.kind for f in await reconciliation.findings_of(session, DAY) if f.current]
    assert current == []
    assert again.status == "BALANCED"
