"""Front-door shedding: an overloaded process answers TRY_AGAIN at once instead of queueing.

A burst (a schedule's release) sends more GraphQL requests than one process can finish. Each
one let in shares the event loop with all the others, so every request in flight makes every
other slower: at a few hundred in flight an answer, TRY_AGAIN included, came after 45 s. Here
the process counts the requests it is working on and refuses a new one, before its body is
parsed or anything is executed, when it could not start on it soon:

- Little's law: a request let in behind `in_flight` others waits about `in_flight / rate`,
  where `rate` is how many this process has been finishing per second (measured, so it follows
  the machine: a busy neighbour or a slow database lowers it). The bound on requests in flight
  is `rate x BFF_SHED_LATENCY_BUDGET_SECONDS`, never below `BFF_SHED_MIN_IN_FLIGHT` (a quiet
  process, or one that has not measured yet, lets that many in) nor above
  `BFF_SHED_MAX_IN_FLIGHT`.
- A refused request hears the coded `TRY_AGAIN` as a GraphQL error, as when Redis is away
  (outages.py), with `Retry-After`; nothing ran, so the app sends the same request again.
  Each refusal is given its own time to come back: the door keeps the returns it has asked
  for spread at RETURNS_PER_FINISHED times the rate it finishes requests, and never slower
  than CHEAP_RETURNS_PER_SECOND (as many as 5% of a core refuses again; before a rate is
  measured, COLD_RETURNS_PER_SECOND), one after the
  other, so `Retry-After` is how long the returns already asked for take. One refused while
  the door is briefly full hears 1 s; the thousands of a release burst hear 1 s, 2 s, ... in
  turn, come back spread out, and keep the process busy without their refusals taking much
  of its CPU. `Retry-After` takes whole seconds only, so the error's `retryAfterMs` tells the
  same turn to the millisecond: rounded up, a crowd whose line was a fraction of a second
  long came back after a second each time, and heard SLOT_FULL that much after the places
  were gone (bench/booking_burst.py, alternate runs: whole seconds at the former pace,
  384-508 attempts/s; the milliseconds at the pace below, 467-514; with a core burned
  beside them, 305-333 and 406-465).
  (A `Retry-After` that grew for everyone with the crowd sent the whole crowd away
  together: the process then sat idle while they waited, and the burst took four times
  as long. A line paced by the finishing rate alone was as long as 6 s for a release's
  2,000 at a cold start: the places were sold out in 6 s, and the crowd heard SLOT_FULL over
  the next 6 s, while the process, which answers a sold-out slot in 0.3 ms, sat idle.)
- Only what reaches this middleware counts: it sits inside the response cache, so a kept
  catalogue answer is sent before it and never refused. WebSockets, webhooks, the simulators
  and the health checks pass untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from hospital_bff.config import Settings
from hospital_bff.graphql_http import VARY
from hospital_bff.graphql_over_http import APPLICATION_JSON, Refusal, json_text, negotiate
from hospital_bff.language import Message, caller_language
from hospital_bff.metrics import SHED_IN_FLIGHT, SHED_REQUESTS
from hospital_bff.outages import TRY_AGAIN_CODE

TRY_AGAIN: Final = Message(
    "服务繁忙，请稍后重试", "The service is busy; nothing was done, please try again"
)
# 503 with graphql-response+json (no data: a request error); 200 with application/json, which
# Apollo-style clients read as any other GraphQL answer, as they read Redis's TRY_AGAIN.
BUSY: Final = Refusal(503, TRY_AGAIN_CODE, TRY_AGAIN, legacy_status=200)
# How long a measurement of the finishing rate lasts before it is taken again.
RATE_WINDOW_SECONDS: Final = 1.0
# Returns asked for per request the process finishes: many, so that it never waits for work
# while patients wait to ask, and a crowd hears soon that the places are gone (a sold-out
# slot's SLOT_FULL is answered outside this door); those returning are refused again cheaply
# (a refusal is about 100 µs of CPU, a booking about 10 ms: forty cost 40% of one booking).
# Paced by what the process finishes, the returns slow down with it when it is starved (a
# neighbour burning a core): in alternate runs of bench/booking_burst.py with the returns
# told to the millisecond, forty with the floor below at 5% of a core sold 406-514 attempts/s
# (a core burned or not) where twenty with a floor at 15% sold 322-597, and answered
# TRY_AGAIN in up to 1.9 s when starved: the floor, not the rate, had set the pace.
RETURNS_PER_FINISHED: Final = 40
# What one refused booking costs the process (uvicorn's parsing, the booking door's look at
# it, the write: a third of it the kernel's loopback send): 85-145 us on the 2-core development
# machine at load 2 (bench/refusals.py). And the share of a core the returns may take at the
# least: the slowest pace of returns, whatever the rate (cold, before a rate is measured, or
# a window of slow bookings), so a cold start's crowd is not sent to the longest wait.
REFUSAL_CPU_SECONDS: Final = 100e-6
REFUSAL_CPU_SHARE: Final = 0.05
CHEAP_RETURNS_PER_SECOND: Final = REFUSAL_CPU_SHARE / REFUSAL_CPU_SECONDS
# The pace before any rate is measured (a cold start: as many as 10% of a core refuses
# again). A release's first wave is refused at once, before the first window closes. At the
# floor's 500 a second the embedded default's 2,000 (one process) were given turns over 4 s
# and heard SLOT_FULL up to 4.6 s after the places had gone in 2.3 s: 285 attempts/s. At
# 1,500 the cluster's two processes spent its first seconds refusing their returns again.
# Alternate runs of each (bench/booking_burst.py, embedded / 2 servers / a core burned):
# 500: 285-286 / 449-493 / 267-334; 1,000: 401-437 / 342-474 / 338-399; 1,500: 562-575 /
# 360-425 / 311-336.
COLD_RETURNS_PER_SECOND: Final = 0.10 / REFUSAL_CPU_SECONDS
MAX_RETRY_AFTER_SECONDS: Final = 30
# The soonest a refusal's `retryAfterMs` asks for: a turn due sooner is not worth a round trip.
MIN_RETRY_MS: Final = 50
# Stands for the refusal's `retryAfterMs` in its pre-encoded body.
_MS_MARK: Final = 987654321


@dataclass
class FrontDoor:
    """The decision alone (no I/O): let a request in, or refuse it; and what has been measured."""

    budget_seconds: float
    min_in_flight: int
    max_in_flight: int
    now: Callable[[], float] = time.monotonic
    in_flight: int = 0
    # Requests finished per second of busy time (some in flight) in the last full window; 0
    # until one has been measured. Idle time is left out: a quiet minute is not a slow one.
    rate: float = 0.0
    _finished: int = field(default=0, repr=False)
    _busy: float = field(default=0.0, repr=False)  # busy seconds of this window, closed spells
    _busy_since: float = field(default=0.0, repr=False)  # start of the open spell
    # The time up to which refused requests have been asked to come back (on `now`'s clock).
    returns_until: float = 0.0

    @property
    def limit(self) -> int:
        """How many may be in flight at once: those this process finishes within the budget."""
        measured = int(self.rate * self.budget_seconds)
        return max(self.min_in_flight, min(self.max_in_flight, measured))

    @property
    def retry_after(self) -> int:
        """What a refusal now would be asked to wait, in whole seconds (1 to the maximum)."""
        return whole_seconds(self.returns_until - self.now())

    def enter(self) -> bool:
        """True: the request is let in (and counted until `leave`); False: refuse it, and
        ask it to come back after `refuse()`."""
        if self.in_flight >= self.limit:
            return False
        if not self.in_flight:
            self._busy_since = self.now()
        self.in_flight += 1
        return True

    def leave(self) -> None:
        self.in_flight -= 1
        self._finished += 1
        now = self.now()
        busy = self._busy + (now - self._busy_since)
        if busy >= RATE_WINDOW_SECONDS:
            self.rate = self._finished / busy
            self._finished = 0
            self._busy = 0.0
            self._busy_since = now
        elif not self.in_flight:
            self._busy = busy

    def refuse(self) -> float:
        """A refused request's turn to come back, in seconds from now: the next in the line of
        returns asked for, RETURNS_PER_FINISHED per request this process finishes
        (`Retry-After` says it in whole seconds, the body's `retryAfterMs` in milliseconds)."""
        now = self.now()
        # The cold pace before a rate is measured; never slower than the cheap one when a
        # window measured less (a cold start's first window closes on its first finish: 0.5
        # a second once spaced a release's crowd over the longest wait, 30 s, and the
        # process, warm a second later, sat idle while they waited). Returns sooner than it
        # can serve are refused again, cheaply; a crowd that hears sooner hears sooner that
        # it is sold out.
        if self.rate:
            pace = max(RETURNS_PER_FINISHED * self.rate, CHEAP_RETURNS_PER_SECOND)
        else:
            pace = COLD_RETURNS_PER_SECOND
        after = max(self.returns_until, now) + 1.0 / pace
        self.returns_until = min(after, now + MAX_RETRY_AFTER_SECONDS)
        return self.returns_until - now


def milliseconds(wait: float) -> int:
    """The body's `retryAfterMs`: the turn to the millisecond, MIN_RETRY_MS at least."""
    return max(MIN_RETRY_MS, min(MAX_RETRY_AFTER_SECONDS * 1000, ceil(wait * 1000)))


def whole_seconds(wait: float) -> int:
    """`Retry-After` takes whole seconds: rounded up (never sooner than the line), 1 at least."""
    return max(1, min(MAX_RETRY_AFTER_SECONDS, ceil(wait)))


def front_door(settings: Settings) -> FrontDoor:
    return FrontDoor(
        budget_seconds=settings.shed_latency_budget_seconds,
        min_in_flight=settings.shed_min_in_flight,
        max_in_flight=max(settings.shed_min_in_flight, settings.shed_max_in_flight),
    )


class SheddingMiddleware:
    """Pure ASGI, just inside the response cache: refuses GraphQL over HTTP when overloaded."""

    def __init__(self, app: ASGIApp, *, door: FrontDoor, path: str = "/graphql") -> None:
        self.app = app
        self.door = door
        self.path = path
        # The refusal's bytes per (media type, language), either side of its `retryAfterMs`:
        # made once, sent many times.
        self._answers: dict[tuple[str, str], tuple[int, bytes, bytes, bytes]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or scope["method"] not in ("POST", "GET")
            or (scope["method"] == "GET" and not scope["query_string"])  # GraphiQL's page
        ):
            await self.app(scope, receive, send)
            return
        door = self.door
        if door.enter():
            SHED_IN_FLIGHT.set(door.in_flight)
            try:
                await self.app(scope, receive, send)
            finally:
                door.leave()
                SHED_IN_FLIGHT.set(door.in_flight)
            return
        SHED_REQUESTS.inc()
        await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        accept = language = b""
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value
            elif name == b"accept-language":
                language = value
        media_type = negotiate(accept.decode("latin-1") or None) or APPLICATION_JSON
        lang = caller_language(language.decode("latin-1")) if language else "zh"
        answer = self._answers.get((media_type, lang))
        if answer is None:
            refusal = BUSY.body(lang)
            refusal["errors"][0]["extensions"]["retryAfterMs"] = _MS_MARK
            head, tail = json_text(refusal).encode().split(str(_MS_MARK).encode())
            content_type = f"{media_type}; charset=utf-8".encode()
            answer = (BUSY.status_for(media_type), head, tail, content_type)
            self._answers[(media_type, lang)] = answer
        status, head, tail, content_type = answer
        turn = self.door.refuse()
        body = head + str(milliseconds(turn)).encode() + tail
        # The request's body is left unread: the server discards it with the request.
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"),
                    (b"retry-after", str(whole_seconds(turn)).encode()),
                    (b"vary", VARY.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
