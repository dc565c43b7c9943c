"""The async engine and sessions, the same code on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

from sqlalchemy import event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext import asyncio as sqlalchemy_asyncio
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.store import (
    models,  # noqa: F401  (registers the tables)
    sqlite_driver,
)

# Connections a PostgreSQL engine keeps (and as many more it opens for a moment at a peak).
POOL_SIZE: Final = 20


def create_engine(
    url: str, *, pool_size: int = POOL_SIZE, sqlite_file: Callable[[], str] | None = None
) -> AsyncEngine:
    """`sqlite_file`, when given, names the file each new SQLite connection opens in place of
    the URL's (tests: one engine whose connections open the running test's own database)."""
    # Looked up on its module at each call: with tracing on, OpenTelemetry's SQLAlchemy
    # instrumentation has wrapped it there (tracing.py).
    create_async_engine = sqlalchemy_asyncio.create_async_engine
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        # As many kept connections as on PostgreSQL: SQLAlchemy's default keeps 5 and opens
        # (then closes) one more for each session beyond, each a new aiosqlite thread and the
        # pragmas below; a burst of bookings opened and closed hundreds a second.
        # (An in-memory database is one connection, shared: no pool to size.)
        connect_args = {"timeout": 30, "check_same_thread": False}
        kwargs: dict[str, Any] = {}
        path = sqlite_path(url)
        if path is not None:
            kwargs = {"pool_size": pool_size, "max_overflow": pool_size}
            name = sqlite_file or (lambda: path)
            # A statement is one trip to the connection's thread, not four (sqlite_driver.py).
            kwargs["async_creator"] = lambda: sqlite_driver.open_connection(name(), **connect_args)
        engine = create_async_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL lets readers go on while one writer commits; the busy timeout makes
            # writers queue instead of failing with "database is locked".
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # Last in, first out: the connection given back last is handed out next, so a process
    # under light load keeps using the few it needs and they are never idle long enough to be
    # pinged (below). First in, first out (SQLAlchemy's default) cycled through the whole
    # pool, which a server fills at start (warm_pools.py): at a few requests a second every
    # checkout found a connection idle for seconds, and paid a ping's round trip; and every
    # connection prepared every statement for itself.
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=30,
        pool_use_lifo=True,
    )
    _ping_when_idle(engine)
    return engine


# A kept connection that lay unused in the pool this long is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS: Final = 1.0
_IDLE_SINCE: Final = "hospital_bff.idle_since"


def _ping_when_idle(engine: AsyncEngine) -> None:
    """A connection is pinged when it comes out of the pool after lying there a while, not at
    every checkout. SQLAlchemy's `pool_pre_ping` pinged at every one: on asyncpg three round
    trips (BEGIN, `;`, ROLLBACK), and a booking checks out five times (a burst's bookings
    spent more of their CPU on the pings than on their statements). A connection in steady
    use was used a moment ago; one that lay idle (the server restarted meanwhile, or closed
    it) is pinged, and one found dead is replaced (the pool checks out another). A connection
    the server drops within its second of idleness fails its next statement once, and then
    the pool is invalidated (SQLAlchemy's handling of a disconnect), as without any ping."""

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dbapi_conn.ping()
        except Exception as exc:
            raise DisconnectionError("the kept connection did not answer its ping") from exc


@asynccontextmanager
async def read_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for reads alone: on PostgreSQL outside any transaction (autocommit), so a
    read is one round trip, not three (BEGIN, the read, ROLLBACK); under READ COMMITTED every
    statement takes its own snapshot anyway. The pool resets its level when it is given back
    (no round trip). Elsewhere (SQLite) an ordinary connection."""
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


def sqlite_path(url: str) -> str | None:
    """The file a SQLite URL names, as SQLAlchemy reads it; None for an in-memory database."""
    parsed = make_url(url)
    path = parsed.database or ""
    if path in ("", ":memory:") or parsed.query.get("mode") == "memory":
        return None
    return path


def _ensure_sqlite_dir(url: str) -> None:
    path = sqlite_path(url)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def create_all(engine: AsyncEngine) -> None:
    """Create the tables directly (tests); production uses `hospital-bff migrate`."""
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)


async def drop_all(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
