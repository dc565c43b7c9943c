"""Under pytest-xdist each worker has services of its own (conftest.py): no two workers share
a PostgreSQL database or a Redis database, which every app test empties."""

from __future__ import annotations

import conftest
from conftest import _per_worker_redis


def test_each_worker_has_a_redis_database_of_its_own() -> None:
    url = "redis://127.0.0.1:6379/6"
    assert _per_worker_redis(url, "") == url  # not under xdist: as given
    assert _per_worker_redis(url, "gw0") == url
    assert _per_worker_redis(url, "gw1") == "redis://127.0.0.1:6379/7"
    assert _per_worker_redis("redis://127.0.0.1:6379/15", "gw1") == "redis://127.0.0.1:6379/0"


def test_this_workers_postgres_database_is_its_own() -> None:
    if conftest.XDIST_WORKER:
        assert f"{conftest.ADMIN_POSTGRES_URL}_{conftest.XDIST_WORKER}" == conftest.POSTGRES_URL
    else:
        assert conftest.POSTGRES_URL == conftest.ADMIN_POSTGRES_URL
