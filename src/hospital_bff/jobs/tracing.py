"""A job's span, a child of the request (or sweep) that sent it.

OpenTelemetry's contrib has no dramatiq instrumentation, and the one third-party package
(opentelemetry-instrumentor-dramatiq 0.1.x) attaches each job's context to the worker thread
without detaching it, so every later job on that thread nests under a stranger's trace. This
middleware does the same on dramatiq's own hooks, with the W3C trace context carried in the
message's options, and detaches after each job. Installed only when tracing is on (jobs/
broker.py).
"""

from __future__ import annotations

import threading
from typing import Any

import dramatiq
from dramatiq.middleware import Middleware
from opentelemetry import context, propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

OPTION = "trace_context"
tracer = trace.get_tracer(__name__)


class JobTracing(Middleware):  # type: ignore[misc]
    """Carries the sender's trace in the message; a CONSUMER span around each job."""

    def __init__(self) -> None:
        self._local = threading.local()  # each worker thread runs one message at a time

    def before_enqueue(self, broker: dramatiq.Broker, message: Any, delay: int | None) -> None:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        if carrier:
            message.options[OPTION] = carrier

    def before_process_message(self, broker: dramatiq.Broker, message: Any) -> None:
        parent = propagate.extract(message.options.get(OPTION) or {})
        span = tracer.start_span(
            f"job {message.actor_name}",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "dramatiq",
                "messaging.destination.name": message.queue_name,
                "messaging.message.id": message.message_id,
                "messaging.operation.type": "process",
            },
        )
        # Current on this thread: the async actor's coroutine is handed to the event loop
        # from here with a copy of this context, so its SQL, Redis and HTTP spans nest.
        token = context.attach(trace.set_span_in_context(span, parent))
        self._local.running = (span, token)

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: Any,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        running = getattr(self._local, "running", None)
        if running is None:
            return
        self._local.running = None
        span, token = running
        if exception is not None:
            span.record_exception(exception)
            span.set_status(Status(StatusCode.ERROR, type(exception).__name__))
        span.end()
        context.detach(token)

    def after_skip_message(self, broker: dramatiq.Broker, message: Any) -> None:
        self.after_process_message(broker, message)
