"""What every datasource shares: timeouts, bounded retries of safe calls, a circuit breaker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import httpx
import structlog

from hospital_bff.datasources.errors import (
    UpstreamBusy,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from hospital_bff.datasources.outbound_pool import PooledTransport
from hospital_bff.metrics import UPSTREAM_CALLS, UPSTREAM_SECONDS

log = structlog.get_logger(__name__)


class CircuitBreaker:
    """Opens after N consecutive failures; while open, calls fail at once; half-opens after a pause.

    Per process on purpose: each process learns for itself that the HIS is down, and no
    shared state has to be reachable for the fast failure to work.
    """

    def __init__(self, name: str, failure_threshold: int, reset_seconds: float) -> None:
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self._failures = 0
        self._opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        if self._opened_at is None:
            return False
        # Half-open after the pause: the next call goes through to probe.
        return time.monotonic() - self._opened_at < self.reset_seconds

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None

    def record_failure(self) -> None:
        self._failures += 1
        if self._failures >= self.failure_threshold:
            if self._opened_at is None:
                log.warning("circuit_open", upstream=self.name)
            self._opened_at = time.monotonic()


# How many of its timeouts a call may queue behind the calls in flight before UpstreamBusy.
QUEUE_TIMEOUTS = 4


class JsonClient:
    """A JSON-over-HTTP client for one outside system, over the app's shared httpx client."""

    unavailable: type[UpstreamUnavailable] = UpstreamUnavailable
    system = "upstream"

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        timeout: float = 3.0,
        read_retries: int = 2,
        breaker: CircuitBreaker | None = None,
        headers: Mapping[str, str] | None = None,
        max_in_flight: int = 32,
        queue_seconds: float | None = None,
    ) -> None:
        self.http = http
        # A burst of patients must queue here, not pile onto the HIS: an upstream flooded
        # with hundreds of calls answers all of them late, and the timeouts then open the
        # circuit for everyone. The timeout starts once a call is actually sent.
        self._in_flight = asyncio.Semaphore(max_in_flight)
        # And queue no longer than a few calls' time: a flood (a WebSocket client asking for
        # schedules that do not exist) waited here without end, and every booking and
        # identity check of the process behind it. UpstreamBusy after that.
        self.queue_seconds = QUEUE_TIMEOUTS * timeout if queue_seconds is None else queue_seconds
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.read_retries = read_retries
        self.breaker = breaker or CircuitBreaker(self.system, 5, 10.0)
        self.headers = dict(headers or {})
        self.calls = 0  # counted so tests can bound the calls one query makes

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        data: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one request and decode its JSON; retry only calls that are safe to repeat."""
        safe = method.upper() in {"GET", "HEAD"} if idempotent is None else idempotent
        attempts = 1 + (self.read_retries if safe else 0)
        last: Exception | None = None
        for attempt in range(attempts):
            if self.breaker.is_open:
                raise self.unavailable(f"{self.system} circuit open", system=self.system)
            try:
                return await self._send_once(
                    method, path, json=json, params=params, headers=headers, data=data
                )
            except (UpstreamRejected, UpstreamTimeout, UpstreamBusy):
                # A refusal will not change on retry, and a hanging system is not asked
                # again at once: the caller hears of it within one timeout.
                raise
            except UpstreamUnavailable as exc:
                last = exc
                if attempt + 1 < attempts:
                    await asyncio.sleep(0.05 * 2**attempt)
        assert last is not None
        raise last

    async def _turn(self, method: str, path: str) -> None:
        """A place among the calls in flight (released by the caller), waited for at most
        `queue_seconds`; the timeout of the call itself starts after it."""
        if not self._in_flight.locked():
            await self._in_flight.acquire()
            return
        try:
            async with asyncio.timeout(self.queue_seconds):
                await self._in_flight.acquire()
        except TimeoutError:
            raise UpstreamBusy(
                f"{self.system} busy: {method} {path} not sent", system=self.system
            ) from None

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        json: Any,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        data: Mapping[str, str] | None = None,
    ) -> Any:
        self.calls += 1
        url = f"{self.base_url}{path}"
        started = time.monotonic()
        outcome = "error"
        try:
            await self._turn(method, path)
            try:
                # httpx enforces its timeout on sockets only; the outer deadline also bounds
                # in-process transports and a server that trickles bytes.
                async with asyncio.timeout(self.timeout + 0.5):
                    response = await self.http.request(
                        method,
                        url,
                        json=json,
                        params=params,
                        data=data,
                        headers={**self.headers, **(headers or {})},
                        timeout=self.timeout,
                    )
            finally:
                self._in_flight.release()
            outcome = "ok" if response.status_code < 500 else "5xx"
        except UpstreamBusy:
            outcome = "busy"
            raise
        except (httpx.TimeoutException, TimeoutError) as exc:
            outcome = "timeout"
            self.breaker.record_failure()
            raise UpstreamTimeout(
                f"{self.system} timed out: {method} {path}", system=self.system
            ) from exc
        except httpx.HTTPError as exc:
            self.breaker.record_failure()
            raise self.unavailable(
                f"{self.system} unreachable: {exc!r}", system=self.system
            ) from exc
        finally:
            UPSTREAM_SECONDS.labels(self.system).observe(time.monotonic() - started)
            UPSTREAM_CALLS.labels(self.system, outcome).inc()
        if response.status_code >= 500:
            self.breaker.record_failure()
            raise self.unavailable(
                f"{self.system} answered {response.status_code} to {method} {path}",
                system=self.system,
            )
        self.breaker.record_success()
        if response.status_code >= 400:
            body = _json_or_none(response)
            code = (
                str(body.get("code", f"HTTP_{response.status_code}"))
                if isinstance(body, dict)
                else f"HTTP_{response.status_code}"
            )
            message = (
                str(body.get("message", response.text[:200]))
                if isinstance(body, dict)
                else response.text[:200]
            )
            raise UpstreamRejected(code, message, system=self.system)
        return self.decode(response)

    def decode(self, response: httpx.Response) -> Any:
        """The answer's body as the caller gets it: decoded JSON (None when empty)."""
        if not response.content:
            return None
        return response.json()


def unbind_stream(response: httpx.Response) -> None:
    """Make a response read in full (what `AsyncClient.request` returns) no longer point at
    httpx's stream, which points back at the response: without that reference cycle, each
    answer is freed as soon as its caller drops it instead of by a garbage collection, whose
    pause grew with every answer waiting for it (~15 objects each; gc_pauses.py)."""
    response.stream = httpx.ByteStream(response.content)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50)


class _Cookies(httpx.Cookies):
    """httpx's cookie jar, which skips a response that sets no cookie: httpx wraps every
    response and its request for `http.cookiejar` first (the URL parsed again), which cost
    about as much as building the request; the systems we call set none."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class OutboundClient(httpx.AsyncClient):
    """httpx's client with the jar above (its cookies behave as before), whose answers read
    in full are not bound to their stream (`unbind_stream`), over a pool whose cost does not
    grow with its connections (outbound_pool.py)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._jar = _Cookies(kwargs.get("cookies"))

    def _init_transport(
        self,
        verify: Any = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = LIMITS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.AsyncBaseTransport:
        """httpx's own choice of transport, over our pool (outbound_pool.py); chosen here
        rather than passed in, so the environment's proxies still apply as httpx reads them
        (httpx reads none when it is given a transport)."""
        if transport is not None:
            return transport
        return PooledTransport(
            verify=verify, cert=cert, trust_env=trust_env, http1=http1, http2=http2, limits=limits
        )

    @property  # type: ignore[override]
    def cookies(self) -> httpx.Cookies:
        return self._jar

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._jar = _Cookies(cookies)

    async def send(
        self, request: httpx.Request, *, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        response = await super().send(request, stream=stream, **kwargs)
        if not stream:
            unbind_stream(response)
        return response


def build_http_client(
    timeout: float, connect_timeout: float, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The one outbound client of a process; the app's lifespan opens and closes it."""
    return OutboundClient(
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        limits=LIMITS,
        follow_redirects=False,
        transport=transport,
    )
