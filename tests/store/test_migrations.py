"""The Alembic migrations build exactly the tables the models describe, on both dialects."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from conftest import POSTGRES_URL, require_service
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
