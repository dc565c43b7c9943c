"""Whole answers of the public catalogue over HTTP: which answers may be kept (the view notes
it in the ASGI scope), and the two middlewares that answer a kept request and fill the cache.

The store itself, its lifetimes and its sharing through Redis are in `response_cache`; the
request's body, read here once for everything inside, in `request_body`.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import TYPE_CHECKING, Any, Final, NamedTuple
from urllib.parse import parse_qs

from prometheus_client import Counter
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.types import ExecutionResult

from hospital_bff.captured_answer import CapturedAnswer
from hospital_bff.language import caller_language
from hospital_bff.public_operations import public_operations
from hospital_bff.request_body import (
    BODY_KEY,
    RequestBody,
    chosen_operation,
    read_body,
    replaying,
    request_body,
)
from hospital_bff.request_id import new_request_id, sane_request_id
from hospital_bff.resolvers.context import Context
from hospital_bff.response_cache import CDN_MAX_AGE_SECONDS, PRIVATE, Entry, ResponseCache
from hospital_bff.services.catalogue import CatalogueReads

if TYPE_CHECKING:
    from strawberry.http import GraphQLRequestData


# What the view writes into the ASGI scope for the middleware once an operation ran.
ASKED_KEY: Final = "hospital_bff.response_key"  # the outer middleware's _Asked
SHAREABLE_KEY: Final = "hospital_bff.shareable"  # CatalogueReads of an answer anyone may get
PERSONAL_KEY: Final = "hospital_bff.personal"  # True: this request's answers are never shared

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


def _never_public(scope: Scope) -> bool:
    """A body whose chosen operation is not of public fields alone (a mutation, a personal
    query): its answer is never kept, so no other process's is asked for (a round trip to
    Redis for every booking, each with its own key). Its JSON is parsed once for the view."""
    body = request_body(scope)
    if body is None:
        return False
    try:
        chosen = chosen_operation(body.json())
    except (ValueError, RecursionError):
        return False
    # As `note_answer` decides after the operation ran.
    return chosen is not None and chosen[1] not in public_operations(chosen[0])


def note_answer(
    scope: Scope, context: Context, request_data: GraphQLRequestData, result: object
) -> None:
    """Called by the view after an operation ran: may its answer be given to anyone?"""
    if context.asked_who or not (
        request_data.query and request_data.operation_name in public_operations(request_data.query)
    ):
        scope[PERSONAL_KEY] = True
        return
    if getattr(request_data, "register_hash", None):
        return  # it registers a persisted query: it must run each time to do so (APQ's TTL)
    if isinstance(result, ExecutionResult) and not result.errors:
        scope[SHAREABLE_KEY] = context.loaders.reads


# --- over HTTP -----------------------------------------------------------------------------------


class _Asked(NamedTuple):
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


# A request's key is a digest of what it asked (below); hashing it took a third of a kept
# answer's time. The digest of each request seen lately is looked up by the request's bytes
# instead (a dict: Python hashes bytes at a tenth of blake2b's cost). Bounded: requests up to
# KEY_MEMO_REQUEST_BYTES, at most KEY_MEMO_ENTRIES of them (then it starts afresh).
KEY_MEMO_ENTRIES: Final = 4096
KEY_MEMO_REQUEST_BYTES: Final = 8192


def request_key(
    method: bytes, language: bytes, accept: bytes, encoding: bytes, origin: bytes, material: bytes
) -> bytes:
    """What identifies an answer: the request as sent and what changes its bytes."""
    return hashlib.blake2b(
        b"\0".join(
            (
                method,
                caller_language(language.decode("latin-1")).encode() if language else b"",
                accept,
                encoding,
                origin,  # CORS headers name the origin they answer
                material,
            )
        ),
        digest_size=16,
    ).digest()


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
        self._keys: dict[bytes, bytes] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache = self.cache
        if scope["type"] != "http" or scope["path"] != self.path or not cache.ready:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        language = accept = encoding = origin = content_type = if_none_match = request_id = b""
        declared = b""
        signed_in = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"authorization":
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
        body: bytes | None = None
        if method == "GET":
            material: bytes = scope["query_string"]
            if not material:
                await self.app(scope, receive, send)  # GraphiQL's page, not an operation
                return
        elif method == "POST" and content_type.startswith(b"application/json"):
            if declared and _declared_over(declared, self.max_body_bytes):
                # Refused unread by the view (413): never read a byte of a body that large.
                await self.app(scope, receive, send)
                return
            material, complete = await read_body(receive, self.max_body_bytes)
            if not complete:
                # The view refuses it, with its code.
                await self.app(scope, replaying(material, False, receive), send)
                return
            body = material
        else:
            await self.app(scope, receive, send)
            return
        asked_for = b"\0".join((method.encode(), language, accept, encoding, origin, material))
        keys = self._keys
        key = keys.get(asked_for)
        if key is None:
            key = request_key(method.encode(), language, accept, encoding, origin, material)
            if len(asked_for) <= KEY_MEMO_REQUEST_BYTES:
                if len(keys) >= KEY_MEMO_ENTRIES:
                    keys.clear()
                keys[asked_for] = key
        asked = _Asked(
            key,
            method,
            if_none_match,
            method == "GET" and _hash_only(material),
            signed_in,
        )
        entry = cache.fresh(key)
        if entry is None and not cache.is_personal(key):
            pending = cache.inflight.get(key)
            if pending is not None:
                # The same public question is being answered: wait for it here, outside the
                # shedding door. Waiting runs nothing, and counted in flight it had the door
                # refuse a crowd that arrived together (each then asking again at once).
                await asyncio.shield(pending)
                entry = cache.fresh(key)
        if entry is not None:
            # Answered outside the request-id middleware (a hit logs nothing), so named here.
            rid = sane_request_id(request_id.decode("latin-1")) if request_id else None
            await _answer(entry, send, asked, _HIT, cache.now(), (rid or new_request_id()).encode())
            return
        # What is not answered here goes through the request id, then the fill, then the view.
        scope[ASKED_KEY] = asked
        if body is not None:
            # Read once: those inside take its bytes (and its JSON, parsed once) from here.
            scope[BODY_KEY] = RequestBody(body)
            receive = replaying(body, True, receive)
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
            # Still one at a time: the same booking sent again while it runs waits for it,
            # and then finds its order by the key instead of racing it for the last place.
            if not _never_public(scope):
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
        captured = CapturedAnswer(send)
        await self.app(scope, receive, captured.send)
        if captured.streaming or captured.start is None:
            return
        reads = scope.get(SHAREABLE_KEY)
        entry = None
        if isinstance(reads, CatalogueReads) and captured.keepable:
            headers = captured.headers(b"content-length", b"etag", b"cache-control")
            entry = await self.cache.keep(key, headers, captured.body, reads)
        elif scope.get(PERSONAL_KEY):
            self.cache.mark_personal(key)
        if entry is None:
            (_PERSONAL if scope.get(PERSONAL_KEY) else _MISS).inc()
            await captured.flush()
            return
        await _answer(entry, send, asked, _MISS, self.cache.now())


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


def _declared_over(content_length: bytes, limit: int) -> bool:
    return content_length.strip().isdigit() and int(content_length) > limit
