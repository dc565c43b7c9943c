"""Liveness and readiness, for the orchestrator and the reverse proxy.

`/healthz` says the process answers (restart it when it does not); `/readyz` says it can do
its work now: the database reachable and migrated to this code's head. A process that is alive
but not ready is taken out of the proxy's rotation, not restarted.

Redis and the job broker are reported, not required: what does not need them (webhooks,
payments, the catalogue) keeps working through their outage, and what does answers TRY_AGAIN.
Were they readiness, an outage would take every API replica out of the proxy's rotation at once
and the whole site down with them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import cache
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hospital_bff.runtime import Runtime
from hospital_bff.store.migrate import current_revisions, head_revisions

# One slow dependency must not hold the probe past the orchestrator's own timeout.
CHECK_TIMEOUT_SECONDS = 2.0
OK = "ok"

Check = Callable[[Runtime], Awaitable[str]]


async def healthz(_request: Request) -> Response:
    """Alive: the event loop answers. Nothing outside the process is asked."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready: the database answers at this code's migrations; the body says what failed."""
    runtime: Runtime = request.app.state.runtime
    names = [*CHECKS, *INFORMATION]
    checks_and_information = {**CHECKS, **INFORMATION}
    results = await asyncio.gather(*(_run(checks_and_information[name], runtime) for name in names))
    answers = dict(zip(names, results, strict=True))
    checks = {name: answers[name] for name in CHECKS}
    failed = [name for name, result in checks.items() if result != OK]
    body = {
        "status": "ready" if not failed else "not ready",
        "failed": failed,
        "checks": checks,
        # Information, not readiness: an open circuit is the HIS's trouble, and the API still
        # answers what it can (a restart or a removal from rotation would not help). The same
        # for Redis and the broker (see the module's docstring).
        "redis": answers["redis"],
        "broker": answers["broker"],
        "his_circuit": "open" if runtime.his.breaker.is_open else "closed",
    }
    return JSONResponse(body, status_code=200 if not failed else 503)


async def _run(check: Check, runtime: Runtime) -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            return await check(runtime)
    except TimeoutError:
        return f"error: no answer within {CHECK_TIMEOUT_SECONDS:g} s"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


async def database(runtime: Runtime) -> str:
    async with runtime.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    return OK


async def migrations(runtime: Runtime) -> str:
    async with runtime.engine.connect() as conn:
        current = await conn.run_sync(current_revisions)
    expected = _heads()
    if current == expected:
        return OK
    at = ", ".join(sorted(current)) or "nothing"
    return f"error: database at {at}, this code needs {', '.join(sorted(expected))}"


async def redis(runtime: Runtime) -> str:
    await runtime.redis.ping()
    return OK


async def broker(runtime: Runtime) -> str:
    url = runtime.settings.broker_url
    if not url:
        return OK  # the in-process StubBroker: nothing to reach
    if url.startswith("redis"):
        client = aioredis.Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS)
        try:
            await client.ping()
        finally:
            await client.aclose()
        return OK
    # AMQP: the broker accepts connections. (A full AMQP handshake would block the event loop
    # in pika; the workers' own connection errors are in their logs.)
    parts = urlsplit(url)
    _reader, writer = await asyncio.open_connection(
        parts.hostname or "localhost", parts.port or 5672
    )
    writer.close()
    await writer.wait_closed()
    return OK


# What readiness needs: without these the process can do nothing useful.
CHECKS: dict[str, Check] = {
    "database": database,
    "migrations": migrations,
}
# What the body reports besides, never failing readiness.
INFORMATION: dict[str, Check] = {
    "redis": redis,
    "broker": broker,
}


@cache
def _heads() -> set[str]:
    return head_revisions()
