"""Whole answers of the public catalogue, kept encoded: a repeated query costs a dict lookup.
This is the store; which answers are kept, and the middlewares that answer and fill it, are in
`response_cache_http`.

The patients' apps send the same few catalogue queries (departments, a department's experts,
an expert, a department's week of schedules) thousands of times with the same variables. An
answer is kept when it is the same for anyone who asks: a query whose root fields are all
public (`public_operations.py`), during which no resolver asked who is calling, with no error,
answered 200 without a cookie. The key is the request as sent (the GET query string or the
POST body, which hold the document or its hash, the operation and the variables) and what
changes the bytes of the answer: the language of its messages, and the `Accept` and
`Accept-Encoding` it was negotiated for. The token is not in the key: an answer that depended
on it was never kept, and a request whose answer was personal once is never waited on again.

How long an answer is true (it is never shown past that):
- no longer than the cache entries it was read from (`CatalogueReads`): schedules live
  `cache_remaining_ttl` seconds (3) from their HIS read, so remaining counts are never older;
- until a booking, cancellation, expiry or suspension changes a department it showed: the
  catalogue service tells this process at once and every other process through the events'
  `catalogue` topic (milliseconds; if the pub/sub connection is down, the lifetime above
  still bounds it), and an answer read before a change it has heard of is not kept.

Refreshed before it lapses, off the request path: the first hit in an answer's last
`refresh_within` seconds (1.5) starts one task that reads its sources again, loading from the HIS
those with no more than that left. The same text: the same answer, kept for the new lifetime,
so the callers of a busy answer never wait for it at its lapse. Another text: the next hit runs
the query itself while the others are still answered the kept, still true, answer.

Several processes share answers through Redis (when `BFF_REDIS_URL` is set): a process that
misses takes another's answer if it is still fresh and every department it showed is at the
version it was read at. GETs carry an ETag and answer 304 to a matching `If-None-Match`.
Concurrent misses of one key run the query once; the others wait for its answer.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, Final

import structlog

from hospital_bff.events import RESYNC, catalogue_topic
from hospital_bff.services.catalogue import CatalogueReads

if TYPE_CHECKING:
    from hospital_bff.config import Settings
    from hospital_bff.runtime import Runtime

log = structlog.get_logger(__name__)

REDIS_PREFIX: Final = "bff:response:v1:"
# How long a CDN may keep a hash-only GET's public answer: a few seconds, and never past the
# answer's own freshness here (schedules' remaining counts are 3 s fresh).
CDN_MAX_AGE_SECONDS: Final = 3
PRIVATE: Final = b"private, no-store"  # any answer to a caller with a token, kept here or not


@dataclass(slots=True)
class Entry:
    """One kept answer, ready to send as it is."""

    body: bytes
    headers: list[tuple[bytes, bytes]]  # with content-length, etag and cache-control
    etag: bytes
    expires: float  # on the cache's monotonic clock
    departments: dict[str, int]  # each department shown, at the schedule version read
    # What it was read from, to tell once it lapses whether it would come out the same.
    reads: CatalogueReads | None = None
    view_headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    rebuild: bool = False  # its sources read differently: the next hit runs the query

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64


# --- what may be kept ----------------------------------------------------------------------------


# --- the store -----------------------------------------------------------------------------------


@dataclass
class ResponseCache:
    """This process's kept answers, their invalidation, and the copy shared through Redis."""

    max_bytes: int = 64 * 1024 * 1024
    max_seconds: float = 300.0
    refresh_within: float = 1.5  # seconds before an answer lapses when a hit refreshes it
    share: bool = False  # through Redis, for other processes
    now: Callable[[], float] = time.monotonic
    runtime: Runtime | None = None
    # The newest schedule version heard of, per department.
    versions: dict[str, int] = field(default_factory=dict)
    inflight: dict[bytes, asyncio.Future[None]] = field(default_factory=dict)
    _entries: OrderedDict[bytes, Entry] = field(default_factory=OrderedDict)
    _by_department: dict[str, set[bytes]] = field(default_factory=dict)
    _personal: OrderedDict[bytes, None] = field(default_factory=OrderedDict)
    refreshing: dict[bytes, asyncio.Task[None]] = field(default_factory=dict)
    _bytes: int = 0

    # Shared copies are of this release and these header settings only: a process of another
    # (a rolling deploy) neither takes nor gives answers of another shape or other headers.
    namespace: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> ResponseCache:
        try:
            release = version("hospital-bff")
        except PackageNotFoundError:
            release = "dev"
        shape = json.dumps([release, settings.cors_origins, settings.gzip_minimum_bytes])
        return cls(
            max_bytes=settings.response_cache_max_bytes,
            max_seconds=float(settings.response_cache_max_seconds),
            share=settings.redis_url is not None,
            # Half the remaining counts' lifetime (1.5 of 3 s) to read them again: on a loaded
            # machine, with the event loop busy with its callers, a refresh took up to 0.8 s.
            refresh_within=settings.cache_remaining_ttl / 2,
            namespace=hashlib.blake2b(shape.encode(), digest_size=6).hexdigest(),
        )

    def _shared_key(self, key: bytes) -> str:
        return f"{REDIS_PREFIX}{self.namespace}:{key.hex()}"

    @property
    def ready(self) -> bool:
        return self.runtime is not None

    def fresh(self, key: bytes) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        left = entry.expires - self.now()
        if left <= 0:
            return None  # a lapsed one stays for `revalidate` until evicted or forgotten
        if left <= self.refresh_within:
            if entry.rebuild and key not in self.inflight:
                entry.rebuild = False
                return None  # this caller runs the query; the others still get this answer
            if key not in self.refreshing and entry.reads is not None and self.ready:
                self.refreshing[key] = asyncio.create_task(self._refresh(key, entry))
        self._entries.move_to_end(key)
        return entry

    async def _refresh(self, key: bytes, entry: Entry) -> None:
        """Read an answer's sources again before it lapses; keep it anew if they read the same."""
        assert self.runtime is not None
        assert entry.reads is not None
        try:
            again = await self.runtime.catalogue.reread(entry.reads, self.refresh_within)
            if self._entries.get(key) is not entry:
                return  # forgotten (a change) or replaced meanwhile
            if again.texts == entry.reads.texts:
                await self.keep(key, entry.view_headers, entry.body, again)
            else:
                entry.rebuild = True
        except Exception as exc:
            # The HIS or Redis away: the answer lapses at its time and is made again then.
            log.warning("response_cache_refresh_failed", error=repr(exc))
        finally:
            if self.refreshing.get(key) is asyncio.current_task():
                del self.refreshing[key]

    async def revalidate(self, key: bytes) -> Entry | None:
        """A lapsed answer whose sources, read again, hold the same text is the same answer:
        kept again without running the query (no per-field work for data that did not change)."""
        stale = self._entries.get(key)
        if stale is None or stale.reads is None or self.runtime is None:
            return None
        try:
            again = await self.runtime.catalogue.reread(stale.reads)
        except Exception:
            return None  # the query runs and answers whatever it answers
        if again.texts != stale.reads.texts:
            return None
        return await self.keep(key, stale.view_headers, stale.body, again)

    def __len__(self) -> int:
        return len(self._entries)

    def lifetimes(self) -> list[float]:
        """Seconds each kept answer has left (operators' and tests' view)."""
        now = self.now()
        return [entry.expires - now for entry in self._entries.values()]

    def is_personal(self, key: bytes) -> bool:
        return key in self._personal

    def mark_personal(self, key: bytes) -> None:
        self._personal[key] = None
        if len(self._personal) > 4096:
            self._personal.popitem(last=False)

    def forget(self, department_id: str, version: int) -> None:
        """The department's schedules changed: what showed them is gone at once."""
        if version > self.versions.get(department_id, -1):
            self.versions[department_id] = version
        for key in list(self._by_department.get(department_id, ())):
            entry = self._entries.get(key)
            if entry is not None and entry.departments.get(department_id, version) < version:
                self._drop(key)

    def clear(self) -> None:
        self._entries.clear()
        self._by_department.clear()
        self._bytes = 0

    async def keep(
        self, key: bytes, headers: list[tuple[bytes, bytes]], body: bytes, reads: CatalogueReads
    ) -> Entry | None:
        """Keep a shareable answer for as long as what it was read from stays true."""
        assert self.runtime is not None
        keys = reads.cache_keys
        try:
            lifetimes = await self.runtime.cache.lifetimes(keys) if keys else []
        except Exception as exc:
            # Redis away: the answer goes out, it is just not kept.
            log.warning("response_cache_keep_failed", error=repr(exc))
            return None
        fresh_for = min([self.max_seconds, *lifetimes])
        if fresh_for <= 0:
            return None  # read from a last-good copy, or an entry that just lapsed
        if any(self.versions.get(d, -1) > v for d, v in reads.department_versions.items()):
            return None  # a change was heard of while this answer was being made
        etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        entry = Entry(
            body=body,
            headers=[
                *headers,
                (b"content-length", str(len(body)).encode()),
                (b"etag", etag),
                (b"cache-control", b"no-cache"),
            ],
            etag=etag,
            expires=self.now() + fresh_for,
            departments=dict(reads.department_versions),
            reads=reads,
            view_headers=headers,
        )
        self._put(key, entry)
        if self.share and self.keeps(entry):
            # What this process would not keep is not written to the shared Redis either: a
            # stream of distinct large documents filled it for every process.
            await self._share(key, entry, fresh_for)
        return entry

    async def shared(self, key: bytes) -> Entry | None:
        """Another process's answer from Redis, if still fresh and not made stale by a change."""
        if not self.share or self.runtime is None:
            return None
        try:
            raw = await self.runtime.redis.get(self._shared_key(key))
            if raw is None:
                return None
            data: dict[str, Any] = json.loads(raw)
            fresh_for = float(data["expiresAt"]) - time.time()
            departments: dict[str, int] = data["departments"]
            mine = self._entries.get(key)
            if fresh_for <= 0 or (mine is not None and self.now() + fresh_for <= mine.expires):
                return None  # lapsed, or no newer than this process's own (being made again)
            if departments:
                current = await self.runtime.catalogue.schedule_versions(list(departments))
                if current != list(departments.values()):
                    return None
        except Exception as exc:
            # Redis away or an unreadable copy: this process runs the query itself.
            log.warning("response_cache_shared_unreadable", error=repr(exc))
            return None
        entry = Entry(
            body=base64.b64decode(data["body"]),
            headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in data["headers"]],
            etag=data["etag"].encode("latin-1"),
            expires=self.now() + fresh_for,
            departments=departments,
        )
        self._put(key, entry)
        return entry

    async def _share(self, key: bytes, entry: Entry, fresh_for: float) -> None:
        assert self.runtime is not None
        data = {
            "body": base64.b64encode(entry.body).decode(),
            "headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, v in entry.headers],
            "etag": entry.etag.decode("latin-1"),
            "expiresAt": time.time() + fresh_for,
            "departments": entry.departments,
        }
        try:
            await self.runtime.redis.set(
                self._shared_key(key), json.dumps(data), px=max(int(fresh_for * 1000), 1)
            )
        except Exception as exc:
            # Another process will run the query itself; this one keeps its copy.
            log.warning("response_cache_share_failed", error=repr(exc))

    def keeps(self, entry: Entry) -> bool:
        """An answer over an eighth of the budget is sent, not kept (nor shared)."""
        return entry.size <= self.max_bytes // 8

    def _put(self, key: bytes, entry: Entry) -> None:
        if not self.keeps(entry):
            return
        self._drop(key)
        self._entries[key] = entry
        self._bytes += entry.size
        for department in entry.departments:
            self._by_department.setdefault(department, set()).add(key)
        while self._bytes > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: bytes) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self._bytes -= entry.size
        for department in entry.departments:
            keys = self._by_department.get(department)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_department[department]

    @asynccontextmanager
    async def attached(self, runtime: Runtime) -> AsyncIterator[None]:
        """Serve from `runtime`, hearing of schedule changes in this process and in others."""
        self.runtime = runtime
        runtime.catalogue.listeners.append(self.forget)
        listener = asyncio.create_task(self._listen(runtime), name="response-cache-events")
        try:
            yield
        finally:
            listener.cancel()
            with suppress(asyncio.CancelledError):
                await listener
            for task in list(self.refreshing.values()):
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
            runtime.catalogue.listeners.remove(self.forget)
            self.runtime = None
            self.clear()

    async def _listen(self, runtime: Runtime) -> None:
        while True:
            try:
                async for event in runtime.events.subscribe(catalogue_topic()):
                    if event.get(RESYNC):
                        # The connection came back: what was published while it was down is
                        # lost, so any answer kept may show a change it never heard of.
                        self.clear()
                        continue
                    self.forget(str(event["departmentId"]), int(event["version"]))
                return  # the hub closed: the process is stopping
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("response_cache_bad_event", error=repr(exc))
            except RuntimeError:
                return  # the hub is closed
