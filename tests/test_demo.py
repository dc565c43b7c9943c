"""The demo's comfort (demo.py and the CLI): a restarted demo keeps its simulators with its
database, `serve --reset` forgets both, and `demo people` names the HIS's people."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel
from starlette.applications import Starlette
from typer.testing import CliRunner

from conftest import BASE_URL, make_settings, require_service
from fixtures.graphql import gql, gql_data
from fixtures.journey import book, ledger, open_slot, pay, verified_user, wait_for_status
from hospital_bff.app import create_app
from hospital_bff.cache import reset_fake_redis
from hospital_bff.cli import app as cli
from hospital_bff.clock import FrozenClock
from hospital_bff.config import Settings
from hospital_bff.demo import reset_demo
from hospital_bff.production import UnsafeProductionError
from hospital_bff.runtime import Runtime
from hospital_bff.simulators.his.id_numbers import id_number_facts
from hospital_bff.store import models  # noqa: F401  (the tables)
from hospital_bff.store.db import create_all

HIS_KEY = {"X-His-Key": Settings().his_api_key.get_secret_value()}


def demo_settings(tmp_path: Path) -> Settings:
    return make_settings("sqlite", tmp_path, simulator_state_dir=tmp_path / "simulators")


@asynccontextmanager
async def serving(settings: Settings, clock: FrozenClock) -> AsyncIterator[httpx.AsyncClient]:
    """One run of `hospital-bff serve`: started, then stopped (as at a restart)."""

    async def tables(runtime: Runtime) -> None:
        await create_all(runtime.engine)

    reset_fake_redis()
    application: Starlette = create_app(
        settings, clock=clock, self_transport=True, on_startup=tables
    )
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, timeout=30) as c:
            yield c


async def a_confirmed_visit_and_a_report(client: httpx.AsyncClient) -> dict[str, Any]:
    token, person = await verified_user(client)
    patient = (await gql_data(client, "Me", token=token))["me"]["patients"][0]
    found = await open_slot(client)
    booked = (await book(client, token, patient["id"], found["slot"]["id"]))["order"]
    payment = (await pay(client, token, booked["id"]))["payment"]
    assert (await client.post(payment["payUrl"], json={"action": "pay"})).status_code == 200
    await wait_for_status(client, token, booked["id"], "CONFIRMED")
    report = {"patientId": person["id"], "kind": "LAB", "title": "血常规", "items": []}
    report_id = (await client.post("/sim/his/reports", json=report)).json()["id"]
    return {"token": token, "order": booked["id"], "report": report_id}


async def test_a_restarted_demo_keeps_the_simulators_with_the_database(
    tmp_path: Path, clock: FrozenClock
) -> None:
    settings = demo_settings(tmp_path)
    async with serving(settings, clock) as client:
        made = await a_confirmed_visit_and_a_report(client)
        books = await ledger(client)

    async with serving(settings, clock) as client:
        order = await wait_for_status(client, made["token"], made["order"], "CONFIRMED")
        assert order["ticket"]["number"] >= 1
        assert await ledger(client) == books, "the bank still holds the payment"
        registered = await client.get(
            "/sim/his/registrations", params={"orderId": made["order"]}, headers=HIS_KEY
        )
        assert [r["status"] for r in registered.json()] == ["CONFIRMED"]
        report = await client.get(f"/sim/his/reports/{made['report']}", headers=HIS_KEY)
        assert report.status_code == 200


async def test_reset_forgets_the_database_and_the_simulators_together(
    tmp_path: Path, clock: FrozenClock
) -> None:
    settings = demo_settings(tmp_path)
    async with serving(settings, clock) as client:
        made = await a_confirmed_visit_and_a_report(client)

    cleared = reset_demo(settings)
    assert any(c.startswith("database") for c in cleared)
    assert any(c.startswith("simulators") for c in cleared)

    async with serving(settings, clock) as client:
        report = await client.get(f"/sim/his/reports/{made['report']}", headers=HIS_KEY)
        assert report.status_code == 404
        assert (await ledger(client))["payments"] == []
        # The database forgot the account too: the old token names no one.
        orders = await gql(client, "Orders", {"first": 10}, token=made["token"])
        assert orders["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_reset_is_a_demo_tool(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path).model_copy(update={"env": "production"})
    with pytest.raises(UnsafeProductionError):
        reset_demo(settings)


TOUCHED_BY_SERVE = (
    "BFF_ENV", "BFF_DATABASE_URL", "BFF_REDIS_URL", "BFF_PUBLIC_URL", "BFF_HIS_BASE_URL",
    "BFF_BANK_BASE_URL", "BFF_WECHAT_BASE_URL", "BFF_ALIPAY_GATEWAY_URL",
    "BFF_SIMULATOR_STATE_DIR", "BFF_SIM_PUBLIC_URL",
)  # fmt: skip


@pytest.fixture
def in_a_fresh_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The CLI run where a newcomer runs it: its defaults (./.hospital-bff) land in tmp_path."""
    monkeypatch.chdir(tmp_path)
    for name in TOUCHED_BY_SERVE:
        # Set, then deleted: monkeypatch restores each as it was, whatever `serve` sets.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return tmp_path


def test_serve_reset_clears_the_demo_before_starting(
    in_a_fresh_directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    state = in_a_fresh_directory / ".hospital-bff"
    (state / "simulators").mkdir(parents=True)
    (state / "simulators" / "his.json").write_text("{}")
    (state / "bff.db").write_text("")
    started: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **_: started.append(target))

    result = CliRunner().invoke(cli, ["serve", "--reset"])
    assert result.exit_code == 0, result.output
    assert started == ["hospital_bff.app:create_app"]
    assert not (state / "simulators").exists()
    assert not (state / "bff.db").exists()

    (state / "simulators").mkdir(parents=True)
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    assert (state / "simulators").exists(), "without --reset nothing is forgotten"


def test_serve_leaves_forwarded_addresses_to_the_trusted_proxies_setting(
    in_a_fresh_directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn would believe X-Forwarded-For from any loopback peer before client_address.py
    applies BFF_TRUSTED_PROXIES (empty: nobody's header is believed)."""
    import uvicorn

    options: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: options.append(kw))
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    assert options and options[0]["proxy_headers"] is False


def test_demo_people_prints_todays_id_numbers(in_a_fresh_directory: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "people"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()[2:]]
    assert [r[1] for r in rows] == ["张伟", "李娜", "张小宇", "王芳"]
    for row in rows:
        facts = id_number_facts(row[4])
        assert facts is not None and facts == (row[2], date.fromisoformat(row[3]))
    son = rows[2]
    assert date.fromisoformat(son[3]).year == date.today().year - 6, "six on every run"


def test_reset_empties_a_postgresql_database_for_alembic_to_build_again(tmp_path: Path) -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    settings = make_settings("postgres", tmp_path, redis_url=None)
    engine = create_engine(settings.sync_database_url)
    try:
        with engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
            conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (v varchar(32))"))
        reset_demo(settings)
        with engine.connect() as conn:
            left = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert not left & ({"alembic_version"} | set(SQLModel.metadata.tables))
