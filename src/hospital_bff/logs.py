"""Structured logs with national ID numbers scrubbed before anything is written.

Two paths reach the log: structlog (our code) and the standard library's `logging` (our
libraries: strawberry logs every GraphQL error with the variables it quotes, httpx, dramatiq).
Both are scrubbed: structlog by a processor placed after tracebacks become text, `logging` by
a record factory, so that no handler, whoever installed it, ever sees a number in clear.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from hospital_bff.pii import mask_national_ids, scrub_national_ids


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


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level.upper())
    install_record_scrubber()
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            # Tracebacks become text here, so the scrubber below sees them; a renderer left
            # to format exc_info itself would print the exception (and rich's locals) in clear.
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            scrub_national_ids,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=False,
    )
