"""Who is calling the staff tools: a staff token of ours, or one from the hospital's OpenID
Connect provider (single sign-on). Either way the member must exist and be active, and the
session must not be revoked; both are looked up on every staff request (staff traffic is small).

The reason a token is refused goes to the log through `StaffAuthError.reason`; the client
only ever learns UNAUTHENTICATED.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.clock import Clock
from hospital_bff.config import Settings
from hospital_bff.datasources.oidc import OidcKeySet, OidcUnavailable
from hospital_bff.services import staff as staff_service
from hospital_bff.services.staff import StaffActor
from hospital_bff.store.models import StaffMember, StaffSession
from hospital_bff.store.upsert import insert_ignore
from hospital_bff.tokens import STAFF_AUDIENCE, TokenService

log = structlog.get_logger(__name__)

# Asymmetric only, each with the key type it needs: "none" and the HMAC family (the
# public-key-as-HMAC-secret confusion) never reach the library.
OIDC_ALGORITHMS: dict[str, str] = {"RS256": "RSA", "PS256": "RSA", "ES256": "EC"}
# The provider's clock and ours differ by a little; RFC 7519 4.1.4 allows for it.
CLOCK_SKEW = timedelta(seconds=30)


class StaffAuthError(Exception):
    """A staff token or session that cannot be trusted; `reason` is for the log only."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class OidcIdentity:
    """What a verified token of the hospital's provider says about its bearer."""

    subject: str
    session_id: str
    issued_at: datetime
    expires_at: datetime
    username: str | None
    display_name: str | None


def _unverified_claims(token: str) -> dict[str, Any] | None:
    try:
        payload = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    return payload if isinstance(payload, dict) else None


class OidcVerifier:
    """Verifies access or ID tokens of one OpenID Connect issuer for one audience."""

    def __init__(self, keys: OidcKeySet, issuer: str, audience: str, clock: Clock) -> None:
        self._keys = keys
        self.issuer = issuer
        self._audience = audience
        self._clock = clock

    async def verify(self, token: str) -> OidcIdentity:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise StaffAuthError("OIDC_MALFORMED") from exc
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in OIDC_ALGORITHMS:
            raise StaffAuthError("OIDC_ALGORITHM")
        if not isinstance(kid, str) or not kid:
            raise StaffAuthError("OIDC_UNKNOWN_KID")
        try:
            key = await self._keys.key(kid)
        except OidcUnavailable as exc:
            log.warning("oidc_keys_unavailable", error=str(exc))
            raise StaffAuthError("OIDC_UNAVAILABLE") from exc
        if key is None:
            raise StaffAuthError("OIDC_UNKNOWN_KID")
        # The key decides which algorithm may use it, not the token's header alone.
        if key.jwk.key_type != OIDC_ALGORITHMS[alg] or key.alg not in (None, alg):
            raise StaffAuthError("OIDC_ALGORITHM")
        try:
            payload = jwt.decode(
                token,
                key.jwk.key,
                algorithms=[alg],
                audience=self._audience,
                issuer=self.issuer,
                options={
                    "require": ["iss", "aud", "sub", "exp"],
                    # Time claims are checked below against the injected clock.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidSignatureError as exc:
            raise StaffAuthError("OIDC_SIGNATURE") from exc
        except jwt.InvalidTokenError as exc:
            raise StaffAuthError("OIDC_CLAIMS") from exc
        return self._identity(token, payload)

    def _identity(self, token: str, payload: dict[str, Any]) -> OidcIdentity:
        now = self._clock.now()
        expires_at = self._instant(payload.get("exp"))
        if expires_at is None or now >= expires_at + CLOCK_SKEW:
            raise StaffAuthError("OIDC_EXPIRED")
        if "nbf" in payload:
            not_before = self._instant(payload["nbf"])
            if not_before is None or now + CLOCK_SKEW < not_before:
                raise StaffAuthError("OIDC_NOT_YET_VALID")
        issued_at = self._instant(payload["iat"]) if "iat" in payload else now
        subject = payload.get("sub")
        if issued_at is None or not isinstance(subject, str) or not subject:
            raise StaffAuthError("OIDC_CLAIMS")
        # The provider's session id, else the token's id, else the token itself: whichever,
        # `hospital-bff staff revoke` can name it.
        sid = payload.get("sid") or payload.get("jti")
        if not isinstance(sid, str) or not sid:
            sid = hashlib.sha256(token.encode()).hexdigest()
        username = payload.get("preferred_username")
        display = payload.get("name")
        return OidcIdentity(
            subject=subject,
            session_id="oidc:" + sid[:120],
            issued_at=min(issued_at, now),
            expires_at=expires_at,
            username=username if isinstance(username, str) else None,
            display_name=display if isinstance(display, str) else None,
        )

    def _instant(self, value: Any) -> datetime | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        try:
            return datetime.fromtimestamp(value, tz=self._clock.tz)
        except (OverflowError, OSError, ValueError):
            return None


class StaffAuthenticator:
    """Turns a staff token into the acting member and session, or refuses it."""

    def __init__(
        self,
        tokens: TokenService,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        oidc: OidcVerifier | None = None,
        auto_provision: bool = False,
    ) -> None:
        self.tokens = tokens
        self._sessions = sessions
        self._clock = clock
        self._oidc = oidc
        self._auto_provision = auto_provision

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        clock: Clock,
        http: httpx.AsyncClient,
        sessions: async_sessionmaker[AsyncSession],
    ) -> StaffAuthenticator:
        oidc: OidcVerifier | None = None
        if settings.staff_oidc_issuer:
            if not settings.staff_oidc_audience:
                raise ValueError("BFF_STAFF_OIDC_AUDIENCE is required with BFF_STAFF_OIDC_ISSUER")
            keys = OidcKeySet(
                http,
                settings.staff_oidc_issuer,
                jwks_url=settings.staff_oidc_jwks_url,
                clock=clock,
                refetch_seconds=settings.staff_oidc_jwks_refetch_seconds,
                timeout=settings.http_timeout_seconds,
            )
            oidc = OidcVerifier(
                keys, settings.staff_oidc_issuer, settings.staff_oidc_audience, clock
            )
        return cls(
            TokenService.staff_from_settings(settings, clock),
            sessions,
            clock,
            oidc=oidc,
            auto_provision=settings.staff_oidc_auto_provision,
        )

    def recognises(self, token: str) -> bool:
        """Whether the token claims to be a staff token (it is verified as one, fully, then).

        Only routing: a patient token sent here fails the staff audience and keys, and a staff
        token sent the patients' way fails theirs.
        """
        claims = _unverified_claims(token)
        if claims is None:
            return False
        if self._oidc is not None and claims.get("iss") == self._oidc.issuer:
            return True
        aud = claims.get("aud")
        return aud == STAFF_AUDIENCE or (isinstance(aud, list) and STAFF_AUDIENCE in aud)

    async def authenticate(self, token: str) -> StaffActor:
        claims = _unverified_claims(token)
        if self._oidc is not None and claims is not None and claims.get("iss") == self._oidc.issuer:
            return await self._authenticate_oidc(await self._oidc.verify(token))
        verified = self.tokens.verify(token)  # InvalidToken
        async with self._sessions() as session:
            found = (
                await session.exec(
                    select(StaffSession, StaffMember)
                    .join(StaffMember, StaffSession.staff_id == StaffMember.id)  # type: ignore[arg-type]
                    .where(StaffSession.id == verified.jti)
                )
            ).first()
        if found is None:
            raise StaffAuthError("NO_SESSION")
        record, member = found
        if member.id != verified.subject:
            raise StaffAuthError("NO_SESSION")
        return self._actor(record, member)

    async def _authenticate_oidc(self, identity: OidcIdentity) -> StaffActor:
        async with self._sessions() as session, session.begin():
            member = (
                await session.exec(
                    select(StaffMember).where(StaffMember.oidc_subject == identity.subject)
                )
            ).first()
            if member is None:
                member = await self._provision(session, identity)
            record = await session.get(StaffSession, identity.session_id)
            if record is None:
                await insert_ignore(
                    session,
                    StaffSession,
                    {
                        "id": identity.session_id,
                        "staff_id": member.id,
                        "issued_at": identity.issued_at,
                        "expires_at": identity.expires_at,
                    },
                )
                record = await session.get(StaffSession, identity.session_id)
            if record is None or record.staff_id != member.id:
                raise StaffAuthError("NO_SESSION")
            if record.revoked_at is None and identity.expires_at > record.expires_at:
                # The provider refreshes a session's tokens under the same `sid`: the session
                # lives as long as its newest valid token (a revoked one stays revoked).
                record.expires_at = identity.expires_at
                session.add(record)
            return self._actor(record, member)

    async def _provision(self, session: AsyncSession, identity: OidcIdentity) -> StaffMember:
        if not self._auto_provision:
            raise StaffAuthError("UNKNOWN_MEMBER")
        name = identity.username or ""
        try:
            if not name or await staff_service.find_member(session, name) is not None:
                name = "oidc-" + hashlib.sha256(identity.subject.encode()).hexdigest()[:16]
            member = await staff_service.add_member(
                session,
                self._clock.now(),
                name,
                (identity.display_name or name)[: staff_service.MAX_DISPLAY_NAME],
                oidc_subject=identity.subject,
            )
        except staff_service.StaffAdminError as exc:
            raise StaffAuthError("UNKNOWN_MEMBER") from exc
        log.info("staff_provisioned", staff_id=member.id, name=member.name)
        return member

    def _actor(self, record: StaffSession, member: StaffMember) -> StaffActor:
        if not member.active:
            raise StaffAuthError("DISABLED")
        if record.revoked_at is not None:
            raise StaffAuthError("REVOKED")
        if self._clock.now() >= record.expires_at:
            raise StaffAuthError("EXPIRED")
        return StaffActor(staff_id=member.id, name=member.name, session_id=record.id)
