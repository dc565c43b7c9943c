"""No slot is sold beyond its capacity under any concurrency, across processes (invariant 1).

One simulator process and two BFF processes on PostgreSQL and Redis, as in production.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest

from fixtures.cluster import Cluster
from fixtures.population import burst, make_population, size_schedule
from fixtures.servers import cluster_of
from hospital_bff.clock import Clock
from hospital_bff.config import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with cluster_of(tmp_path_factory, "cluster", 14) as c:
        yield c


def _schedule_id(expert: str, days_ahead: int, period: str) -> str:
    day = Clock().today() + timedelta(days=days_ahead)
    return f"sch-{expert}-{day:%Y%m%d}-{period}"


async def _active_orders(settings: Settings, schedule_id: str) -> int:
    from sqlalchemy import text

    from hospital_bff.store.db import create_engine

    engine = create_engine(settings.database_url)
    async with engine.connect() as conn:
        count = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM bff_order"
                    " WHERE schedule_id = :s AND status = 'AWAITING_PAYMENT'"
                ),
                {"s": schedule_id},
            )
        ).scalar_one()
    await engine.dispose()
    return int(count)


def test_1000_concurrent_bookings_of_a_10_place_schedule_give_exactly_10_orders(
    cluster: Cluster,
) -> None:
    async def scenario() -> None:
        schedule = _schedule_id("exp-wk-1", 2, "AM")
        slots = await size_schedule(cluster.sim_his, schedule, places=10, per_slot=2)
        bookers = await make_population(cluster.settings, cluster.sim_his, 1000, prefix="c")
        result = await burst(cluster.servers, bookers, slots, concurrency=200)
        assert result.outcomes.get("OK") == 10, (result.outcomes, result.errors[:3])
        assert result.outcomes.get("SLOT_FULL") == 990, result.outcomes
        assert await _active_orders(cluster.settings, schedule) == 10

    asyncio.run(scenario())


def test_a_burst_of_2000_for_200_places_answers_200_and_1800_slot_full_with_no_errors(
    cluster: Cluster,
) -> None:
    async def scenario() -> None:
        schedule = _schedule_id("exp-yk-2", 3, "PM")
        slots = await size_schedule(cluster.sim_his, schedule, places=200, per_slot=25)
        bookers = await make_population(cluster.settings, cluster.sim_his, 2000, prefix="b")
        result = await burst(cluster.servers, bookers, slots, concurrency=400)
        # Every patient's final answer (after TRY_AGAIN, sent again) is a place or SLOT_FULL:
        # no place is left unsold to someone who still wanted one, none is sold twice.
        assert result.outcomes == {"OK": 200, "SLOT_FULL": 1800}, (
            result.outcomes,
            result.errors[:3],
        )
        assert await _active_orders(cluster.settings, schedule) == 200

    asyncio.run(scenario())
