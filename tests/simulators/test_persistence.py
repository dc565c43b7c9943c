"""The simulators' records kept across restarts (simulators/persistence.py): what a demo's HIS
and bank knew before a restart they know after it, and an unreadable file costs a fresh start."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.config import Settings
from hospital_bff.datasources.wechatpay_crypto import BankKeys
from hospital_bff.simulators.bank import BankState, create_bank_app
from hospital_bff.simulators.bank import rules as bank_rules
from hospital_bff.simulators.bank.serialise import ledger_json
from hospital_bff.simulators.his import HisState, create_his_app
from hospital_bff.simulators.his.id_numbers import resident_id
from hospital_bff.simulators.persistence import SimulatorStore, simulator_store
from hospital_bff.simulators.server import create_sim_server
from hospital_bff.simulators.wechat import create_wechat_app

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
KEY = "test-his-key"
SLOT = "slot-exp-nk-1-20261128-AM-0800"
SCHEDULE = "sch-exp-xhnk-1-20261129-PM"
MCH_ID = "1900000001"


def his_app() -> Starlette:
    return create_his_app(clock=FrozenClock(NOW), webhook_url=None, webhook_secret="", api_key=KEY)


def bank_app() -> Starlette:
    return create_bank_app(
        clock=FrozenClock(NOW),
        keys=BankKeys.generate(),
        apiv3_key="demo-apiv3-key-32-bytes-long-ok!",
        mch_id=MCH_ID,
        public_base_url="http://bank.test",
    )


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return tmp_path / "simulators"


def running(directory: Path) -> tuple[dict[str, Starlette], SimulatorStore]:
    sims = {"his": his_app(), "bank": bank_app()}
    store = simulator_store(directory, sims)
    assert store is not None
    return sims, store


async def his_client(app: Starlette, store: SimulatorStore) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=store.track(app))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://his", headers={"X-His-Key": KEY}
    ) as client:
        yield client


async def test_a_restarted_his_keeps_reports_bills_suspensions_and_registrations(
    directory: Path,
) -> None:
    sims, store = running(directory)
    async with store.autosave(every_seconds=3600):
        async for his in his_client(sims["his"], store):
            person = {
                "name": "韩梅梅",
                "idNumber": resident_id("110105", date(1990, 5, 17), 7, "FEMALE"),
                "phone": "13912345678",
            }
            patient = (await his.post("/patients", json=person)).json()
            bill = {
                "patientId": patient["id"],
                "items": [{"code": "LAB-CBC", "name": "血常规", "amount": 2500}],
            }
            bill_id = (await his.post("/bills", json=bill)).json()["id"]
            report = {"patientId": patient["id"], "kind": "LAB", "title": "血常规", "items": []}
            report_id = (await his.post("/reports", json=report)).json()["id"]
            suspended = await his.post(f"/schedules/{SCHEDULE}/suspend", json={"reason": "出差"})
            assert suspended.json()["status"] == "SUSPENDED"
            lock = {"lockId": "L1", "slotId": SLOT, "patientId": "pat-0001", "ttlSeconds": 600}
            assert (await his.post("/slot-locks", json=lock)).status_code == 200
            registration = {
                "orderId": "ord-1", "lockId": "L1", "slotId": SLOT, "patientId": "pat-0001",
                "amount": 6000, "paymentRef": "pay-1",
            }  # fmt: skip
            registered = (await his.post("/registrations", json=registration)).json()
            remaining = (await his.get(f"/slots/{SLOT}")).json()["remaining"]
    assert (directory / "his.json").exists()

    again, _ = running(directory)
    async for his in his_client(again["his"], SimulatorStore(directory, [])):
        assert (await his.get(f"/reports/{report_id}")).json()["title"] == "血常规"
        bills = (await his.get(f"/patients/{patient['id']}/bills")).json()
        assert [(b["id"], b["status"]) for b in bills] == [(bill_id, "UNPAID")]
        schedules = (await his.get("/schedules", params={"ids": SCHEDULE})).json()
        assert (schedules[0]["status"], schedules[0]["suspendReason"]) == ("SUSPENDED", "出差")
        found = (await his.get("/registrations", params={"orderId": "ord-1"})).json()
        assert found == [registered]
        assert (await his.get(f"/slots/{SLOT}")).json()["remaining"] == remaining
        # The ID sequence goes on: nothing made after the restart takes an earlier ID.
        newer = (await his.post("/bills", json=bill)).json()["id"]
        assert newer not in {bill_id, report_id, registered["id"], patient["id"]}
    state: HisState = again["his"].state.his
    assert state.sent_events == [], "events already sent are not sent again"


async def test_a_restarted_bank_keeps_its_orders_refunds_and_id_sequence(directory: Path) -> None:
    sims, store = running(directory)
    bank: BankState = sims["bank"].state.bank
    order = bank_rules.create_order(
        bank,
        {
            "appid": "wx-hospital-demo", "mchid": MCH_ID, "description": "挂号费",
            "out_trade_no": "T1", "notify_url": "http://bff.test/webhooks/bank",
            "amount": {"total": 6000, "currency": "CNY"},
            "time_expire": "2026-11-27T09:15:00+08:00",
        },
        NOW,
    )  # fmt: skip
    assert bank_rules.pay(bank, order, NOW, "o-payer")
    refund = {
        "out_trade_no": "T1",
        "out_refund_no": "R1",
        "amount": {"refund": 1000, "total": 6000},
    }
    bank_rules.refund(bank, refund, NOW)
    before = ledger_json(bank)
    await store.save()

    again, _ = running(directory)
    restarted: BankState = again["bank"].state.bank
    assert ledger_json(restarted) == before
    assert restarted.order_by_prepay(order.prepay_id).out_trade_no == "T1"
    assert restarted.orders["T1"].time_expire == order.time_expire
    assert restarted.next_id("4200000") > (order.transaction_id or "")


async def test_only_requests_that_may_change_records_count_as_changes(directory: Path) -> None:
    sims, store = running(directory)
    async for his in his_client(sims["his"], store):
        await his.get("/departments")
        assert store.changed is False
        await his.put("/faults", json={"latencyMs": 0})
        assert store.changed is True
    await store.save()
    assert store.changed is False


def test_an_unreadable_file_starts_the_simulator_afresh(directory: Path) -> None:
    directory.mkdir(parents=True)
    (directory / "his.json").write_bytes(b'{"hospital": "not records"')
    (directory / "bank.json").write_text("[]")
    sims, _ = running(directory)
    his: HisState = sims["his"].state.his
    assert "pat-0001" in his.patients and his.counter == 0
    assert sims["bank"].state.bank.orders == {}


def test_no_directory_keeps_nothing() -> None:
    assert simulator_store(None, {"his": his_app()}) is None


async def test_the_standalone_simulators_keep_their_records_too(tmp_path: Path) -> None:
    settings = Settings(simulator_state_dir=tmp_path / "sim-server", bank_keys_dir=tmp_path / "k")
    report = {"patientId": "pat-0001", "kind": "LAB", "title": "尿常规", "status": "PENDING"}

    async def one_run(work: Callable[[httpx.AsyncClient], Awaitable[Any]]) -> Any:
        server = create_sim_server(settings)
        async with server.router.lifespan_context(server):
            transport = httpx.ASGITransport(app=server)
            headers = {"X-His-Key": settings.his_api_key.get_secret_value()}
            async with httpx.AsyncClient(
                transport=transport, base_url="http://sim", headers=headers
            ) as client:
                return await work(client)

    async def write(client: httpx.AsyncClient) -> str:
        created: str = (await client.post("/his/reports", json=report)).json()["id"]
        return created

    async def read(client: httpx.AsyncClient) -> int:
        return (await client.get(f"/his/reports/{report_id}")).status_code

    report_id = await one_run(write)
    assert await one_run(read) == 200


async def test_a_restarted_wechat_push_keeps_acceptances_tokens_and_messages(
    directory: Path,
) -> None:
    def wechat_app() -> Starlette:
        return create_wechat_app(
            clock=FrozenClock(NOW),
            app_id="wx-test",
            app_secret="wx-secret",
            templates=["tpl-long", "tpl-once"],
            one_off_templates=["tpl-once"],
        )

    async def push(app: Starlette, work: Callable[[httpx.AsyncClient], Awaitable[Any]]) -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://wechat") as client:
            return await work(client)

    async def send(client: httpx.AsyncClient, token: str, template: str) -> int:
        body = {"touser": "o-1", "template_id": template, "data": {"thing1": {"value": "x"}}}
        answer = await client.post(
            "/cgi-bin/message/subscribe/bizsend", params={"access_token": token}, json=body
        )
        errcode: int = answer.json()["errcode"]
        return errcode

    async def accept_and_send(client: httpx.AsyncClient) -> str:
        accepted = {"openid": "o-1", "templateIds": ["tpl-long", "tpl-once", "tpl-once"]}
        assert (await client.post("/subscribe", json=accepted)).status_code == 200
        params = {"grant_type": "client_credential", "appid": "wx-test", "secret": "wx-secret"}
        token: str = (await client.get("/cgi-bin/token", params=params)).json()["access_token"]
        assert await send(client, token, "tpl-once") == 0
        return token

    first = wechat_app()
    store = simulator_store(directory, {"wechat": first})
    assert store is not None
    token = await push(first, accept_and_send)
    await store.save()

    again = wechat_app()
    simulator_store(directory, {"wechat": again})

    async def after_restart(client: httpx.AsyncClient) -> list[int]:
        return [
            await send(client, token, "tpl-long"),  # long-term: still accepted
            await send(client, token, "tpl-once"),  # the second one-off acceptance
            await send(client, token, "tpl-once"),  # none left: refused (43101)
        ]

    assert await push(again, after_restart) == [0, 0, 43101]
    messages = (await push(again, lambda c: c.get("/messages"))).json()["messages"]
    assert len(messages) == 3, "the message sent before the restart is still on the phone"
