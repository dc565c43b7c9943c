"""Whole answers of the public catalogue, kept encoded: a repeated query costs a dict lookup.

The patients' apps send the same few catalogue queries (departments, a department's experts,
an expert, a department's week of schedules) thousands of times with the same variables. An
answer is kept when it is the same for anyone who asks: a query whose root fields are all
public (`PUBLIC_ROOT_FIELDS`), during which no resolver asked who is calling, with no error,
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
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs

import structlog
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
)
from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.types import ExecutionResult

from hospital_bff.events import catalogue_topic
from hospital_bff.language import caller_language
from hospital_bff.request_id import new_request_id, sane_request_id
from hospital_bff.resolvers.context import Context
from hospital_bff.services.catalogue import CatalogueReads

if TYPE_CHECKING:
    from strawberry.http import GraphQLRequestData

    from hospital_bff.config import Settings
    from hospital_bff.runtime import Runtime

log = structlog.get_logger(__name__)

# Root fields whose answer is the same for anyone; a field that can be personal is not here
# even if it is public without arguments (`schedules` is, `eligibility(patientId)` below it
# asks who is calling, and that alone keeps its answer out).
PUBLIC_ROOT_FIELDS: Final = frozenset({"departments", "department", "expert", "schedules"})
# What the view writes into the ASGI scope for the middleware once an operation ran.
ASKED_KEY: Final = "hospital_bff.response_key"  # the outer middleware's _Asked
SHAREABLE_KEY: Final = "hospital_bff.shareable"  # CatalogueReads of an answer anyone may get
PERSONAL_KEY: Final = "hospital_bff.personal"  # True: this request's answers are never shared
REDIS_PREFIX: Final = "bff:response:v1:"
# How long a CDN may keep a hash-only GET's public answer: a few seconds, and never past the
# answer's own freshness here (schedules' remaining counts are 3 s fresh).
CDN_MAX_AGE_SECONDS: Final = 3
PRIVATE: Final = b"private, no-store"

RESPONSES = Counter(
    "bff_response_cache_total",
    "GraphQL requests by what the response cache did: hit, shared (from another process), "
    "revalidated (lapsed, its sources unchanged), not_modified (304), miss (ran the query), "
    "personal (never kept)",
    ["outcome"],
)
_HIT, _SHARED, _REVALIDATED, _NOT_MODIFIED, _MISS, _PERSONAL = (
    RESPONSES.labels(o)
    for o in ("hit", "shared", "revalidated", "not_modified", "miss", "personal")
)


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

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64


# --- what may be kept ----------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _public_operations(query: str) -> frozenset[str | None]:
    """Names of the document's operations that are queries of public root fields only (None
    stands for the only operation when the request names none)."""
    try:
        document = parse(query)
    except GraphQLError:
        return frozenset()
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    public: set[str | None] = set()
    for op in operations:
        if op.operation == OperationType.QUERY and _public_selection(document, op.selection_set):
            public.add(op.name.value if op.name else None)
            if len(operations) == 1:
                public.add(None)
    return frozenset(public)


def _public_selection(document: DocumentNode, selection: SelectionSetNode, depth: int = 0) -> bool:
    if depth > 8:
        return False
    for node in selection.selections:
        if isinstance(node, FieldNode):
            if node.name.value != "__typename" and node.name.value not in PUBLIC_ROOT_FIELDS:
                return False
        elif isinstance(node, InlineFragmentNode):
            if not _public_selection(document, node.selection_set, depth + 1):
                return False
        elif isinstance(node, FragmentSpreadNode):
            fragment = next(
                (
                    d
                    for d in document.definitions
                    if getattr(d, "name", None) is not None
                    and d.name.value == node.name.value  # type: ignore[attr-defined]
                    and not isinstance(d, OperationDefinitionNode)
                ),
                None,
            )
            if fragment is None or not _public_selection(
                document,
                fragment.selection_set,  # type: ignore[attr-defined]
                depth + 1,
            ):
                return False
        else:
            return False
    return True


def note_answer(
    scope: Scope, context: Context, request_data: GraphQLRequestData, result: object
) -> None:
    """Called by the view after an operation ran: may its answer be given to anyone?"""
    if context.asked_who or not (
        request_data.query and request_data.operation_name in _public_operations(request_data.query)
    ):
        scope[PERSONAL_KEY] = True
        return
    if getattr(request_data, "register_hash", None):
        return  # it registers a persisted query: it must run each time to do so (APQ's TTL)
    if isinstance(result, ExecutionResult) and not result.errors:
        scope[SHAREABLE_KEY] = context.loaders.reads


# --- the store -----------------------------------------------------------------------------------


@dataclass
class ResponseCache:
    """This process's kept answers, their invalidation, and the copy shared through Redis."""

    max_bytes: int = 64 * 1024 * 1024
    max_seconds: float = 300.0
    share: bool = False  # through Redis, for other processes
    now: Callable[[], float] = time.monotonic
    runtime: Runtime | None = None
    # The newest schedule version heard of, per department.
    versions: dict[str, int] = field(default_factory=dict)
    inflight: dict[bytes, asyncio.Future[None]] = field(default_factory=dict)
    _entries: OrderedDict[bytes, Entry] = field(default_factory=OrderedDict)
    _by_department: dict[str, set[bytes]] = field(default_factory=dict)
    _personal: OrderedDict[bytes, None] = field(default_factory=OrderedDict)
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
            namespace=hashlib.blake2b(shape.encode(), digest_size=6).hexdigest(),
        )

    def _shared_key(self, key: bytes) -> str:
        return f"{REDIS_PREFIX}{self.namespace}:{key.hex()}"

    @property
    def ready(self) -> bool:
        return self.runtime is not None

    def fresh(self, key: bytes) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None or entry.expires <= self.now():
            return None  # a lapsed one stays for `revalidate` until evicted or forgotten
        self._entries.move_to_end(key)
        return entry

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
        if self.share:
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
            if fresh_for <= 0:
                return None
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

    def _put(self, key: bytes, entry: Entry) -> None:
        if entry.size > self.max_bytes // 8:
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
            runtime.catalogue.listeners.remove(self.forget)
            self.runtime = None
            self.clear()

    async def _listen(self, runtime: Runtime) -> None:
        while True:
            try:
                async for event in runtime.events.subscribe(catalogue_topic()):
                    self.forget(str(event["departmentId"]), int(event["version"]))
                return  # the hub closed: the process is stopping
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("response_cache_bad_event", error=repr(exc))
            except RuntimeError:
                return  # the hub is closed


# --- over HTTP -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Asked:
    """What the outer middleware learnt of a request it could not answer, for the inner one."""

    key: bytes
    method: str
    if_none_match: bytes
    # A GET naming its document by hash only (APQ): its URL is short and the same for every
    # caller, so a CDN in front may keep the answer for a few seconds.
    hash_only: bool = False
    # With a token: whatever the answer, no cache outside the app keeps it (a shared cache
    # must never hand one caller's answer to another; the app's own cache knows which are).
    signed_in: bool = False


class ResponseCacheMiddleware:
    """Pure ASGI, outermost: answers a kept request before anything else runs (a hit logs
    nothing, so it names its request id itself); hands the rest to `ResponseCacheFill`."""

    def __init__(
        self, app: ASGIApp, *, cache: ResponseCache, max_body_bytes: int, path: str = "/graphql"
    ) -> None:
        self.app = app
        self.cache = cache
        self.max_body_bytes = max_body_bytes
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache = self.cache
        if scope["type"] != "http" or scope["path"] != self.path or not cache.ready:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        language = accept = encoding = origin = content_type = if_none_match = request_id = b""
        signed_in = False
        for name, value in scope["headers"]:
            if name == b"authorization":
                signed_in = True
            elif name == b"x-request-id":
                request_id = value
            elif name == b"origin":
                origin = value
            elif name == b"accept-language":
                language = value
            elif name == b"accept":
                accept = value
            elif name == b"accept-encoding":
                encoding = value
            elif name == b"content-type":
                content_type = value
            elif name == b"if-none-match":
                if_none_match = value
        if method == "GET":
            material: bytes = scope["query_string"]
            if not material:
                await self.app(scope, receive, send)  # GraphiQL's page, not an operation
                return
        elif method == "POST" and content_type.startswith(b"application/json"):
            material, complete = await _read_body(receive, self.max_body_bytes)
            receive = _replaying(material, complete, receive)
            if not complete:
                await self.app(scope, receive, send)  # the view refuses it, with its code
                return
        else:
            await self.app(scope, receive, send)
            return
        key = hashlib.blake2b(
            b"\0".join(
                (
                    method.encode(),
                    caller_language(language.decode("latin-1")).encode() if language else b"",
                    accept,
                    encoding,
                    origin,  # CORS headers name the origin they answer
                    material,
                )
            ),
            digest_size=16,
        ).digest()
        hash_only = method == "GET" and _hash_only(material)
        asked = _Asked(key, method, if_none_match, hash_only, signed_in)
        entry = cache.fresh(key)
        if entry is not None:
            # Answered outside the request-id middleware (a hit logs nothing), so named here.
            rid = sane_request_id(request_id.decode("latin-1")) if request_id else None
            await _answer(entry, send, asked, _HIT, cache.now(), (rid or new_request_id()).encode())
            return
        # What is not answered here goes through the request id, then the fill, then the view.
        scope[ASKED_KEY] = asked
        await self.app(scope, receive, send)


class ResponseCacheFill:
    """Pure ASGI, inside the request id: runs a missed request once however many ask at the
    same time, takes another process's answer if it can, and keeps a shareable one."""

    def __init__(self, app: ASGIApp, *, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = scope.get(ASKED_KEY) if scope["type"] == "http" else None
        if not isinstance(asked, _Asked):
            await self.app(scope, receive, send)
            return
        key = asked.key
        cache = self.cache
        if cache.is_personal(key):
            _PERSONAL.inc()
            await self.app(scope, receive, send)
            return
        pending = cache.inflight.get(key)
        if pending is not None:
            # The same question is being answered: wait for it rather than run it again.
            await asyncio.shield(pending)
            entry = cache.fresh(key)
            if entry is not None:
                await _answer(entry, send, asked, _HIT, cache.now())
                return
            await self.app(scope, receive, send)
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        cache.inflight[key] = done
        try:
            entry = await cache.shared(key)
            if entry is not None:
                await _answer(entry, send, asked, _SHARED, cache.now())
                return
            entry = await cache.revalidate(key)
            if entry is not None:
                await _answer(entry, send, asked, _REVALIDATED, cache.now())
                return
            await self._run(scope, receive, send, asked)
        finally:
            if cache.inflight.get(key) is done:
                del cache.inflight[key]
            done.set_result(None)

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        asked: _Asked,
    ) -> None:
        key = asked.key
        captured = _Captured(send)
        await self.app(scope, receive, captured.send)
        if captured.streaming or captured.start is None:
            return
        reads = scope.get(SHAREABLE_KEY)
        entry = None
        if isinstance(reads, CatalogueReads) and captured.keepable:
            entry = await self.cache.keep(key, captured.headers, captured.body, reads)
        elif scope.get(PERSONAL_KEY):
            self.cache.mark_personal(key)
        if entry is None:
            (_PERSONAL if scope.get(PERSONAL_KEY) else _MISS).inc()
            await captured.flush()
            return
        await _answer(entry, send, asked, _MISS, self.cache.now())


class _Captured:
    """The view's answer, held until it is known whether it is kept; a stream passes through."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.streaming = False

    async def send(self, message: Message) -> None:
        if self.streaming:
            await self._send(message)
        elif message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                # Multipart or a subscription over HTTP: never kept, sent as it comes.
                self.streaming = True
                assert self.start is not None
                await self._send(self.start)
                await self._send({**message, "body": b"".join(self.chunks)})
        else:
            await self._send(message)

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        assert self.start is not None
        return [
            (k, v)
            for k, v in self.start.get("headers", [])
            if k.lower() not in (b"content-length", b"etag", b"cache-control")
        ]

    @property
    def keepable(self) -> bool:
        assert self.start is not None
        return self.start["status"] == 200 and not any(
            k.lower() == b"set-cookie" for k, _ in self.start.get("headers", [])
        )

    async def flush(self) -> None:
        assert self.start is not None
        await self._send(self.start)
        await self._send({"type": "http.response.body", "body": self.body})


async def _answer(
    entry: Entry,
    send: Send,
    asked: _Asked,
    count: Any,
    now: float,
    request_id: bytes | None = None,
) -> None:
    named = [(b"x-request-id", request_id)] if request_id is not None else []
    method, if_none_match = asked.method, asked.if_none_match
    if method == "GET" and if_none_match and _matches(if_none_match, entry.etag):
        _NOT_MODIFIED.inc()
        await send(
            {
                "type": "http.response.start",
                "status": 304,
                "headers": [(b"etag", entry.etag), (b"cache-control", b"no-cache"), *named],
            }
        )
        await send({"type": "http.response.body", "body": b""})
        return
    count.inc()
    # A copy: the middlewares outside add their own headers to the list they are given.
    headers = [*entry.headers, *named]
    public_for = min(CDN_MAX_AGE_SECONDS, int(entry.expires - now))
    if asked.signed_in:
        headers = [(k, PRIVATE if k == b"cache-control" else v) for k, v in headers]
    elif asked.hash_only and public_for > 0:
        # Never longer than this answer is true here; Vary (Accept, Accept-Language, and the
        # Accept-Encoding and Origin the middlewares outside add) keeps the variants apart.
        cache_control = f"public, max-age={public_for}".encode()
        headers = [(k, cache_control if k == b"cache-control" else v) for k, v in headers]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body})


def _hash_only(query_string: bytes) -> bool:
    """A GET with a persisted query's hash and no document (Apollo's APQ)."""
    params = parse_qs(query_string.decode("latin-1"))
    return "query" not in params and "extensions" in params


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    tags = {t.strip().removeprefix(b"W/") for t in if_none_match.split(b",")}
    return b"*" in tags or etag in tags


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body if it is whole and within `limit`, else what was read and False."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        body: bytes = message.get("body", b"")
        chunks.append(body)
        size += len(body)
        if size > limit:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replaying(body: bytes, complete: bool, receive: Receive) -> Receive:
    """`receive` again from the start, for the view: the bytes read, then the rest."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay
