"""Starting the demo afresh (`hospital-bff serve --reset`): a demo tool, refused under
production. Who the demo's people are is the HIS simulator's (`simulators/his/people.py`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from hospital_bff.config import DEFAULT_STATE_DIR, Settings
from hospital_bff.production import refuse_demo_tool

# Where the demo commands keep the simulators' records (BFF_SIMULATOR_STATE_DIR's default).
EMBEDDED_SIMULATORS_DIR = DEFAULT_STATE_DIR / "simulators"
STANDALONE_SIMULATORS_DIR = DEFAULT_STATE_DIR / "sim-server"


def reset_demo(settings: Settings) -> list[str]:
    """Forget the demo: the database, Redis's database if one is set, and the simulators'
    records, so that the next start is a fresh demo on both sides. Answers what was cleared."""
    refuse_demo_tool(settings, "hospital-bff serve --reset")
    cleared = [_reset_database(settings)]
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(settings.redis_url)
        try:
            client.flushdb()
        finally:
            client.close()
        cleared.append(f"redis {settings.redis_url.rsplit('@', 1)[-1]}")
    if settings.simulator_state_dir is not None:
        shutil.rmtree(settings.simulator_state_dir, ignore_errors=True)
        cleared.append(f"simulators {settings.simulator_state_dir}")
    return cleared


def _reset_database(settings: Settings) -> str:
    if settings.is_sqlite:
        database = make_url(settings.database_url).database
        if database and database != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(database + suffix).unlink(missing_ok=True)
        return f"database {database}"
    from sqlmodel import SQLModel

    from hospital_bff.store import models  # noqa: F401  (the tables SQLModel drops)

    engine = create_engine(settings.sync_database_url)
    try:
        with engine.begin() as conn:
            SQLModel.metadata.drop_all(conn)
            # Without its version table Alembic builds the schema again at the next start.
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()
    return f"database {make_url(settings.database_url).render_as_string(hide_password=True)}"
