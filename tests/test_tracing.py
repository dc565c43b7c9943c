"""With tracing on, a request gives spans from each instrumentation (ASGI, strawberry,
SQLAlchemy, Redis, httpx) and its jobs' spans join its trace; log lines carry the trace id;
what a patient typed stays out. With tracing off, nothing is installed."""

from __future__ import annotations

import asyncio
import io
import json
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.applications import Starlette

from conftest import BASE_URL, make_settings, reset_state
from fixtures.graphql import gql, gql_data
from hospital_bff import tracing
from hospital_bff.app import create_app
from hospital_bff.cache import reset_fake_redis
from hospital_bff.clock import FrozenClock
from hospital_bff.datasources.http import build_http_client
from hospital_bff.jobs.enqueue import send_now
from hospital_bff.logs import configure_logging
from hospital_bff.runtime import Runtime

ID_NUMBER = "110101198503120113"


class SpanCatcher(InMemorySpanExporter):
    """Keeps the spans, and says when one of a given name has ended."""

    def __init__(self) -> None:
        super().__init__()
        self._arrived = threading.Condition()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        result = super().export(spans)
        with self._arrived:
            self._arrived.notify_all()
        return result

    def names(self) -> list[str]:
        return [span.name for span in self.get_finished_spans()]

    def named(self, name: str) -> list[ReadableSpan]:
        return [span for span in self.get_finished_spans() if span.name == name]

    async def wait_for(self, name: str) -> ReadableSpan:
        def wait() -> ReadableSpan:
            with self._arrived:
                assert self._arrived.wait_for(lambda: self.named(name), timeout=30), self.names()
            return self.named(name)[0]

        return await asyncio.to_thread(wait)


@pytest.fixture
def spans() -> Iterator[SpanCatcher]:
    catcher = SpanCatcher()
    yield catcher
    tracing.stop_tracing()
    catcher.shutdown()


@pytest.fixture
async def traced_app(
    spans: SpanCatcher, tmp_path: Path, clock: FrozenClock
) -> AsyncIterator[Starlette]:
    settings = make_settings("sqlite", tmp_path)
    assert tracing.configure_tracing(settings, exporter=spans)
    reset_fake_redis()
    app = create_app(settings, clock=clock, self_transport=True, on_startup=reset_state)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def traced_client(traced_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=traced_app), base_url=BASE_URL, timeout=30
    ) as client:
        yield client


async def test_a_request_gives_the_spans_of_each_layer(
    traced_client: httpx.AsyncClient, spans: SpanCatcher
) -> None:
    await gql_data(traced_client, "Departments")
    names = spans.names()
    for expected in (
        "POST /graphql",
        "GraphQL Query: Departments",
        "GraphQL Parsing",
        "GraphQL Validation",
        "GraphQL Resolving: departments",
    ):
        assert expected in names, names
    assert any(
        span.instrumentation_scope and "redis" in span.instrumentation_scope.name
        for span in spans.get_finished_spans()
    ), names
    request = spans.named("POST /graphql")[0]
    operation = spans.named("GraphQL Query: Departments")[0]
    assert operation.context.trace_id == request.context.trace_id, "one trace per request"


async def test_sql_spans_nest_under_the_request(
    traced_client: httpx.AsyncClient, traced_app: Starlette, spans: SpanCatcher
) -> None:
    runtime: Runtime = traced_app.state.runtime
    from sqlalchemy import text

    with trace.get_tracer("test").start_as_current_span("work") as work:
        async with runtime.sessions() as session:
            await session.execute(text("SELECT 1"))
        await runtime.redis.set("bff:test:traced", "1")
    sql = [s for s in spans.get_finished_spans() if s.name.startswith("SELECT")]
    assert sql and sql[-1].parent is not None, spans.names()
    assert (sql[-1].attributes or {}).get("db.system") == "sqlite"
    assert sql[-1].parent.span_id == work.get_span_context().span_id
    assert "SET" in spans.names()


@pytest.mark.usefixtures("traced_app")
async def test_outbound_calls_are_traced(spans: SpanCatcher) -> None:
    # The process's outbound client as production builds it (the test app's goes through
    # ASGI to the embedded simulators instead of a network).
    async with build_http_client(1.0, 1.0) as http:
        with respx.mock(assert_all_called=True) as mock:
            mock.get("https://his.hospital.example/ping").respond(200)
            await http.get("https://his.hospital.example/ping")
    outbound = spans.named("GET")
    assert outbound, spans.names()
    assert outbound[0].kind == trace.SpanKind.CLIENT


async def test_a_job_joins_the_trace_that_sent_it(
    traced_app: Starlette, spans: SpanCatcher
) -> None:
    with trace.get_tracer("test").start_as_current_span("booking") as sender:
        send_now("free_place_hold", "hold_that_does_not_exist")
    job = await spans.wait_for("job free_place_hold")
    assert job.context.trace_id == sender.get_span_context().trace_id
    assert job.kind == trace.SpanKind.CONSUMER


async def test_log_lines_carry_the_trace_id(traced_app: Starlette) -> None:
    out = io.StringIO()
    configure_logging("INFO", json=True, out=out, err=io.StringIO())
    with trace.get_tracer("test").start_as_current_span("work") as work:
        structlog.get_logger("test").info("inside")
    structlog.get_logger("test").info("outside")
    inside, outside = (json.loads(line) for line in out.getvalue().splitlines()[-2:])
    assert inside["trace_id"] == format(work.get_span_context().trace_id, "032x")
    assert "trace_id" not in outside


async def test_what_a_patient_types_stays_out_of_traces(
    traced_client: httpx.AsyncClient, spans: SpanCatcher
) -> None:
    await gql(
        traced_client,
        "VerifyIdentity",
        {"input": {"name": "张伟", "idNumber": ID_NUMBER, "phone": "13800138001"}},
    )
    literal = f'{{name: "张伟", idNumber: "{ID_NUMBER}", phone: "13800138001"}}'
    inline = f"mutation {{ verifyIdentity(input: {literal}) {{ __typename }} }}"
    await traced_client.post("/graphql", json={"query": inline})
    assert spans.get_finished_spans()
    for span in spans.get_finished_spans():
        for value in (span.attributes or {}).values():
            assert ID_NUMBER not in str(value), span.name
            assert "13800138001" not in str(value), span.name


async def test_off_without_an_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    settings = make_settings("sqlite", tmp_path)
    assert not tracing.configure_tracing(settings)
    assert not tracing.tracing_on()
    app = create_app(settings)
    assert not any("OpenTelemetry" in m.cls.__name__ for m in app.user_middleware)  # type: ignore[attr-defined]
    with_endpoint: Any = make_settings("sqlite", tmp_path, tracing_endpoint="http://collector:4318")
    assert tracing.endpoint_configured(with_endpoint)
