"""Jobs leave only after the commit that makes them true (an after-commit buffer).

A crash between commit and send loses the message but not the truth: the periodic sweeps
find every order whose next step is due and enqueue it again.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.logs import log_failure

log = structlog.get_logger(__name__)

_KEY = "hospital_bff.jobs"


def enqueue_after_commit(
    session: AsyncSession, actor_name: str, *args: Any, delay_ms: int | None = None
) -> None:
    session.sync_session.info.setdefault(_KEY, []).append((actor_name, args, delay_ms))


def send_now(actor_name: str, *args: Any, delay_ms: int | None = None) -> None:
    import dramatiq

    broker = dramatiq.get_broker()
    actor = broker.get_actor(actor_name)
    actor.send_with_options(args=args, delay=delay_ms)


@event.listens_for(Session, "after_commit")
def _send_buffered(session: Session) -> None:
    for actor_name, args, delay_ms in session.info.pop(_KEY, []):
        try:
            send_now(actor_name, *args, delay_ms=delay_ms)
        except Exception as exc:
            # The sweeps will enqueue it again; the commit already happened. A broker on a
            # Redis that is away is an outage (one line), not a bug (a traceback).
            log_failure(log, "enqueue_failed", exc, actor=actor_name)


@event.listens_for(Session, "after_rollback")
def _drop_buffered(session: Session) -> None:
    session.info.pop(_KEY, None)
