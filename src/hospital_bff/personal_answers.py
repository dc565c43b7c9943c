"""A signed-in patient's own answers (`Me`, `Orders`, `Order`, their schedules' verdicts), kept
whole per account: the same question asked again costs the token's check and one read of a
few counters, not a session, its queries and the GraphQL execution.

Profiled (py-spy, `Me` under wrk): about 9 ms of CPU a request, nearly all of it the SQLite
round trips (aiosqlite hands every statement to its thread and back: the account for the
log context, the account again, the user, the bindings, then the rollback) and strawberry's
execution around them; the JSON itself is small. Keeping the answer skips all of it.

Whose, and which: the key is the response cache's (the request as sent, its language, Accept,
Accept-Encoding and Origin) and the account of the verified token. The token is verified on
every request, before anything is looked up (a forged, expired or staff token never meets a
kept answer: it goes to the view, which refuses or answers it). Only answers of queries whose
root fields are all in `PERSONAL_ROOT_FIELDS`, without errors, 200, to a patient whose account
the view found, are kept; an answer made for a staff member is never kept.

How long it is true: until anything it was read from changes. Every committed write that
touches an account's or a user's rows moves that owner's generation on
(`services.personal_generations`, noticed at one place: `store.touched`), before the writer's
caller is answered; an answer keeps the generations read before its query ran, and is given
again only while they still read the same (one MGET, in Redis when several processes share
it). A deleted or re-bound account moves its own generation, so its next request runs the
query and is refused or answered afresh. Answers with `schedules` also keep the department's
schedule version (a booking, cancellation or suspension by anyone), and live at most
`cache_remaining_ttl` seconds (3): remaining counts and the HIS's registrations are never
older than that. Any answer lives at most `MAX_SECONDS`, should a bump have been lost to a
Redis outage. The kept answers take at most `max_bytes` of memory, as the public cache's.

Over 400 lines: the store, the middleware that serves from it and the view's note of what it
may keep share one key and one lifetime; apart, each would have to know the others' rules.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from asyncio import Event
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs

import structlog
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from prometheus_client import Counter
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.types import ExecutionResult

from hospital_bff.bounded_parse import parse_bounded
from hospital_bff.captured_answer import CapturedAnswer
from hospital_bff.outages import REDIS_DOWN
from hospital_bff.request_body import chosen_operation, request_body
from hospital_bff.response_cache import PRIVATE
from hospital_bff.response_cache_http import ASKED_KEY
from hospital_bff.services import personal_generations
from hospital_bff.services.catalogue import CatalogueService
from hospital_bff.services.personal_generations import account_key, user_key
from hospital_bff.tokens import InvalidToken, bearer_token

if TYPE_CHECKING:
    from strawberry.http import GraphQLRequestData

    from hospital_bff.resolvers.context import Context
    from hospital_bff.runtime import Runtime

log = structlog.get_logger(__name__)

# Root fields whose answers are read only from our rows (and, for schedules, the catalogue).
PERSONAL_ROOT_FIELDS: Final = frozenset({"me", "orders", "order", "schedules", "__typename"})
MAX_SECONDS: Final = 30.0
NOTE_KEY: Final = "hospital_bff.personal_answer"

RESPONSES = Counter(
    "bff_personal_answers_total",
    "Signed-in requests by outcome: hit (a kept answer), stale (kept, a generation moved), "
    "miss (ran the query), not_kept (its answer may not be kept)",
    ["outcome"],
)
_HIT, _STALE, _MISS, _NOT_KEPT = (RESPONSES.labels(o) for o in ("hit", "stale", "miss", "not_kept"))


@dataclass(slots=True)
class PersonalEntry:
    """One account's kept answer, and the generations it was read at."""

    body: bytes
    headers: list[tuple[bytes, bytes]]
    keys: list[str]
    values: list[Any]
    expires: float


def _size(key: bytes, entry: PersonalEntry) -> int:
    return len(key) + len(entry.body) + sum(len(k) + len(v) for k, v in entry.headers)


@dataclass
class Note:
    """What the view learnt while answering: whose answer it is, and whether it may be kept."""

    account_id: str | None = None
    user_id: str | None = None
    keepable: bool = False
    schedules: bool = False


@dataclass
class PersonalAnswers:
    """This process's kept personal answers; their truth is in the shared generations."""

    max_entries: int = 20_000
    # Memory the kept answers may take, as the public cache's (response_cache_max_bytes): a
    # count alone let one account fill the process with distinct multi-megabyte documents.
    # An answer over an eighth of it is sent, not kept.
    max_bytes: int = 64 * 1024 * 1024
    max_seconds: float = MAX_SECONDS
    schedules_seconds: float = 3.0
    now: Callable[[], float] = time.monotonic
    runtime: Runtime | None = None
    _entries: OrderedDict[bytes, PersonalEntry] = field(default_factory=OrderedDict)
    _bytes: int = 0
    # Each account's user, as the view last found it: whose generation to read before a query.
    _user_of: OrderedDict[str, str | None] = field(default_factory=OrderedDict)
    # The questions being answered now, each set when its answer is kept (or is not).
    flights: dict[bytes, Event] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._entries)

    def attach(self, runtime: Runtime) -> None:
        """Serve from `runtime`; on the embedded default, schedule versions are heard of here.

        Worker processes (a broker) without a shared Redis write where this process cannot
        see their generations move: nothing is kept then."""
        settings = runtime.settings
        if settings.redis_url is None and settings.broker_url:
            log.warning("personal_answers_off", reason="a broker's workers but no shared Redis")
            return
        self.runtime = runtime
        if settings.redis_url is None:
            runtime.catalogue.listeners.append(self._schedules_changed)

    def detach(self) -> None:
        if self.runtime is not None and self._schedules_changed in self.runtime.catalogue.listeners:
            self.runtime.catalogue.listeners.remove(self._schedules_changed)
        self.runtime = None
        self.clear()

    def _schedules_changed(self, department_id: str, version: int) -> None:
        personal_generations.mirror_version(CatalogueService.version_key(department_id), version)

    @property
    def size(self) -> int:
        """The bytes the kept answers take (bodies, headers and keys)."""
        return self._bytes

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self._user_of.clear()

    def fresh(self, key: bytes) -> PersonalEntry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= self.now():
            self.drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def drop(self, key: bytes) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= _size(key, entry)

    def put(self, key: bytes, entry: PersonalEntry) -> None:
        size = _size(key, entry)
        self.drop(key)
        if size <= self.max_bytes // 8:
            self._entries[key] = entry
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self.drop(next(iter(self._entries)))
        if key in self.flights:  # its waiters need not wait while this answer is sent
            self.flights[key].set()

    def user_of(self, account_id: str) -> str | None:
        return self._user_of.get(account_id)

    def learn_user(self, account_id: str, user_id: str | None) -> None:
        self._user_of[account_id] = user_id
        self._user_of.move_to_end(account_id)
        while len(self._user_of) > self.max_entries:
            self._user_of.popitem(last=False)

    async def read(self, keys: list[str]) -> list[Any] | None:
        """The generations now, or None when they cannot be read (nothing is given then)."""
        assert self.runtime is not None
        try:
            return await personal_generations.read(self.runtime, keys)
        except REDIS_DOWN as exc:
            log.warning("personal_generations_unreadable", error=repr(exc))
            return None


def note_personal(
    scope: Scope, context: Context, request_data: GraphQLRequestData, result: object
) -> None:
    """Called by the view after an operation ran: whose is its answer, may it be kept?"""
    note = scope.get(NOTE_KEY)
    if not isinstance(note, Note):
        return
    viewer = context.known_viewer
    if viewer is None or viewer.is_staff or viewer.account_id is None:
        return
    note.account_id, note.user_id = viewer.account_id, viewer.user_id
    roots = _query_roots(request_data.query or "", request_data.operation_name)
    note.keepable = (
        roots is not None
        and roots <= PERSONAL_ROOT_FIELDS
        and isinstance(result, ExecutionResult)
        and not result.errors
        and not getattr(request_data, "register_hash", None)
    )
    note.schedules = roots is not None and "schedules" in roots


@lru_cache(maxsize=256)
def _query_roots(query: str, operation_name: str | None) -> frozenset[str] | None:
    """The root fields of the named query (None: not one query, or fragments at the root)."""
    try:
        document = parse_bounded(query)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None and len(operations) == 1:
        chosen = operations[0]
    else:
        named = [op for op in operations if op.name and op.name.value == operation_name]
        if len(named) != 1:
            return None
        chosen = named[0]
    if chosen.operation != OperationType.QUERY:
        return None
    roots: set[str] = set()
    for node in chosen.selection_set.selections:
        name = getattr(node, "name", None)
        if node.kind != "field" or name is None or getattr(node, "directives", None):
            return None
        roots.add(name.value)
    return frozenset(roots)


class PersonalAnswersMiddleware:
    """Pure ASGI, inside the response cache's fill: a signed-in patient's repeated question is
    answered from what was kept for their account while its generations hold."""

    def __init__(self, app: ASGIApp, *, answers: PersonalAnswers) -> None:
        self.app = app
        self.answers = answers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answers = self.answers
        asked = scope.get(ASKED_KEY) if scope["type"] == "http" else None
        runtime = answers.runtime
        if asked is None or not asked.signed_in or runtime is None:
            await self.app(scope, receive, send)
            return
        account_id = _account_of(scope, runtime)
        if account_id is None:
            # No patient token that verifies: the view answers it (refused, or staff's).
            await self.app(scope, receive, send)
            return
        key = hashlib.blake2b(asked.key + b"\0" + account_id.encode(), digest_size=16).digest()
        if await _give_kept(answers, key, send):
            return
        user_id = answers.user_of(account_id)
        keys = [account_key(account_id)]
        if user_id is not None:
            keys.append(user_key(user_id))
        payload = _payload(scope)
        if _never_kept(payload):
            # A mutation, or a query of other fields: nothing to read before, nothing to keep.
            _NOT_KEPT.inc()
            await self.app(scope, receive, send)
            return
        department = _department_of(payload)
        if department is _NOT_AN_ID:
            # Whatever it asks (a hostile variable), it is neither kept nor read from Redis.
            await self.app(scope, receive, send)
            return
        if department is not None:
            keys.append(CatalogueService.version_key(department))
        running = answers.flights.get(key)
        if running is not None:
            # Asked again while being answered: that answer, if kept and still true (a hit).
            await running.wait()
            if await _give_kept(answers, key, send):
                return
        flight = None if key in answers.flights else answers.flights.setdefault(key, Event())
        try:
            await self._answer(scope, receive, send, key, account_id, user_id, keys)
        finally:
            if flight is not None:
                del answers.flights[key]
                flight.set()

    async def _answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: bytes,
        account_id: str,
        user_id: str | None,
        keys: list[str],
    ) -> None:
        answers = self.answers
        # Read before the query reads anything: a write committed meanwhile moves them on.
        before = await answers.read(keys)
        note = scope[NOTE_KEY] = Note()
        captured = CapturedAnswer(send)
        await self.app(scope, receive, captured.send)
        if captured.streaming or captured.start is None:
            return
        if note.account_id is not None and note.account_id == account_id:
            if note.user_id != user_id:
                answers.learn_user(account_id, note.user_id)  # kept from the next one on
            elif before is not None and note.keepable and captured.keepable:
                lifetime = answers.schedules_seconds if note.schedules else answers.max_seconds
                # No cache outside the app keeps a personal answer, kept here or not.
                captured.set_header(b"cache-control", PRIVATE)
                answers.put(
                    key,
                    PersonalEntry(
                        body=captured.body,
                        headers=captured.headers(),
                        keys=keys,
                        values=before,
                        expires=answers.now() + lifetime,
                    ),
                )
                _MISS.inc()
                await captured.flush()
                return
        _NOT_KEPT.inc()
        await captured.flush()


async def _give_kept(answers: PersonalAnswers, key: bytes, send: Send) -> bool:
    """Send the kept answer of `key` if its generations still read as they did before it was
    made; a stale one is forgotten."""
    entry = answers.fresh(key)
    if entry is None:
        return False
    if await answers.read(entry.keys) == entry.values:
        _HIT.inc()
        await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
        await send({"type": "http.response.body", "body": entry.body})
        return True
    _STALE.inc()
    answers.drop(key)
    return False


def _account_of(scope: Scope, runtime: Runtime) -> str | None:
    """The account of a patient token that verifies now (signature, audience, expiry)."""
    token = bearer_token(next((v for k, v in scope["headers"] if k == b"authorization"), b""))
    if token is None:
        return None
    try:
        claims = runtime.tokens.verify(token)
    except InvalidToken:
        return None
    return claims.account_id


# A department ID as the HIS names them; anything else is not made part of a Redis key.
_AN_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,96}")
_NOT_AN_ID: Final = "\0not-an-id"


def _payload(scope: Scope) -> Any:
    """The request's GraphQL parameters (a POST's JSON body, a GET's query string), or None."""
    try:
        if scope["method"] == "GET":
            fields = parse_qs(scope["query_string"].decode("latin-1"))
            return {
                name: fields[name][0] for name in ("query", "operationName") if name in fields
            } | {"variables": json.loads(fields.get("variables", ["{}"])[0])}
        # The response cache read the body whole before this ran (it is what asked it).
        body = request_body(scope)
        return body.json() if body is not None else None
    except (ValueError, RecursionError):
        return None


def _never_kept(payload: Any) -> bool:
    """The request names its document, and no answer of the operation chosen may be kept (a
    mutation, a subscription, or a query of fields not all personal). A request without its
    document (a persisted query's hash) is not judged here: the view finds it."""
    chosen = chosen_operation(payload)
    if chosen is None:
        return False
    roots = _query_roots(*chosen)
    return roots is None or not roots <= PERSONAL_ROOT_FIELDS


def _department_of(payload: Any) -> str | None:
    """The `departmentId` variable, whose schedules' version an answer with them depends on."""
    variables = (payload.get("variables") if isinstance(payload, dict) else None) or {}
    department = variables.get("departmentId") if isinstance(variables, dict) else None
    if not isinstance(department, str):
        return None
    return department if _AN_ID.fullmatch(department) else _NOT_AN_ID
