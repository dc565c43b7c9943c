"""A Redis that hangs (stopped, not refused) reads as away: every command has a deadline.

A refused connection fails at once; a stopped server accepts connections (the kernel does)
and never answers, so a public query waited on its cache for redis-py's default deadline, 5 s
a try and three retries with backoff, for each command it sent. The test stops a Redis of its
own (SIGSTOP) and asks: the catalogue still answers, the identity check (which needs Redis for
its rate limit) answers TRY_AGAIN. Nothing measures how fast: answering at all is the point."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import BASE_URL, IN_CI, make_settings
from faults.cluster import Proc, redis_ok
from fixtures.accounts import identity
from fixtures.cluster import free_port
from fixtures.graphql import gql, gql_data
from fixtures.journey import register_person, sign_in
from hospital_bff.app import create_app
from hospital_bff.clock import FrozenClock
from hospital_bff.runtime import Runtime

# Generous: the answers come after a few Redis deadlines, never after the kernel's.
ANSWER_AT_ALL_SECONDS = 60


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[str, Proc]]:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        reason = "redis-server is not installed: this test starts and stops its own Redis"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    port = free_port()
    argv = [redis_server, "--port", str(port), "--bind", "127.0.0.1"]
    argv += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BFF_")}
    redis = Proc("redis", argv, env, tmp_path, redis_ok(port))
    redis.start()
    try:
        yield f"redis://127.0.0.1:{port}/0", redis
    finally:
        assert redis.popen is not None
        os.kill(redis.popen.pid, signal.SIGCONT)  # a stopped process cannot take SIGTERM
        redis.stop()


async def test_a_hung_redis_leaves_public_queries_answering(
    own_redis: tuple[str, Proc], tmp_path: Path, clock: FrozenClock
) -> None:
    url, redis = own_redis
    settings = make_settings(
        "sqlite",
        tmp_path,
        redis_url=url,
        auto_migrate=True,
        redis_timeout_seconds=0.5,
        redis_connect_timeout_seconds=0.75,
    )
    app = create_app(settings, clock=clock, self_transport=True)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client,
    ):
        # The settings reach the request pool (redis-py's own default is 5 s a try, retried
        # three times with backoff: tens of seconds for a query that asks Redis a few times).
        runtime: Runtime = app.state.runtime
        pool = runtime.redis.connection_pool.connection_kwargs
        assert pool["socket_timeout"] == 0.5 and pool["socket_connect_timeout"] == 0.75
        person = await register_person(client)
        token = await sign_in(client, "o-hung")
        schedules = {"departmentId": "dep-yk", "from": "2026-11-28", "to": "2026-11-28"}
        assert (await gql_data(client, "DepartmentSchedules", schedules))["schedules"]

        assert redis.popen is not None
        os.kill(redis.popen.pid, signal.SIGSTOP)
        async with asyncio.timeout(ANSWER_AT_ALL_SECONDS):
            data = await gql_data(client, "DepartmentSchedules", schedules)
            assert data["schedules"], "the catalogue answers from the HIS, the cache a miss"
            body = await gql(client, "VerifyIdentity", {"input": identity(person)}, token=token)
        [error] = body["errors"]
        assert error["extensions"] == {"code": "TRY_AGAIN"}, error
