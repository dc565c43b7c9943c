"""SLOT_FULL for a sold-out slot, answered at the front door before GraphQL runs.

In a slot release most attempts end SLOT_FULL once the places are gone, each paying the whole
path (middleware, strawberry, the log context's account lookup, a session for the key: 13-17
ms of CPU an attempt with the refusals, profiled). The slow path's answer is decided by a few
facts (services/booking.py, `book`): the token verifies to an account that exists, its user
is verified, the key is 1-128 characters, the gate counts the slot full, and the caller has
no order under the key. The door checks the same facts, with the gate's count read without
taking a ticket and one read of the database; only when all hold is SLOT_FULL sent.
Anything else, or any doubt, goes the slow way, unchanged:

- only `POST` JSON whose chosen operation (the only one, or the one `operationName` names) is a
  mutation with the single root field `bookAppointment(input: $v)`,
  `$v: BookAppointmentInput!` without a default, no directives, and variables that are
  exactly `{v: {patientId, slotId, idempotencyKey}}` of strings (what strawberry would coerce
  the same way); no extensions (persisted queries), no cookie;
- the answer's bytes are never written here: they are the slow path's own SLOT_FULL answer to
  the same document under the same request headers that shape an answer (Accept,
  Accept-Language, Accept-Encoding, Origin, Content-Type), kept the first time the slow path
  gave it (its request id left out, a fresh one sent, as the response cache's hits do). A
  SLOT_FULL answer holds nothing of the request (its code and its message in the caller's
  language), so it is the same for every caller with those headers;
- a token that does not verify, a staff token, an account gone, a user not verified, a key the
  caller already used (the slow path answers its order), a slot with free places or without a
  count yet: the slow path.

The slot's count is asked first, and a slot counted with places is not asked about again for
NOT_FULL_SECONDS: while a release sells, nearly every attempt passes (most to be refused at the
shedding door, and sent again), and each had paid a Redis read and its token's checks here for
nothing. The token is checked only for a slot counted full. A slot counted full is asked
about every time: the gate's count includes the places of bookings still under way, and those
that fail give theirs back, so near a release's end "full" comes and goes within
milliseconds, and a SLOT_FULL kept for a moment would turn away a caller the slow path would
have given the freed place (a 50 ms memo was tried: about 3% of the servers' CPU in a burst).

The reads of all requests at the door at one moment go in one statement (`Lookups`), each
after its request asked the gate. A slot's count lapses every `slot_gate_ttl_seconds`; for a
slot answered SLOT_FULL here lately the door seeds it again as the slow path's first booking
would (the HIS's capacity, the database's holds), once for all the requests waiting on it.

Outside the shedding door (so cheap an answer is never refused as overload), inside the
response cache; `BOOKING_OUTCOMES{code="SLOT_FULL"}` counts its answers too.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import structlog
from prometheus_client import Counter
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.types import ExecutionResult

from hospital_bff.booking_request import booking_request
from hospital_bff.captured_answer import CapturedAnswer
from hospital_bff.metrics import BOOKING_OUTCOMES
from hospital_bff.request_body import request_body
from hospital_bff.request_id import HEADER as REQUEST_ID_HEADER
from hospital_bff.request_id import new_request_id, sane_request_id
from hospital_bff.services.booking import BookingService
from hospital_bff.services.door_reads import Lookups
from hospital_bff.services.money.orders import MAX_IDEMPOTENCY_KEY
from hospital_bff.tokens import InvalidToken, bearer_token

if TYPE_CHECKING:
    from hospital_bff.resolvers.context import Context
    from hospital_bff.runtime import Runtime

log = structlog.get_logger(__name__)

NOTE_KEY: Final = "hospital_bff.booking_door"
# The request headers an answer's bytes depend on (its language, media type, compression,
# CORS); the template is kept per document and these.
SHAPING_HEADERS: Final = (
    b"accept",
    b"accept-language",
    b"accept-encoding",
    b"origin",
    b"content-type",
)
MAX_TEMPLATES: Final = 256
# A slot answered SLOT_FULL here within this long has its lapsed count seeded by the door.
FULL_LATELY_SECONDS: Final = 60.0
MAX_FULL_LATELY: Final = 10_000
# A slot the gate counted with places is taken to have them for this long: the requests at it
# meanwhile go the slow way without a read of the gate each (the slow path's own gate answers
# them SLOT_FULL if the places went in between). A release's crowd asks thousands of times a
# second while it sells; this is the staleness the catalogue's counts are allowed many times.
NOT_FULL_SECONDS: Final = 0.05
_REQUEST_ID: Final = REQUEST_ID_HEADER.lower().encode()

DOOR = Counter(
    "bff_booking_door_total",
    "bookAppointment requests at the front door: answered (SLOT_FULL, nothing ran), "
    "passed (the slow path answered)",
    ["outcome"],
)
_ANSWERED, _PASSED = DOOR.labels("answered"), DOOR.labels("passed")
_SLOT_FULL = BOOKING_OUTCOMES.labels("SLOT_FULL")


@dataclass
class Note:
    """What the view learnt: the booking ran (its resolver answered), and whether it answered
    SLOT_FULL as data, nothing else."""

    ran: bool = False
    slot_full: bool = False


@dataclass(frozen=True)
class Template:
    """The slow path's SLOT_FULL answer for one document under one set of shaping headers."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class BookingDoor:
    """This process's kept SLOT_FULL answers; the facts are read afresh for every request."""

    runtime: Runtime | None = None
    lookups: Lookups | None = None
    now: Callable[[], float] = time.monotonic
    _templates: OrderedDict[bytes, Template] = field(default_factory=OrderedDict)
    # Slots answered SLOT_FULL here lately, and the seeds of their lapsed counts under way.
    _full_lately: dict[str, float] = field(default_factory=dict)
    _seeding: dict[str, asyncio.Future[bool]] = field(default_factory=dict)
    # Slots the gate counted with places lately: not asked again until then (NOT_FULL_SECONDS).
    _not_full_until: dict[str, float] = field(default_factory=dict)
    _forgotten: int = 0  # how many times `forget_places` was called

    def attach(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.lookups = Lookups(runtime.engine)

    def detach(self) -> None:
        self.runtime = None
        self._templates.clear()

    def forget_places(self, slot_id: str) -> None:
        """A booking at the slot ran here (it may have taken the last place): the next request
        asks the gate again."""
        self._not_full_until.pop(slot_id, None)
        self._forgotten += 1

    def template(self, key: bytes) -> Template | None:
        return self._templates.get(key)

    def keep(self, key: bytes, template: Template) -> None:
        self._templates[key] = template
        while len(self._templates) > MAX_TEMPLATES:
            self._templates.popitem(last=False)

    async def slot_full_for(self, token: str, slot_id: str, key: str) -> bool:
        """Whether the slow path would answer this booking SLOT_FULL, checked in its order."""
        runtime = self.runtime
        assert runtime is not None
        if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
            return False
        # The slot first: while a release sells, nearly every attempt is at a slot with places,
        # and goes the slow way (or is refused at the shedding door) whatever its token says.
        now = self.now()
        if now < self._not_full_until.get(slot_id, 0.0):
            return False
        forgotten = self._forgotten
        full = await runtime.slot_gate.full(slot_id)
        if full is False:
            # Unless a booking here ran meanwhile (it may have taken the last place).
            if forgotten == self._forgotten:
                if len(self._not_full_until) >= MAX_FULL_LATELY:
                    self._not_full_until.clear()
                self._not_full_until[slot_id] = now + NOT_FULL_SECONDS
            return False
        lately = now - self._full_lately.get(slot_id, -FULL_LATELY_SECONDS) < FULL_LATELY_SECONDS
        if full is None and not lately:
            return False
        # A staff token never verifies as a patient's (another audience, other keys): it is
        # refused here and goes the slow way, which routes it.
        try:
            claims = runtime.tokens.verify(token)
        except InvalidToken:
            return False
        if claims.account_id is None:
            return False
        # A lapsed count is seeded again for a caller whose token holds, not for anyone.
        if full is None and not await self._seeded(slot_id):
            return False
        if len(self._full_lately) >= MAX_FULL_LATELY:
            self._full_lately.clear()
        self._full_lately[slot_id] = self.now()
        assert self.lookups is not None
        try:
            verified, used = await self.lookups.ask(claims.account_id, key)
        except Exception:
            log.warning("booking_door_lookup_failed", exc_info=True)
            return False
        # No account (refused), not verified (NOT_VERIFIED), or the key's order (answered).
        return verified and not used

    async def _seeded(self, slot_id: str) -> bool | None:
        """The gate's answer once its lapsed count is seeded again, as the slow path's first
        booking would seed it (services/booking.py, `seed_gate`): once for every request
        waiting on the slot, instead of each going the slow way to the HIS meanwhile."""
        runtime = self.runtime
        assert runtime is not None
        seeding = self._seeding.get(slot_id)
        if seeding is None:
            seeding = asyncio.ensure_future(BookingService(runtime).seed_gate(slot_id))
            self._seeding[slot_id] = seeding
            seeding.add_done_callback(lambda _: self._seeding.pop(slot_id, None))
        try:
            await asyncio.shield(seeding)
        except Exception:
            return None  # the HIS away or slow: the slow path answers, as it would
        return await runtime.slot_gate.full(slot_id)


def note_booking(scope: Scope, context: Context, result: object) -> None:
    """Called by the view after an operation ran: did it answer SLOT_FULL, cleanly?"""
    note = scope.get(NOTE_KEY)
    if isinstance(note, Note):
        note.ran = context.booking_outcome is not None
        note.slot_full = (
            context.booking_outcome == "SLOT_FULL"
            and isinstance(result, ExecutionResult)
            and not result.errors
        )


class BookingDoorMiddleware:
    """Pure ASGI, inside the response cache and outside the shedding door (module docstring)."""

    def __init__(self, app: ASGIApp, *, door: BookingDoor, path: str = "/graphql") -> None:
        self.app = app
        self.door = door
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        door = self.door
        if (
            door.runtime is None
            or scope["type"] != "http"
            or scope["path"] != self.path
            or scope["method"] != "POST"
        ):
            await self.app(scope, receive, send)
            return
        authorization = request_id = b""
        shaping: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name == b"authorization":
                # Two of them: whatever the view makes of it.
                authorization = b"\0" if authorization else value
            elif name == b"x-request-id":
                request_id = value
            elif name == b"cookie":
                authorization = b"\0"
            elif name in SHAPING_HEADERS:
                shaping[name] = shaping[name] + b"," + value if name in shaping else value
        token = bearer_token(authorization) if authorization else None
        if token is None or not shaping.get(b"content-type", b"").startswith(b"application/json"):
            await self.app(scope, receive, send)
            return
        # The response cache, outside, read the body whole (one read, one parse: request_body).
        body = request_body(scope)
        booking = booking_request(body) if body is not None else None
        if booking is None:
            await self.app(scope, receive, send)
            return
        query, operation_name, slot_id, key = booking
        template_key = hashlib.blake2b(
            b"\0".join(
                [query.encode(), (operation_name or "").encode()]
                + [shaping.get(name, b"\1") for name in SHAPING_HEADERS]
            ),
            digest_size=16,
        ).digest()
        template = door.template(template_key)
        if template is not None and await door.slot_full_for(token, slot_id, key):
            _ANSWERED.inc()
            _SLOT_FULL.inc()
            rid = sane_request_id(request_id.decode("latin-1")) if request_id else None
            headers = [*template.headers, (_REQUEST_ID, (rid or new_request_id()).encode())]
            await send(
                {"type": "http.response.start", "status": template.status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": template.body})
            return
        _PASSED.inc()
        note = scope[NOTE_KEY] = Note()
        if template is not None:
            await self.app(scope, receive, send)
            if note.ran:
                door.forget_places(slot_id)
            return
        # Not learnt yet for these headers: the slow path answers, and its SLOT_FULL is kept.
        captured = CapturedAnswer(send)
        await self.app(scope, receive, captured.send)
        if note.ran:
            door.forget_places(slot_id)
        if captured.streaming or captured.start is None:
            return
        if note.slot_full and captured.keepable:
            door.keep(
                template_key,
                Template(captured.start["status"], captured.headers(_REQUEST_ID), captured.body),
            )
        await captured.flush()
