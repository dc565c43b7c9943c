"""OpenTelemetry traces, exported over OTLP when an endpoint is configured, off otherwise.

On: BFF_TRACING_ENDPOINT (the collector's OTLP/HTTP base, e.g. http://otel-collector:4318)
or the standard OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the other
OTEL_* variables, headers and service name included, are the exporter's as usual). Then the
spans come from the instrumentation packages: each HTTP request and WebSocket (ASGI), each
GraphQL operation, its parsing, validation and resolvers (strawberry), each SQL statement
(SQLAlchemy), each Redis command, each outbound call to the HIS, the bank or WeChat (httpx),
and each job, a child of the request that sent it (jobs/tracing.py). Log lines carry the
`trace_id` and `span_id` they were written under (logs.py).

Off (the default): no provider, nothing instrumented, no extension nor middleware installed;
nothing is paid for it.

What a patient types stays out of traces as it stays out of logs: resolvers' arguments are not
recorded, nor operations' documents (GraphQLTracing).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from opentelemetry.trace import SpanKind
from strawberry.extensions import LifecycleStep
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.types import ExecutionContext

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

    from hospital_bff.config import Settings

SERVICE_NAME = "hospital-bff"
# Probes and scrapes every few seconds: noise, not traffic.
UNTRACED_PATHS = "healthz,readyz,metrics"

_provider: TracerProvider | None = None
_on = False


def endpoint_configured(settings: Settings) -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    return bool(
        settings.tracing_endpoint
        or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def tracing_on() -> bool:
    """Whether this process traces: the app and the broker add their parts only then."""
    return _on


def configure_tracing(settings: Settings, *, exporter: SpanExporter | None = None) -> bool:
    """Turn tracing on for this process when an endpoint is configured (or `exporter` given:
    the tests' in-memory one). Idempotent; returns whether tracing is on."""
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    if exporter is None:
        if not endpoint_configured(settings):
            return _on
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = settings.tracing_endpoint
        exporter = OTLPSpanExporter(
            endpoint=f"{endpoint.rstrip('/')}/v1/traces" if endpoint else None
        )
        processor: Any = BatchSpanProcessor(exporter)
    else:
        processor = SimpleSpanProcessor(exporter)
    _global_provider().add_span_processor(processor)
    _instrument_libraries()
    return True


def stop_tracing() -> None:
    """Send what is buffered and stop instrumenting (the tests turn it off again)."""
    global _on
    if not _on:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    for instrumentor in (HTTPXClientInstrumentor(), RedisInstrumentor(), SQLAlchemyInstrumentor()):
        instrumentor.uninstrument()
    if _provider is not None:
        _provider.force_flush()
    _on = False


def _global_provider() -> TracerProvider:
    """One provider per process (OpenTelemetry's global can be set once)."""
    global _provider
    if _provider is None:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider

        name = os.environ.get("OTEL_SERVICE_NAME", SERVICE_NAME)
        _provider = TracerProvider(resource=Resource.create({"service.name": name}))
        trace.set_tracer_provider(_provider)
    return _provider


def _instrument_libraries() -> None:
    global _on
    if _on:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    HTTPXClientInstrumentor().instrument()
    RedisInstrumentor().instrument()
    # Wraps create_async_engine: the engines made from now on (store/db.py) are traced.
    # Its declared range stops below SQLAlchemy 2.1, whose event API it uses is unchanged
    # (tests/test_tracing.py sees the statements' spans).
    SQLAlchemyInstrumentor().instrument(skip_dep_check=True)
    _on = True


def asgi_middleware() -> tuple[Any, dict[str, Any]]:
    """The ASGI middleware and its options, for app.add_middleware."""
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    return OpenTelemetryMiddleware, {"excluded_urls": UNTRACED_PATHS}


def _no_arguments(_args: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {}


class GraphQLTracing(OpenTelemetryExtension):
    """strawberry's spans, without what the client sent: no resolver's arguments, and no
    operation document (an app may write a patient's ID number or phone in it literally);
    the operation's name says which it was."""

    def __init__(self, *, execution_context: ExecutionContext | None = None) -> None:
        super().__init__(execution_context=execution_context, arg_filter=_no_arguments)

    def on_operation(self) -> Generator[None, None, None]:
        # strawberry's own, less the `query` attribute.
        name = self.execution_context.operation_name
        span = self._tracer.start_span(
            f"GraphQL Query: {name}" if name else "GraphQL Query", kind=SpanKind.SERVER
        )
        span.set_attribute("component", "graphql")
        self._span_holder[LifecycleStep.OPERATION] = span
        yield
        if not name and self.execution_context.operation_name:
            span.update_name(f"GraphQL Query: {self.execution_context.operation_name}")
        span.end()
