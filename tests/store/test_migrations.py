"""The Alembic migrations build exactly the tables the models describe, on both dialects."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from conftest import POSTGRES_URL, require_service
from fixtures.databases import empty_postgres_database, sync_url
from hospital_bff.store.migrate import upgrade


def _diff(sync_url: str) -> list[object]:
    engine = create_engine(sync_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return list(diff)


def test_sqlite_migrations_match_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/m.db"
    upgrade(url)
    assert _diff(url) == []


def test_postgres_migrations_match_the_models() -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    from fixtures.cluster import create_database

    admin = POSTGRES_URL
    asyncio.run(create_database(admin, "bff_migrations"))
    url = admin.rsplit("/", 1)[0].replace("+asyncpg", "+psycopg") + "/bff_migrations"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    assert _diff(url) == []


def test_upgrade_twice_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/m.db"
    upgrade(url)
    upgrade(url)
    assert _diff(url) == []


def _upgrade_at_once(url: str, processes: int = 2) -> None:
    """`processes` processes upgrade one fresh database at once; each must succeed. (Processes,
    not threads: Alembic's `context` is a module global, one migration per process.)"""
    script = (
        "import sys\n"
        "from hospital_bff.store.migrate import upgrade\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"  # go: all have imported Alembic, none has begun
        "upgrade(sys.argv[1])\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        for _ in range(processes)
    ]
    for run in runs:
        assert run.stdout is not None and run.stdout.readline() == "ready\n"
    for run in runs:
        assert run.stdin is not None
        run.stdin.write("go\n")
        run.stdin.flush()
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * processes, outputs


# Slow tier: two real Python processes, each importing the app and Alembic.
@pytest.mark.slow
def test_concurrent_migrations_on_a_fresh_postgres_both_succeed() -> None:
    url = sync_url(empty_postgres_database("concurrent_migrate"))
    _upgrade_at_once(url)
    assert _diff(url) == []


# Slow tier: two real Python processes, each importing the app and Alembic.
@pytest.mark.slow
def test_concurrent_migrations_on_a_fresh_sqlite_file_both_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/m.db"
    _upgrade_at_once(url)
    assert _diff(url) == []
