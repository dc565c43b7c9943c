"""Notices reach the phone through WeChat: to their own user's openid only, for accepted
templates only, with a recorded outcome, and never twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col, select
from starlette.applications import Starlette

from fixtures.journey import eventually, patient_of, verified_user
from hospital_bff.clock import FrozenClock
from hospital_bff.jobs.scheduler import push_unsent_notices
from hospital_bff.runtime import Runtime
from hospital_bff.services import notice_push, notices, uow
from hospital_bff.services.notice_push import DeliveryStatus, RetryDelivery
from hospital_bff.simulators.wechat_push import PushState
from hospital_bff.store.models import Notice, NoticeDelivery

ACCEPT = """
mutation Accept($ids: [String!]!) {
  acceptNoticeSubscriptions(templateIds: $ids) {
    __typename
    ... on AcceptNoticeSubscriptionsSuccess { acceptedKinds }
    ... on UserError { code }
  }
}
"""


def wechat(app: Starlette) -> PushState:
    sims: dict[str, Starlette] = app.state.simulators
    state: PushState = sims["wechat"].state.wechat_push
    return state


def template(runtime: Runtime, kind: str) -> str:
    return runtime.settings.wechat_push_templates[kind]


async def accept(
    client: httpx.AsyncClient, token: str, openid: str, template_id: str, *, in_wechat: bool = True
) -> dict[str, Any]:
    """The user accepts in WeChat's prompt (the simulator), then the app tells the BFF."""
    if in_wechat:
        r = await client.post(
            "/sim/wechat/subscribe", json={"openid": openid, "templateIds": [template_id]}
        )
        assert r.status_code == 200, r.text
    r = await client.post(
        "/graphql",
        json={"query": ACCEPT, "variables": {"ids": [template_id]}},
        headers={"Authorization": f"Bearer {token}"},
    )
    result: dict[str, Any] = r.json()["data"]["acceptNoticeSubscriptions"]
    return result


async def messages(client: httpx.AsyncClient, openid: str) -> list[dict[str, Any]]:
    body = (await client.get("/sim/wechat/messages", params={"touser": openid})).json()
    found: list[dict[str, Any]] = body["messages"]
    return found


async def deliveries(runtime: Runtime, kind: str) -> list[NoticeDelivery]:
    async with uow.unit_of_work(runtime) as session:
        rows = await session.exec(
            select(NoticeDelivery)
            .join(Notice, col(Notice.id) == col(NoticeDelivery.notice_id))
            .where(Notice.kind == kind)
        )
        return list(rows.all())


async def settled(runtime: Runtime, kind: str, count: int = 1) -> list[NoticeDelivery]:
    async def done() -> bool:
        rows = await deliveries(runtime, kind)
        return len(rows) >= count and all(r.status in notice_push.FINAL for r in rows)

    await eventually(done)
    return await deliveries(runtime, kind)


async def notify(runtime: Runtime, user_id: str, kind: str, key: str) -> str:
    async with uow.unit_of_work(runtime) as session:
        await notices.notify(
            session,
            now=runtime.clock.now(),
            user_id=user_id,
            kind=kind,
            title="专家停诊，预约已取消",
            body="张医生停诊，您的预约已取消。",
            dedupe_key=key,
        )
        notice = (await session.exec(select(Notice).where(Notice.dedupe_key == key))).one()
        return notice.id


async def user_id_of(runtime: Runtime, openid: str) -> str:
    from hospital_bff.store.models import Account

    async with uow.unit_of_work(runtime) as session:
        account = (await session.exec(select(Account).where(Account.external_id == openid))).one()
        assert account.user_id is not None
        return account.user_id


async def report_for(client: httpx.AsyncClient, patient_id: str) -> None:
    r = await client.post(
        "/sim/his/reports",
        json={
            "patientId": patient_id,
            "kind": "LAB",
            "title": "血常规",
            "conclusion": "正常",
            "items": [],
        },
    )
    assert r.status_code in (200, 201), r.text


async def test_a_ready_report_reaches_that_users_phone_only(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, person = await verified_user(client, openid="o-lilei")
    other_token, _ = await verified_user(client, openid="o-hanmeimei")
    result = await accept(client, token, "o-lilei", template(runtime, "REPORT_READY"))
    assert result["acceptedKinds"] == ["REPORT_READY"]
    await accept(client, other_token, "o-hanmeimei", template(runtime, "REPORT_READY"))

    await report_for(client, await patient_of(client, token))
    [row] = await settled(runtime, "REPORT_READY")
    assert (row.status, row.openid) == (DeliveryStatus.SENT, "o-lilei")
    [message] = await messages(client, "o-lilei")
    assert str(message["msgid"]) == row.msgid
    assert message["templateId"] == template(runtime, "REPORT_READY")
    assert await messages(client, "o-hanmeimei") == []
    shown = str(message["data"])
    assert person["name"] not in shown and person["idNumber"] not in shown
    assert message["data"]["name2"]["value"] == person["name"][0] + "*" * (len(person["name"]) - 1)
    assert "pat" not in shown.lower() and "ntc_" not in shown


async def test_a_suspension_notice_is_pushed_and_a_second_run_sends_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client, openid="o-lilei")
    await accept(client, token, "o-lilei", template(runtime, "EXPERT_SUSPENDED"))
    notice_id = await notify(
        runtime, await user_id_of(runtime, "o-lilei"), "EXPERT_SUSPENDED", "s1"
    )
    [row] = await settled(runtime, "EXPERT_SUSPENDED")
    assert row.status == DeliveryStatus.SENT
    assert await notice_push.deliver(runtime, notice_id) == {"o-lilei": DeliveryStatus.SENT}
    assert len(await messages(client, "o-lilei")) == 1


async def test_a_kind_the_user_has_not_accepted_is_skipped(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client, openid="o-lilei")
    await report_for(client, await patient_of(client, token))
    [row] = await settled(runtime, "REPORT_READY")
    assert (row.status, row.reason) == (DeliveryStatus.SKIPPED, "NOT_ACCEPTED")
    assert await messages(client, "o-lilei") == []


async def test_wechat_refusing_with_43101_is_recorded_not_retried(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client, openid="o-lilei")
    # The BFF was told of an acceptance WeChat does not know (the user turned it off there).
    await accept(client, token, "o-lilei", template(runtime, "REPORT_READY"), in_wechat=False)
    await report_for(client, await patient_of(client, token))
    [row] = await settled(runtime, "REPORT_READY")
    assert (row.status, row.reason, row.attempts) == (DeliveryStatus.REFUSED, "USER_REFUSED", 1)
    assert await messages(client, "o-lilei") == []


async def test_wechat_down_is_retried_then_failed_and_nothing_is_sent(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client, openid="o-lilei")
    await accept(client, token, "o-lilei", template(runtime, "EXPERT_SUSPENDED"))
    await client.put("/sim/wechat/faults", json={"errorRate": 1.0})
    notice_id = await notify(
        runtime, await user_id_of(runtime, "o-lilei"), "EXPERT_SUSPENDED", "s2"
    )

    async def first_try_done() -> bool:
        rows = await deliveries(runtime, "EXPERT_SUSPENDED")
        return bool(rows) and rows[0].attempts >= 1 and rows[0].status == DeliveryStatus.PENDING

    await eventually(first_try_done)  # the job's own first run

    async def failed() -> bool:
        # The job's retries, driven here too rather than only waiting for dramatiq's backoff.
        try:
            await notice_push.deliver(runtime, notice_id)
        except RetryDelivery:
            return False
        rows = await deliveries(runtime, "EXPERT_SUSPENDED")
        return rows[0].status == DeliveryStatus.FAILED

    await eventually(failed)
    [row] = await deliveries(runtime, "EXPERT_SUSPENDED")
    assert (row.reason, row.attempts) == (
        "WECHAT_UNAVAILABLE",
        runtime.settings.wechat_push_attempts,
    )
    await client.put("/sim/wechat/faults", json={"errorRate": 0.0})
    await notice_push.deliver(runtime, notice_id)  # a late retry after WeChat is back
    assert await messages(client, "o-lilei") == []


async def test_a_call_whose_answer_was_lost_is_not_sent_again(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """A worker died after marking SENDING: WeChat may have the message; the retry records
    the unknown outcome instead of sending a second one."""
    token, _ = await verified_user(client, openid="o-lilei")
    await accept(client, token, "o-lilei", template(runtime, "EXPERT_SUSPENDED"))
    await client.put("/sim/wechat/faults", json={"errorRate": 1.0})
    notice_id = await notify(
        runtime, await user_id_of(runtime, "o-lilei"), "EXPERT_SUSPENDED", "s3"
    )

    async def first_try_done() -> bool:
        rows = await deliveries(runtime, "EXPERT_SUSPENDED")
        return bool(rows) and rows[0].attempts >= 1 and rows[0].status == DeliveryStatus.PENDING

    await eventually(first_try_done)
    await client.put("/sim/wechat/faults", json={"errorRate": 0.0})
    long_ago = runtime.clock.now() - timedelta(hours=1)
    async with uow.unit_of_work(runtime) as session:
        await session.execute(
            update(NoticeDelivery)
            .where(col(NoticeDelivery.notice_id) == notice_id)
            .values(status=DeliveryStatus.SENDING.value, updated_at=long_ago)
        )
    assert await notice_push.deliver(runtime, notice_id) == {"o-lilei": DeliveryStatus.FAILED}
    [row] = await deliveries(runtime, "EXPERT_SUSPENDED")
    assert row.reason == "OUTCOME_UNKNOWN"
    assert await messages(client, "o-lilei") == []


async def test_unknown_templates_are_refused_and_change_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client, openid="o-lilei")
    result = await accept(client, token, "o-lilei", "tpl-not-ours", in_wechat=False)
    assert result["code"] == "INVALID_INPUT"
    async with uow.unit_of_work(runtime) as session:
        assert await notice_push.accepted_kinds(session, runtime, "o-lilei") == []


async def test_a_notice_whose_push_job_was_lost_is_pushed_by_the_sweep(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client, openid="o-lilei")
    await accept(client, token, "o-lilei", template(runtime, "EXPERT_SUSPENDED"))
    user_id = await user_id_of(runtime, "o-lilei")
    async with uow.unit_of_work(runtime) as session:
        # Stored as notify() stores it, but the process died before its job left.
        session.add(
            Notice(
                id="ntc_lost",
                user_id=user_id,
                dedupe_key="lost",
                kind="EXPERT_SUSPENDED",
                title="专家停诊",
                body="…",
                created_at=clock.now(),
            )
        )
    assert await push_unsent_notices(runtime) == 0, "its own job gets the first minute"
    clock.advance(minutes=2)
    assert await push_unsent_notices(runtime) == 1
    [row] = await settled(runtime, "EXPERT_SUSPENDED")
    assert row.status == DeliveryStatus.SENT
    assert len(await messages(client, "o-lilei")) == 1
    assert await push_unsent_notices(runtime) == 0
