"""Shared fixtures: every app test runs on SQLite with the in-process Redis stand-in and on
PostgreSQL with real Redis. Under CI=true an unreachable service fails the run; elsewhere
those tests skip with the reason."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from hospital_bff.app import create_app
from hospital_bff.cache import reset_fake_redis
from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.config import Settings
from hospital_bff.gc_pauses import freeze_start_up_heap
from hospital_bff.runtime import Runtime
from hospital_bff.store.db import create_all, create_engine, drop_all, sqlite_path

# Under pytest-xdist (`pytest -m "not slow" -n 2`, the fast tier on two cores) each worker
# process (gw0, gw1, ...) has a PostgreSQL database and a Redis database of its own, so that
# one worker emptying them never meets another's test: `<database>_gw1` beside the named one
# (made at the worker's start), and the Redis database numbered one more per worker.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
ADMIN_POSTGRES_URL = os.environ.get(
    "BFF_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def _per_worker_redis(url: str, worker: str) -> str:
    if not worker:
        return url
    base, _, number = url.rpartition("/")
    index = int(worker.removeprefix("gw"))
    return f"{base}/{(int(number or 0) + index) % 16}"


POSTGRES_URL = f"{ADMIN_POSTGRES_URL}_{XDIST_WORKER}" if XDIST_WORKER else ADMIN_POSTGRES_URL
REDIS_URL = _per_worker_redis(
    os.environ.get("BFF_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"), XDIST_WORKER
)
RABBITMQ_URL = os.environ.get("BFF_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BASE_URL = "http://127.0.0.1:8000"
# A fixed business time: Friday 2026-11-27, 09:00 in the hospital's zone.
START = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Fail under CI, skip elsewhere, when a service the test needs is down."""
    if _reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if IN_CI:
        pytest.fail(message + " (CI=true: services must be up; see .ci/run)")
    pytest.skip(message)


def pytest_sessionstart(session: pytest.Session) -> None:
    """An xdist worker makes its own PostgreSQL database if the server is up (when it is
    not, the tests that need it fail or skip as they would anyway)."""
    if XDIST_WORKER and _reachable("127.0.0.1", 5432):
        from fixtures.cluster import create_database

        asyncio.run(create_database(ADMIN_POSTGRES_URL, POSTGRES_URL.rsplit("/", 1)[-1]))


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the run has loaded by now (the modules, the schema, every test function) lives
    until the end: frozen out of the collector's walks, as `hospital-bff serve` freezes its
    start-up heap, with less frequent young collections (gc_pauses.py: a server then leaves its
    older generations to the requests' quiet moments; the tests leave them to CPython). Without it
    each full collection walked the whole of it again, a few hundred milliseconds each on
    a growing heap, about a sixth of a test process's CPU."""
    freeze_start_up_heap()


# Where the embedded default's demo key pairs live for this run (see demo_keys_made_once).
DEMO_KEYS_DIR_VARIABLE = "BFF_TEST_DEMO_KEYS_DIR"


@pytest.fixture(scope="session", autouse=True)
def demo_keys_made_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The embedded default makes four 2048-bit RSA demo keys on its first start (about half a
    second of CPU); every test's app shares one directory of them per run instead of making
    its own. Production never reaches this: it loads the keys it is given (production.py)."""
    os.environ[DEMO_KEYS_DIR_VARIABLE] = str(tmp_path_factory.mktemp("demo-keys"))
    yield
    os.environ.pop(DEMO_KEYS_DIR_VARIABLE, None)


def demo_keys_dir(tmp_path: Path) -> Path:
    """This run's shared demo keys (a test's own directory outside a pytest session)."""
    shared = os.environ.get(DEMO_KEYS_DIR_VARIABLE)
    return Path(shared) if shared else tmp_path / "keys"


BACKENDS = {
    "sqlite": {"db": "sqlite", "redis": False},
    "postgres": {"db": "postgres", "redis": True},
}


@pytest.fixture(params=list(BACKENDS), ids=list(BACKENDS))
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if BACKENDS[name]["db"] == "postgres":
        require_service("PostgreSQL", "127.0.0.1", 5432)
        require_service("Redis", "127.0.0.1", 6379)
    return name


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


class TestSettings(Settings):
    """Settings made of exactly the values a test gives, validated as any others: neither the
    shell's BFF_ variables nor a .env file in the working directory reach a test's app. (Tests
    of reading those build `Settings` itself.) Reading them was also most of the cost of
    building one: about 5 ms of CPU a test where validating the values alone takes 1."""

    __test__ = False  # not a test class, whatever its name

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def make_settings(backend: str, tmp_path: Path, **overrides: Any) -> Settings:
    spec = BACKENDS[backend]
    database_url = (
        f"sqlite+aiosqlite:///{tmp_path}/bff.db" if spec["db"] == "sqlite" else POSTGRES_URL
    )
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": REDIS_URL if spec["redis"] else None,
        "public_url": BASE_URL,
        "his_base_url": f"{BASE_URL}/sim/his",
        "bank_base_url": f"{BASE_URL}/sim/bank",
        "wechat_base_url": f"{BASE_URL}/sim/wechat",
        "bank_keys_dir": demo_keys_dir(tmp_path),
        "auto_migrate": False,
        "scheduler_enabled": False,
        "breaker_reset_seconds": 0.5,
        "http_timeout_seconds": 1.0,
        # Tests send a dozen requests at once on a busy machine: the door (shedding.py) is
        # tested by tests/api/test_shedding.py, and must not refuse the others by chance.
        "shed_min_in_flight": 1000,
        "shed_max_in_flight": 1000,
    }
    values.update(overrides)
    return TestSettings(**values)


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    return make_settings(backend, tmp_path)


# Set once this run has made the PostgreSQL test schema afresh (see reset_state).
PG_SCHEMA_MADE_VARIABLE = "BFF_TEST_PG_SCHEMA_MADE"


async def reset_state(runtime: Runtime) -> None:
    """A clean database and cache for each test, on either backend.

    A new SQLite database is a copy of an empty one made once per run. PostgreSQL's tables
    are made afresh once per run; after that a test empties them (a few milliseconds where
    dropping and creating took half a second, for every test). If that fails (a test took
    the schema apart, a migration test), the tables are made again."""
    if runtime.settings.is_sqlite:
        if not await _sqlite_from_template(runtime.settings.database_url):
            await create_all(runtime.engine)
    elif os.environ.get(PG_SCHEMA_MADE_VARIABLE) != runtime.settings.database_url:
        await drop_all(runtime.engine)
        await create_all(runtime.engine)
        os.environ[PG_SCHEMA_MADE_VARIABLE] = runtime.settings.database_url
    else:
        try:
            await _empty_tables(runtime)
        except Exception:
            await drop_all(runtime.engine)
            await create_all(runtime.engine)
    await runtime.redis.flushdb()


# Where this run keeps an SQLite database with every table and no row (see sqlite_template).
SQLITE_TEMPLATE_VARIABLE = "BFF_TEST_SQLITE_TEMPLATE_DIR"


@pytest.fixture(scope="session", autouse=True)
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Creating the tables of a new SQLite database costs about 0.1 s of CPU (a CREATE per
    table and index, each checked first); copying a file where that was done once costs a
    millisecond. Made by the first test that needs it (see `_sqlite_from_template`)."""
    os.environ[SQLITE_TEMPLATE_VARIABLE] = str(tmp_path_factory.mktemp("sqlite-template"))
    yield
    os.environ.pop(SQLITE_TEMPLATE_VARIABLE, None)


async def _sqlite_from_template(database_url: str) -> bool:
    """A test's new SQLite database as a copy of this run's empty one; False (nothing done)
    outside a pytest session or where the test's database already exists."""
    directory = os.environ.get(SQLITE_TEMPLATE_VARIABLE)
    file = sqlite_path(database_url)
    if directory is None or file is None:
        return False
    template = Path(directory) / "empty.db"
    if not await asyncio.to_thread(template.exists):
        made = template.with_name("making.db")
        engine = create_engine(f"sqlite+aiosqlite:///{made}")
        try:
            await create_all(engine)
        finally:
            await engine.dispose()  # the last connection checkpoints the WAL into the file
        await asyncio.to_thread(made.rename, template)
    return await asyncio.to_thread(_copy_unless_there, template, Path(file))


def _copy_unless_there(template: Path, path: Path) -> bool:
    if path.exists():
        return False
    shutil.copyfile(template, path)
    return True


async def _empty_tables(runtime: Runtime) -> None:
    """Every table's DELETE in one round trip (PostgreSQL runs a multi-statement simple query
    as one transaction): about 0.7 ms of the test process's CPU where a DELETE a statement,
    24 of them, cost 5 to 6."""
    from sqlmodel import SQLModel

    async with runtime.engine.connect() as conn:
        preparer = conn.dialect.identifier_preparer
        statements = "; ".join(
            f"DELETE FROM {preparer.format_table(table)}"
            for table in reversed(SQLModel.metadata.sorted_tables)
        )
        raw = await conn.get_raw_connection()
        await raw.driver_connection.execute(statements)


# This process's engine for each database its tests' apps use (see shared_engine).
_ENGINES: dict[str, AsyncEngine] = {}
# The SQLite file the shared SQLite engine's connections open: the running test's own.
_SQLITE_FILE = {"path": ""}


def shared_engine(settings: Settings) -> AsyncEngine | None:
    """The one engine of this process for the settings' database, which every test's app
    uses in turn; on SQLite its connections open the running test's own file (None for an
    in-memory database).

    SQLAlchemy keeps the compiled form of each statement per engine (and its dialect): with
    an engine per test, every statement a test ran was compiled afresh, about a tenth of the
    CPU of an app test. The app fixture closes its connections after each test (they
    belong to that test's event loop); the engine and what it compiled stay."""
    url = settings.database_url
    if settings.is_sqlite:
        path = sqlite_path(url)
        if path is None:
            return None
        _SQLITE_FILE["path"] = path
        url = "sqlite+aiosqlite:///" + str(Path(tempfile.gettempdir()) / "bff-each-tests-own.db")
    engine = _ENGINES.get(url)
    if engine is None:
        named = _the_tests_file if settings.is_sqlite else None
        engine = _ENGINES[url] = create_engine(url, sqlite_file=named)
    return engine


def _the_tests_file() -> str:
    return _SQLITE_FILE["path"]


@pytest.fixture
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[Starlette]:
    reset_fake_redis()
    engine = shared_engine(settings)
    application = create_app(
        settings, clock=clock, self_transport=True, on_startup=reset_state, engine=engine
    )
    before = asyncio.all_tasks()
    try:
        async with application.router.lifespan_context(application):
            yield application
    finally:
        await _settle_leftover_tasks(before)
        if engine is not None:
            await engine.dispose()  # its connections belong to this test's event loop


async def _settle_leftover_tasks(before: set[asyncio.Task[Any]]) -> None:
    """Cancel what the test's app left running once it has stopped (a job handed to the loop
    as its workers stopped, a batch still reading), and wait for it: a task that ran on
    after the engine's connections were closed checked a new one out of the shared engine,
    on this test's loop, and the next test that got it failed ("attached to a different
    loop"), about once in a few thousand tests. Tasks that were running before the app
    started (another fixture's) are left alone; a leftover that had failed is reported, as
    asyncio would have reported it never retrieved."""
    current = asyncio.current_task()
    leftover = [t for t in asyncio.all_tasks() if t is not current and t not in before]
    for task in leftover:
        task.cancel()
    for task, outcome in zip(
        leftover, await asyncio.gather(*leftover, return_exceptions=True), strict=True
    ):
        if isinstance(outcome, Exception):
            logging.getLogger(__name__).error(
                "a task the app left failed: %r", task, exc_info=outcome
            )


@pytest.fixture
def runtime(app: Starlette) -> Runtime:
    rt: Runtime = app.state.runtime
    return rt


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL, timeout=30
    ) as c:
        yield c


@pytest.fixture
async def server(app: Starlette) -> AsyncIterator[str]:
    """The app (lifespan already entered by the `app` fixture) on a loopback port, for real
    sockets (WebSockets, uvicorn's own HTTP)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)  # connections wait in the backlog until uvicorn accepts: no start-up race
    uv = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None, log_level="warning"))
    task = asyncio.create_task(uv.serve(sockets=[sock]))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    uv.should_exit = True
    await task
    sock.close()


@pytest.fixture
def contract_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "shared" / "contract"
