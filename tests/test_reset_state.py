"""The suite's own per-test reset (conftest.reset_state) leaves every PostgreSQL table empty,
whatever the test before it wrote (one database serves a worker's tests one after another;
SQLite tests each start from a new file)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from conftest import make_settings, reset_state
from fixtures.accounts import ZHANG_WEI, verified_as
from hospital_bff.app import create_app
from hospital_bff.clock import FrozenClock
from hospital_bff.runtime import Runtime
from hospital_bff.store.db import create_engine
from hospital_bff.store.models import Order
from hospital_bff.store.sqlite_driver import PrefetchingConnection


async def _rows(runtime: Runtime) -> dict[str, int]:
    async with runtime.engine.connect() as conn:
        return {
            table.name: (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_reset_state_empties_every_table(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await verified_as(client, ZHANG_WEI, "o-reset")
    assert any((await _rows(runtime)).values()), "the sign-in wrote nothing to reset"
    await reset_state(runtime)
    assert not any((await _rows(runtime)).values())


async def test_an_app_given_an_engine_uses_it_and_leaves_it_to_its_owner(
    backend: str, tmp_path: Path, clock: FrozenClock
) -> None:
    """The app fixture's apps share their process's engine (conftest.shared_engine): an app
    runs on the engine it is given and, at its stop, leaves it open for the next."""
    settings = make_settings(backend, tmp_path)
    engine = create_engine(settings.database_url)
    try:
        app = create_app(
            settings, clock=clock, self_transport=True, on_startup=reset_state, engine=engine
        )
        async with app.router.lifespan_context(app):
            assert app.state.runtime.engine is engine
        async with engine.connect() as conn:
            assert (await conn.execute(select(func.count()).select_from(Order))).scalar_one() == 0
    finally:
        await engine.dispose()


async def test_an_sqlite_engine_given_a_file_opens_the_file_it_names(tmp_path: Path) -> None:
    """The SQLite engine the tests share (conftest.shared_engine) opens each test's own file:
    its connections open the file `sqlite_file` names when they open, with the pragmas applied
    and the same one-trip connection as the app's."""
    wanted = tmp_path / "wanted.db"
    engine = create_engine(
        f"sqlite+aiosqlite:///{tmp_path}/named.db", sqlite_file=lambda: str(wanted)
    )
    try:
        async with engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, PrefetchingConnection)
        assert mode == "wal"
        assert wanted.exists() and not (tmp_path / "named.db").exists()
    finally:
        await engine.dispose()
