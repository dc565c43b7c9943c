"""The suite's own per-test reset (conftest.reset_state) leaves every PostgreSQL table empty,
whatever the test before it wrote (one database serves a worker's tests one after another;
SQLite tests each start from a new file)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from conftest import reset_state
from fixtures.accounts import ZHANG_WEI, verified_as
from hospital_bff.runtime import Runtime


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
