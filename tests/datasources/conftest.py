"""The HIS client against the simulator (test_his.py, test_his_queue.py): each module sets
the simulator's time with its own `clock` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from fixtures.his_sim import BASE, KEY, his_sim
from hospital_bff.clock import FrozenClock
from hospital_bff.datasources.his import HisClient


@pytest.fixture
def his_app(clock: FrozenClock) -> Starlette:
    return his_sim(clock)


@pytest.fixture
async def his(his_app: Starlette) -> AsyncIterator[HisClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=his_app)) as http:
        yield HisClient(http, BASE, api_key=KEY)


@pytest.fixture
async def plain_http() -> AsyncIterator[httpx.AsyncClient]:
    """For respx to answer in the simulator's place."""
    async with httpx.AsyncClient() as http:
        yield http
