"""Alembic, driven from code: `hospital-bff migrate` and the embedded server need no alembic.ini.

Several processes may start at once (two API replicas with BFF_AUTO_MIGRATE, a `migrate` job
restarted by its orchestrator): each upgrade holds a lock around Alembic, so the first one
migrates and the others wait for it, then find the database at head and do nothing. On
PostgreSQL the lock is a session advisory lock (released by the server if the process dies);
on SQLite a lock file beside the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import Connection, create_engine, pool, text

from hospital_bff.store.db import sqlite_path

MIGRATIONS = Path(__file__).parent / "migrations"

# pg_advisory_lock takes one bigint; any constant no other lock of this database uses.
# ("bffmigr" in ASCII.)
ADVISORY_LOCK_KEY = 0x62_66_66_6D_69_67_72


def alembic_config(sync_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", sync_url)
    return cfg


def upgrade(sync_url: str, revision: str = "head") -> None:
    with migration_lock(sync_url):
        command.upgrade(alembic_config(sync_url), revision)


def revision(sync_url: str, message: str) -> None:
    command.revision(alembic_config(sync_url), message=message, autogenerate=True)


@contextmanager
def migration_lock(sync_url: str) -> Iterator[None]:
    """Held by one process of the cluster at a time, for as long as its upgrade runs."""
    if sync_url.startswith("sqlite"):
        path = sqlite_path(sync_url)
        if path is None:
            yield  # one connection, one process: nobody to race
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{path}.migrate.lock"):
            yield
        return
    engine = create_engine(sync_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            conn.commit()  # the lock is the session's; no transaction stays open meanwhile
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()


def head_revisions() -> set[str]:
    """The revisions this code's migrations end at."""
    return set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def current_revisions(conn: Connection) -> set[str]:
    """The revisions the database says it is at (empty when never migrated)."""
    return set(MigrationContext.configure(conn).get_current_heads())
