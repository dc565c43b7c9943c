"""A job that fails because a system it needs is away is retried with one warning line.

dramatiq logs every exception an actor raises as "Failed to process message ... with unhandled
exception" and its (chained) traceback. For an outage (the bank or the HIS not answering, the
HIS's circuit open, Redis away) that is noise repeated by every job for as long as the outage
lasts, and hides the tracebacks that matter. Here an outage becomes `logs.log_failure`'s
warning and a `dramatiq.Retry`, which the Retries middleware retries with the actor's backoff
(and max_retries) and the worker does not log; anything else still reaches dramatiq untouched
and logs its traceback once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import dramatiq
import structlog
from dramatiq.middleware import Middleware

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.logs import is_outage, log_failure
from hospital_bff.services.errors import UpstreamUnavailableError

log = structlog.get_logger(__name__)

_WRAPPED = "_bff_retries_outages"


def is_expected(exc: BaseException) -> bool:
    """An outage of a system the job needs, not a bug: Redis, the HIS, the bank, WeChat (not
    answering, or behind an open circuit)."""
    return is_outage(exc) or isinstance(exc, (UpstreamUnavailable, UpstreamUnavailableError))


def retrying_outages(actor_name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` (the actor's synchronous callable) with outages turned into a logged Retry."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if not is_expected(exc):
                raise
            log_failure(log, "job_waits_for_outage", exc, outage=True, actor=actor_name)
            # `from None`: the retry's record is the warning above, not a chained traceback.
            raise dramatiq.Retry(f"{type(exc).__name__}: {exc}") from None

    setattr(run, _WRAPPED, True)
    return run


class RetryOutages(Middleware):  # type: ignore[misc]
    """Wraps each actor as it is declared (every broker `install` declares them again)."""

    def before_declare_actor(
        self, broker: dramatiq.Broker, actor: dramatiq.Actor[Any, Any]
    ) -> None:
        if not getattr(actor.fn, _WRAPPED, False):
            actor.fn = retrying_outages(actor.actor_name, actor.fn)
