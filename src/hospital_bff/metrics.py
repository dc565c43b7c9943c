"""Prometheus metrics an operator watches: the money path and the outside systems."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
    "bff_booking_outcomes_total", "bookAppointment answers by code", ["code"]
)
WEBHOOKS = Counter(
    "bff_webhooks_total", "Inbound webhooks by source and outcome", ["source", "outcome"]
)
OPEN_SUBSCRIPTIONS = Gauge("bff_open_subscriptions", "GraphQL subscriptions open in this process")
SUBSCRIPTIONS_REFUSED = Counter(
    "bff_subscriptions_refused_total", "Subscriptions refused by a limit", ["limit"]
)
EVENT_HUB_EVENTS = Counter(
    "bff_event_hub_total",
    "The pub/sub connection's life: connects, losses, subscribers cut off for falling behind",
    ["event"],
)
