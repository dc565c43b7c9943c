"""A notice's push records its delivery row and moves on its owner's generation (their kept
personal answers are no longer true) without reading the notice's user a second time: the
push read the notice already (store.upsert.insert_ignore's `owner`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from conftest import make_settings
from fixtures.population import seed_awaiting_orders
from hospital_bff.config import Settings
from hospital_bff.runtime import Runtime
from hospital_bff.services import notices, personal_generations, uow
from hospital_bff.services.notice_push import DeliveryStatus, deliver
from hospital_bff.services.notices import NoticeKind


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    """The push job does not run by itself: the test runs it."""
    return make_settings(backend, tmp_path, run_jobs_in_process=False)


async def test_a_push_moves_its_owners_generation_on_without_reading_the_notice_again(
    runtime: Runtime,
) -> None:
    later = runtime.clock.now() + timedelta(minutes=10)
    await seed_awaiting_orders(runtime, 1, expires_at=[later], with_payments=False, prefix="po")
    user_id = "usr_po"  # the seeded orders' user, with no WeChat account
    async with uow.unit_of_work(runtime) as session:
        await notices.notify(
            session,
            now=runtime.clock.now(),
            user_id=user_id,
            kind=NoticeKind.ORDER_EXPIRED,
            title="订单已超时关闭",
            body="挂号：超时未支付。",
            dedupe_key="po-1",
        )
        notice_id = session.sync_session.info["hospital_bff.jobs"][-1][1][0]
    key = personal_generations.user_key(user_id)
    (before,) = await personal_generations.read(runtime, [key])
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", seen)
    try:
        outcome = await deliver(runtime, notice_id)
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", seen)

    assert outcome == {"": DeliveryStatus.SKIPPED}
    (after,) = await personal_generations.read(runtime, [key])
    assert int(after or 0) == int(before or 0) + 1
    owner_reads = [s for s in statements if s.startswith("SELECT notice.user_id FROM notice")]
    assert owner_reads == []
    assert any(s.startswith("INSERT INTO notice_delivery") for s in statements)
