"""The simulated HIS called as the BFF calls it (test_his.py, test_his_queue.py): each module
sets its time with its own `clock` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from fixtures.his_sim import KEY, his_sim
from hospital_bff.clock import FrozenClock
from hospital_bff.simulators.his import HisState


@pytest.fixture
def his_app(clock: FrozenClock) -> Starlette:
    return his_sim(clock)


@pytest.fixture
def state(his_app: Starlette) -> HisState:
    his: HisState = his_app.state.his
    return his


@pytest.fixture
async def his(his_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=his_app),
        base_url="http://his",
        headers={"X-His-Key": KEY},
    ) as client:
        yield client
