"""Structured logs with national ID numbers scrubbed before anything is written.

Two paths reach the log: structlog (our code) and the standard library's `logging` (our
libraries: strawberry logs every GraphQL error with the variables it quotes, httpx, dramatiq).
Both are scrubbed: structlog by a processor placed after tracebacks become text, `logging` by
a record factory, so that no handler, whoever installed it, ever sees a number in clear.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import structlog
from opentelemetry import trace

from hospital_bff.pii import mask_national_ids, scrub_national_ids

if TYPE_CHECKING:
    from hospital_bff.config import Settings


def _mask_arg(value: Any) -> Any:
    if isinstance(value, bool | int | float) or value is None:
        return value
    return mask_national_ids(value if isinstance(value, str) else str(value))


def _scrubbing_factory(previous: Any) -> Any:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = previous(*args, **kwargs)
        # Each argument is masked where it stands: formatters that read `args` themselves
        # (uvicorn's access log unpacks them) keep working, and none sees a number in clear.
        if isinstance(record.msg, str):
            record.msg = mask_national_ids(record.msg)
        elif isinstance(record.msg, dict):
            # structlog's event dict on its way to ProcessorFormatter: kept a dict (the
            # formatter reads it), its strings scrubbed (nested ones too).
            record.msg = dict(scrub_national_ids(None, "", dict(record.msg)))
        else:
            record.msg = mask_national_ids(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(_mask_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _mask_arg(v) for k, v in record.args.items()}
        if record.exc_info and record.exc_info[0] is not None:
            # A traceback quotes the exception's message; formatters use exc_text when set,
            # and dropping exc_info keeps richer handlers from rendering it afresh.
            record.exc_text = mask_national_ids(
                logging.Formatter().formatException(record.exc_info)
            )
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_national_ids(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_national_ids(record.stack_info)
        return record

    make_record.scrubs_national_ids = True  # type: ignore[attr-defined]
    return make_record


def install_record_scrubber() -> None:
    """Scrub every standard-library log record at its creation (idempotent)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "scrubs_national_ids", False):
        logging.setLogRecordFactory(_scrubbing_factory(current))


class _BelowError(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.ERROR


_HANDLER_MARK = "hospital_bff_handler"
# Loggers that write one line per HTTP call: httpx's request line, uvicorn's access line.
_PER_CALL_LOGGERS = ("httpx", "uvicorn.access")


_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class _SimulatorCallsAtDebug(logging.Filter):
    """A line per call to or from the embedded simulators (under /sim/) shows only at DEBUG:
    at INFO every click of a demo printed several, burying the lines that matter."""

    def __init__(self, shown: bool) -> None:
        super().__init__()
        self.shown = shown

    def filter(self, record: logging.LogRecord) -> bool:
        if self.shown or not isinstance(record.args, tuple):
            return True
        return not any("/sim/" in str(arg) for arg in record.args[:3])


class _StdStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to sys.stdout or sys.stderr as they are at each line, not at configuration
    (a test's capture, or a supervisor that swaps them, still gets every line)."""

    def __init__(self, name: str) -> None:
        super().__init__(getattr(sys, name))
        self._name = name

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = getattr(sys, self._name)
        super().emit(record)


def configure_logging(
    level: str = "INFO",
    *,
    json: bool = False,
    error_log_path: str | Path | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    quiet_stdout: bool = False,
) -> None:
    """One pipeline for structlog and the standard library: console text, or JSON lines.

    Lines below ERROR go to stdout; ERROR and above to stderr, and also to `error_log_path`
    when set, so an operator can watch (or alert on) the exceptional ones alone. Every line
    carries what structlog's contextvars hold: request id, operation, user pseudonym, order.
    Idempotent: a second call replaces the handlers it installed, nobody else's.
    `quiet_stdout` sends every line to stderr: for commands whose stdout is their answer
    (a staff token, the schema), which a script reads.
    """
    install_record_scrubber()
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        # Plain tracebacks: structlog's default (rich, with every frame's locals) took
        # seconds per line, on the event loop every job and request shares.
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        add_trace_ids,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso"),
        # Tracebacks become text here, so the scrubber below sees them; a renderer left
        # to format exc_info itself would print the exception (and rich's locals) in clear.
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        scrub_national_ids,
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        # Standard-library records were scrubbed at creation; their traceback is in exc_text.
        foreign_pre_chain=[*shared[:-3], _exc_text_to_exception, scrub_national_ids],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    normal = (
        logging.StreamHandler(out)
        if out
        else _StdStreamHandler("stderr" if quiet_stdout else "stdout")
    )
    normal.addFilter(_BelowError())
    errors = logging.StreamHandler(err) if err else _StdStreamHandler("stderr")
    errors.setLevel(logging.ERROR)
    handlers: list[logging.Handler] = [normal, errors]
    if error_log_path:
        error_file = logging.FileHandler(error_log_path, encoding="utf-8")
        error_file.setLevel(logging.ERROR)
        handlers.append(error_file)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        handler.setFormatter(formatter)
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(level.upper())
    # Alembic's per-step lines say nothing an operator needs at every start (`migrate` says
    # which revision it reached); its warnings still show. They must not land on stdout
    # either, where the CLI prints what scripts read (a staff token).
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
    # uvicorn's own logging setup (a `uvicorn.Config` without `log_config=None`, in this
    # process before) gives its loggers handlers of their own, no propagation and a level:
    # their lines would bypass this pipeline (and its JSON, and its ID-number scrubbing).
    for name in _UVICORN_LOGGERS:
        own = logging.getLogger(name)
        for handler in list(own.handlers):
            own.removeHandler(handler)
        own.propagate = True
        own.setLevel(logging.NOTSET)
    # uvicorn formats each request's access line (the client's address, the path quoted)
    # whenever its logger has a handler, before the level drops it: above INFO it has none.
    logging.getLogger("uvicorn.access").propagate = root.level <= logging.INFO
    for name in _PER_CALL_LOGGERS:
        per_call = logging.getLogger(name)
        for stale in [f for f in per_call.filters if isinstance(f, _SimulatorCallsAtDebug)]:
            per_call.removeFilter(stale)
        per_call.addFilter(_SimulatorCallsAtDebug(shown=root.level <= logging.DEBUG))
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def add_trace_ids(_: Any, __: str, event_dict: Any) -> Any:
    """The trace and span a line was written under (tracing.py), to go from a trace to its
    lines and back; nothing when tracing is off (no span is ever current then)."""
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        event_dict["trace_id"] = format(span_context.trace_id, "032x")
        event_dict["span_id"] = format(span_context.span_id, "016x")
    return event_dict


def _exc_text_to_exception(_: Any, __: str, event_dict: Any) -> Any:
    """A standard-library record's traceback, as the scrubbing factory left it (exc_text)."""
    record = event_dict.get("_record")
    text = getattr(record, "exc_text", None)
    if text and "exception" not in event_dict:
        event_dict["exception"] = text
    return event_dict


def configure_logging_from(settings: Settings, *, quiet_stdout: bool = False) -> None:
    """configure_logging as the settings say: what every process (serve, worker, sim, the CLI
    commands) calls first, so BFF_LOG_JSON and BFF_LOG_LEVEL hold everywhere."""
    configure_logging(
        settings.log_level,
        json=settings.log_json,
        error_log_path=settings.error_log_path,
        quiet_stdout=quiet_stdout,
    )


def is_outage(exc: BaseException) -> bool:
    """A service that is away (Redis, a socket that broke), not a bug."""
    from hospital_bff.outages import REDIS_DOWN, TryAgain

    return isinstance(exc, (*REDIS_DOWN, TryAgain))


def log_failure(
    logger: Any, event: str, exc: BaseException, *, outage: bool = False, **fields: Any
) -> None:
    """One line for a failure: an outage is a warning naming the error, repeated every few
    seconds while it lasts, so it carries no traceback; anything else is a bug and logs
    its (plain) traceback once per occurrence. `outage`: the caller knows it is one (an
    upstream system's error, which this module, below the datasources, cannot name)."""
    if outage or is_outage(exc):
        logger.warning(event, error=repr(exc), **fields)
    else:
        logger.error(event, exc_info=exc, **fields)
