"""Prometheus metrics an operator watches: the money path and the outside systems."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import event
from sqlalchemy.orm import Session

ORDER_TRANSITIONS = Counter(
    "bff_order_transitions_total", "Orders moved to a status", ["kind", "status"]
)
UPSTREAM_CALLS = Counter(
    "bff_upstream_calls_total",
    "Calls to the HIS, bank and WeChat by outcome",
    ["system", "outcome"],
)
UPSTREAM_SECONDS = Histogram(
    "bff_upstream_seconds",
    "Latency of calls to the outside systems",
    ["system"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BOOKING_OUTCOMES = Counter(
    "bff_booking_outcomes_total",
    "bookAppointment, acceptWaitlistOffer and FHIR $hold answers by code",
    ["code"],
)
WEBHOOKS = Counter(
    "bff_webhooks_total", "Inbound webhooks by source and outcome", ["source", "outcome"]
)
GC_PAUSES = Histogram(
    "bff_gc_pause_seconds",
    "Garbage-collection pauses of this process by generation",
    ["generation"],
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1),
)
GC_MAX_PAUSE = Gauge("bff_gc_max_pause_seconds", "The longest garbage-collection pause so far")
GC_MAX_PAUSE_CPU = Gauge(
    "bff_gc_max_pause_cpu_seconds",
    "The most CPU one garbage collection took (its pause had the machine been idle)",
)
GC_MAX_PAUSE_IN_FLIGHT_CPU = Gauge(
    "bff_gc_max_pause_in_flight_cpu_seconds",
    "The most CPU one garbage collection took while HTTP requests were in flight (what a "
    "request waited behind; a server's, gc_pauses.py)",
)
GC_MAX_PAUSE_CPU_BY_GENERATION = Gauge(
    "bff_gc_generation_max_pause_cpu_seconds",
    "The most CPU one collection of this generation took (which generation makes the longest)",
    ["generation"],
)
OPEN_SUBSCRIPTIONS = Gauge("bff_open_subscriptions", "GraphQL subscriptions open in this process")
SUBSCRIPTIONS_REFUSED = Counter(
    "bff_subscriptions_refused_total", "Subscriptions refused by a limit", ["limit"]
)
SHED_REQUESTS = Counter(
    "bff_shed_requests_total",
    "GraphQL requests answered TRY_AGAIN at the door: the process had more in flight than it "
    "finishes within BFF_SHED_LATENCY_BUDGET_SECONDS (shedding.py)",
)
SHED_IN_FLIGHT = Gauge(
    "bff_shed_in_flight", "GraphQL requests past the response cache this process is working on"
)
EVENT_HUB_EVENTS = Counter(
    "bff_event_hub_total",
    "The pub/sub connection's life: connects, losses, subscribers cut off for falling behind",
    ["event"],
)

# --- business figures ------------------------------------------------------------------------
# Registrations booked are BOOKING_OUTCOMES{code="OK"}; confirmed and cancelled ones are
# ORDER_TRANSITIONS{kind="REGISTRATION",status="CONFIRMED"|"CANCELLED"}. These add the rest.
PAYMENTS_SUCCEEDED = Counter(
    "bff_payments_succeeded_total", "Payments whose money arrived, by order kind", ["kind"]
)
PAYMENTS_SUCCEEDED_FEN = Counter(
    "bff_payments_succeeded_fen_total", "Money that arrived, in fen, by order kind", ["kind"]
)
REFUNDS_OPENED = Counter("bff_refunds_total", "Refunds owed, by mode", ["mode"])
REFUNDS_OPENED_FEN = Counter("bff_refunds_fen_total", "Money owed back, in fen, by mode", ["mode"])
SCHEDULES_SUSPENDED = Counter(
    "bff_schedules_suspended_total", "Expert sessions stopped (停诊) that we learnt of"
)
NO_SHOWS = Counter("bff_no_shows_total", "Registrations the patient did not come to")


# A count is of something that happened: one made inside a transaction waits for its commit,
# so a rollback (a lost race, a crash half-way) counts nothing.
_PENDING = "hospital_bff.metrics"


def count_after_commit(session: Any, counter: Counter, *labels: str, amount: float = 1) -> None:
    """Increment `counter` when the session's transaction commits (an AsyncSession or a Session)."""
    sync: Session = getattr(session, "sync_session", session)
    sync.info.setdefault(_PENDING, []).append((counter, labels, amount))


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for counter, labels, amount in session.info.pop(_PENDING, []):
        (counter.labels(*labels) if labels else counter).inc(amount)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
