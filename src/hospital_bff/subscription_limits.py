"""How many subscriptions may be open at once: per WebSocket, per signed-in account, per client
address for anonymous ones, and in the whole process.

Counted in this process's memory, not in Redis: an open subscription is a task of this process
and ends with it, so the counts can never outlive what they count (a crashed process takes its
subscriptions and its counts with it). A caller spreading sockets over N server processes can
therefore hold N times the per-account and per-address limits; the per-process total still
bounds what each process carries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from graphql import GraphQLError

from hospital_bff.config import Settings
from hospital_bff.language import LocalisedError, Message
from hospital_bff.metrics import OPEN_SUBSCRIPTIONS, SUBSCRIPTIONS_REFUSED


def subscription_limited(what: str) -> GraphQLError:
    SUBSCRIPTIONS_REFUSED.labels(what).inc()
    message = Message(
        "同时订阅过多，请关闭不用的订阅后再试", f"Too many open subscriptions ({what})"
    )
    return LocalisedError(message, "RATE_LIMITED", limit=what)


@dataclass(frozen=True)
class SubscriptionLimitValues:
    per_connection: int
    per_user: int
    per_address: int
    per_process: int

    @classmethod
    def from_settings(cls, settings: Settings) -> SubscriptionLimitValues:
        return cls(
            per_connection=settings.subscriptions_per_connection,
            per_user=settings.subscriptions_per_user,
            per_address=settings.subscriptions_per_address,
            per_process=settings.subscriptions_per_process,
        )


class SubscriptionLimits:
    """Counts of open subscriptions; `admit` holds one place for the life of a subscription."""

    def __init__(self, limits: SubscriptionLimitValues) -> None:
        self.limits = limits
        self.open = 0
        self._by_key: Counter[str] = Counter()

    @contextmanager
    def admit(self, *, connection: str, user: str | None, address: str) -> Iterator[None]:
        """Hold a place, or raise RATE_LIMITED having taken none. Anonymous callers are
        counted by address; a signed-in one by account, wherever they connect from."""
        keys = [("connection", f"c:{connection}", self.limits.per_connection)]
        if user is not None:
            keys.append(("user", f"u:{user}", self.limits.per_user))
        else:
            keys.append(("address", f"a:{address}", self.limits.per_address))
        # Checked and taken with no await in between: the event loop cannot interleave
        # another subscription between the check and the count.
        if self.open >= self.limits.per_process:
            raise subscription_limited("process")
        for what, key, limit in keys:
            if self._by_key[key] >= limit:
                raise subscription_limited(what)
        self.open += 1
        OPEN_SUBSCRIPTIONS.inc()
        for _what, key, _limit in keys:
            self._by_key[key] += 1
        try:
            yield
        finally:
            self.open -= 1
            OPEN_SUBSCRIPTIONS.dec()
            for _what, key, _limit in keys:
                self._by_key[key] -= 1
                if self._by_key[key] <= 0:
                    del self._by_key[key]  # a closed socket or a gone caller leaves nothing

    def count(self, *, connection: str | None = None, user: str | None = None) -> int:
        if connection is not None:
            return self._by_key[f"c:{connection}"]
        if user is not None:
            return self._by_key[f"u:{user}"]
        return self.open


class SocketsPerAddress:
    """Open WebSockets per client address in this process: an idle but acknowledged socket
    costs a task and memory for as long as the client keeps it, so one address may hold only
    so many; the handshake of one more is refused (HTTP 403) before anything is allocated."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: Counter[str] = Counter()

    @contextmanager
    def hold(self, address: str) -> Iterator[bool]:
        """True with a place held for the socket's life, or False having taken none."""
        if self._open[address] >= self.limit:
            SUBSCRIPTIONS_REFUSED.labels("sockets").inc()
            yield False
            return
        self._open[address] += 1
        try:
            yield True
        finally:
            self._open[address] -= 1
            if self._open[address] <= 0:
                del self._open[address]

    def count(self, address: str) -> int:
        return self._open[address]
