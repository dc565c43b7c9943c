"""Who may read /metrics, and where.

- `BFF_METRICS_PORT` set: prometheus_client's own server on that port (bound to
  `BFF_METRICS_HOST`, 127.0.0.1 by default), started by `serve`/`worker`; the main port has no
  /metrics. The counters live in several processes (uvicorn or dramatiq workers), so they are
  kept in prometheus_client's multiprocess files and that server adds them up.
- else `BFF_METRICS_TOKEN` set: /metrics on the main port asks for `Authorization: Bearer`.
- else demo: /metrics on the main port, open; production: no /metrics at all.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from hospital_bff.config import Settings

Endpoint = Callable[[Request], Awaitable[Response]]
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


def main_port_endpoint(settings: Settings) -> Endpoint | None:
    """The /metrics endpoint of the main port, or None where it must not be served."""
    if settings.metrics_port is not None:
        return None
    token = settings.metrics_token
    if token is not None:
        expected = f"Bearer {token.get_secret_value()}".encode()

        async def guarded(request: Request) -> Response:
            given = request.headers.get("authorization", "").encode()
            if not secrets.compare_digest(given, expected):
                return PlainTextResponse(
                    "metrics need Authorization: Bearer <BFF_METRICS_TOKEN>",
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            return await _latest(request)

        return guarded
    if settings.env == "production":
        return None
    return _latest


async def _latest(_request: Request) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def use_multiprocess_files() -> None:
    """Before prometheus_client is first imported in this process and the workers it starts:
    keep the counters in files the metrics port's server can add up."""
    if MULTIPROC_DIR not in os.environ:
        if "prometheus_client" in sys.modules:
            raise RuntimeError("use_multiprocess_files() must run before prometheus_client loads")
        # A fresh directory each start: files left by an earlier run would count twice.
        os.environ[MULTIPROC_DIR] = tempfile.mkdtemp(prefix="hospital-bff-metrics-")


def start_metrics_port(settings: Settings) -> None:
    """Serve the multiprocess metrics on BFF_METRICS_PORT from a daemon thread."""
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    assert settings.metrics_port is not None
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    start_http_server(settings.metrics_port, addr=settings.metrics_host, registry=registry)


def serve_worker_metrics() -> int:
    """dramatiq's `--fork-function` for `hospital-bff worker`: the metrics port's process."""
    import threading

    start_metrics_port(Settings())
    threading.Event().wait()  # until dramatiq stops this process
    return 0
