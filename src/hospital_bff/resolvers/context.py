"""The typed context of every GraphQL operation, and who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import structlog
from graphql import GraphQLError
from sqlalchemy import bindparam
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from hospital_bff.client_address import client_address
from hospital_bff.language import LocalisedError, Message, caller_language
from hospital_bff.resolvers.loaders import DataLoaders
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.errors import DomainError, NotVerified
from hospital_bff.services.staff import StaffActor
from hospital_bff.services.staff_auth import StaffAuthError
from hospital_bff.store.models import Account
from hospital_bff.tokens import InvalidToken

log = structlog.get_logger(__name__)

# Built once, and only the two columns read: every authenticated request asks it, and building
# the statement and an ORM Account (its identity map entry, its instance state) cost more CPU
# than running it (profiled under bench/booking_burst.py).
_ACCOUNT_USER = select(Account.id, Account.user_id).where(Account.id == bindparam("account_id"))


class _AccountRefused(Exception):
    """A valid patient token whose account is missing; the reason is for the log."""


@dataclass(frozen=True)
class Viewer:
    """The caller: an account (and its hospital user once verified), or staff."""

    role: str
    subject: str
    account_id: str | None
    user_id: str | None
    staff: StaffActor | None = None

    @property
    def is_staff(self) -> bool:
        return self.role == "STAFF"

    def verified_user_id(self) -> str:
        """The hospital user behind the account; NotVerified (NOT_VERIFIED, as data in a
        mutation's union) before the caller has verified their identity."""
        if self.user_id is None:
            raise NotVerified()
        return self.user_id


SIGN_IN_REQUIRED = Message("需要登录", "Sign-in required")
BAD_AUTHORIZATION = Message(
    "Authorization 应为 'Bearer <token>'", "Authorization must be 'Bearer <token>'"
)


def unauthenticated(message: Message = SIGN_IN_REQUIRED) -> GraphQLError:
    return LocalisedError(message, "UNAUTHENTICATED")


def forbidden(message: Message = Message("仅限医院工作人员", "Staff only")) -> GraphQLError:
    return LocalisedError(message, "FORBIDDEN")


class StaffOnly(DomainError):
    """A staff mutation asked by someone else: FORBIDDEN, as data in the mutation's union."""

    code = "FORBIDDEN"

    def __init__(self) -> None:
        super().__init__("仅限医院工作人员", message_en="Staff only")


def staff_actor(viewer: Viewer) -> StaffActor:
    """In a staff mutation, the staff member the audit names, or StaffOnly (FORBIDDEN as data).
    A query asks `Context.require_staff()`, whose refusal is a top-level GraphQL error."""
    if not viewer.is_staff or viewer.staff is None:
        raise StaffOnly()
    return viewer.staff


@dataclass
class Context:
    """What every resolver gets: the runtime, the loaders, the language, the caller."""

    request: Request | WebSocket
    response: Response | None
    runtime: Runtime
    loaders: DataLoaders
    connection_params: dict[str, Any] | None = None
    _viewer: Viewer | None = field(default=None, init=False)
    _viewer_resolved: bool = field(default=False, init=False)
    # Some resolver asked who is calling: the answer may be personal and is never shared.
    asked_who: bool = field(default=False, init=False)
    # What bookAppointment answered (its code, or OK): the booking door learns SLOT_FULL's bytes.
    booking_outcome: str | None = field(default=None, init=False)

    @property
    def client_address(self) -> str:
        """Who is at the other end, for per-address limits (see `client_address`)."""
        return client_address(self.request, self.runtime.settings.trusted_proxy_networks)

    @property
    def lang(self) -> str:
        return caller_language(self.request.headers.get("accept-language"))

    def bearer_token(self) -> str | None:
        """The token sent (connection_init's payload on a socket, else the header), or None;
        an Authorization that is not a bearer token is UNAUTHENTICATED."""
        raw: Any = None
        if self.connection_params:
            raw = self.connection_params.get("authorization") or self.connection_params.get(
                "Authorization"
            )
        if raw is None:
            raw = self.request.headers.get("authorization")
        if not raw:
            return None
        scheme, _, token = str(raw).partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise unauthenticated(BAD_AUTHORIZATION)
        return token.strip()

    @property
    def known_viewer(self) -> Viewer | None:
        """The caller if this operation already found out (never asks): whose answer it was."""
        return self._viewer if self._viewer_resolved else None

    async def viewer(self) -> Viewer | None:
        """The caller, or None when no token was sent; a bad token is UNAUTHENTICATED."""
        self.asked_who = True
        return await self.caller_for_log()

    async def caller_for_log(self) -> Viewer | None:
        """The same, for the log lines only: asking does not make the answer personal."""
        if self._viewer_resolved:
            return self._viewer
        token = self.bearer_token()
        viewer: Viewer | None = None
        if token is not None:
            try:
                viewer = await self._authenticate(token)
            except (InvalidToken, StaffAuthError, _AccountRefused) as exc:
                # Why goes to the log; the caller learns only that the token is not good.
                log.info("token_refused", reason=str(exc))
                raise unauthenticated() from exc
        self._viewer, self._viewer_resolved = viewer, True
        return viewer

    async def _authenticate(self, token: str) -> Viewer:
        staff_auth = self.runtime.staff_auth
        if staff_auth.recognises(token):
            actor = await staff_auth.authenticate(token)
            return Viewer("STAFF", actor.name, None, None, staff=actor)
        claims = self.runtime.tokens.verify(token)
        if claims.account_id is None:
            raise _AccountRefused("NO_ACCOUNT")
        # A read alone: on PostgreSQL one round trip, not BEGIN, the read and ROLLBACK.
        async with uow.reads(self.runtime) as session:
            account = (
                await session.exec(_ACCOUNT_USER, params={"account_id": claims.account_id})
            ).first()
        if account is None:
            raise _AccountRefused("ACCOUNT_GONE")
        _, user_id = account
        return Viewer(claims.role, claims.subject, claims.account_id, user_id)

    async def require_viewer(self) -> Viewer:
        viewer = await self.viewer()
        if viewer is None:
            raise unauthenticated()
        return viewer

    async def require_staff(self) -> Viewer:
        """In a query: a non-staff caller gets a FORBIDDEN GraphQL error (a mutation uses
        `staff_actor`, whose refusal is data)."""
        viewer = await self.require_viewer()
        if not viewer.is_staff:
            raise forbidden()
        return viewer


Info = StrawberryInfo[Context, None]
