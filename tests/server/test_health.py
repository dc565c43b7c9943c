"""/healthz says the process is alive; /readyz says whether it can work now, and what not."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from conftest import BASE_URL, RABBITMQ_URL, make_settings, require_service
from fixtures.databases import empty_postgres_database
from hospital_bff.app import create_app
from hospital_bff.cache import reset_fake_redis
from hospital_bff.clock import FrozenClock

# Nothing listens on port 1 of loopback: a connection is refused at once.
NOWHERE_REDIS = "redis://127.0.0.1:1/0"
NOWHERE_AMQP = "amqp://guest:guest@127.0.0.1:1/%2F"


@asynccontextmanager
async def serving(
    backend: str, tmp_path: Path, clock: FrozenClock, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    reset_fake_redis()
    settings = make_settings(backend, tmp_path, **overrides)
    app: Starlette = create_app(settings, clock=clock, self_transport=True)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client,
    ):
        yield client


async def test_healthz_answers_without_asking_anything(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_a_migrated_embedded_server_is_ready(tmp_path: Path, clock: FrozenClock) -> None:
    async with serving("sqlite", tmp_path, clock, auto_migrate=True) as client:
        r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready" and body["failed"] == []
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    assert body["redis"] == "ok" and body["broker"] == "ok"


async def test_a_database_behind_the_code_is_not_ready(client: httpx.AsyncClient) -> None:
    # The fixture's app made its tables directly: no Alembic revision is recorded.
    r = await client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"].startswith("error: database at nothing, this code needs")
    assert (await client.get("/healthz")).status_code == 200, "alive all the same"


async def test_unreachable_redis_and_broker_are_named_and_leave_it_ready(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """An outage of Redis or the broker must not drop every replica from the proxy's rotation:
    webhooks, payments and the catalogue work without them, so they are reported, not required.
    """
    async with serving(
        "sqlite",
        tmp_path,
        clock,
        auto_migrate=True,
        redis_url=NOWHERE_REDIS,
        broker_url=NOWHERE_AMQP,
        run_jobs_in_process=False,
    ) as client:
        r = await client.get("/readyz")
        alive = await client.get("/healthz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready"
    assert body["failed"] == []
    assert body["redis"].startswith("error: ")
    assert body["broker"].startswith("error: ")
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    assert alive.status_code == 200


async def test_postgres_redis_and_rabbitmq_ready(tmp_path: Path, clock: FrozenClock) -> None:
    require_service("Redis", "127.0.0.1", 6379)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    database_url = await asyncio.to_thread(empty_postgres_database, "ready")
    async with serving(
        "postgres",
        tmp_path,
        clock,
        database_url=database_url,
        auto_migrate=True,
        broker_url=RABBITMQ_URL,
        run_jobs_in_process=False,
    ) as client:
        r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["failed"] == []
    assert r.json()["redis"] == "ok" and r.json()["broker"] == "ok"
