"""Session tokens: HS256 JWTs with a `kid`, so signing keys can rotate without signing anyone out.

Patients' and staff's tokens are two instances of the same service with their own keys, audience
and role: a token made for one never verifies as the other, whoever holds which key.

Time comes from the injected clock, never from PyJWT's own `time.time()`, so expiry follows the
same clock as the rest of the business (and tests can move it).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import jwt

from hospital_bff.clock import Clock

if TYPE_CHECKING:
    from hospital_bff.config import Settings

Role = Literal["PATIENT", "STAFF"]
InvalidTokenReason = Literal[
    "MALFORMED", "ALGORITHM", "UNKNOWN_KID", "SIGNATURE", "EXPIRED", "CLAIMS"
]

ISSUER = "hospital-bff"
AUDIENCE = "hospital-bff"
STAFF_AUDIENCE = "hospital-bff-staff"
ALGORITHM = "HS256"
# RFC 7518 3.2: an HS256 key must be at least as long as the hash output.
_MIN_KEY_BYTES = 32
# Signatures remembered (a token is ~300 bytes: about 3 MB at most).
_VERIFIED_TOKENS = 10_000


def bearer_token(authorization: str | bytes) -> str | None:
    """The token of an `Authorization: Bearer <token>` header's value; None for any other."""
    raw = authorization.decode("latin-1") if isinstance(authorization, bytes) else authorization
    scheme, _, token = raw.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class InvalidToken(Exception):
    """The token cannot be trusted; `reason` is for logs, clients only see UNAUTHENTICATED."""

    def __init__(self, reason: InvalidTokenReason) -> None:
        super().__init__(reason)
        self.reason: InvalidTokenReason = reason


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A freshly signed token and the moment it stops working."""

    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Claims:
    """What a verified token says about its bearer."""

    subject: str
    role: Role
    account_id: str | None
    expires_at: datetime
    jti: str


class TokenService:
    """Issues and verifies session tokens of one audience and one role; every key in `keys`
    verifies, `active_kid` signs."""

    def __init__(
        self,
        keys: dict[str, str],
        active_kid: str,
        ttl_seconds: int,
        clock: Clock,
        *,
        audience: str = AUDIENCE,
        role: Role = "PATIENT",
    ) -> None:
        if active_kid not in keys:
            raise ValueError(f"active_kid {active_kid!r} is not among the keys")
        for kid, key in keys.items():
            if len(key.encode()) < _MIN_KEY_BYTES:
                raise ValueError(f"JWT key {kid!r} is shorter than {_MIN_KEY_BYTES} bytes")
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._keys = dict(keys)
        self._active_kid = active_kid
        self._ttl = timedelta(seconds=ttl_seconds)
        self._clock = clock
        self._audience = audience
        self._role: Role = role
        # Tokens whose signature verified (with their payload), most recently used last.
        self._verified: OrderedDict[str, dict[str, Any]] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> TokenService:
        keys = {kid: secret.get_secret_value() for kid, secret in settings.jwt_keys.items()}
        return cls(keys, settings.jwt_active_kid, settings.jwt_ttl_seconds, clock)

    @classmethod
    def staff_from_settings(cls, settings: Settings, clock: Clock) -> TokenService:
        """The staff tools' tokens: their own keys (BFF_STAFF_JWT_KEYS), audience and lifetime."""
        keys = {kid: secret.get_secret_value() for kid, secret in settings.staff_jwt_keys.items()}
        return cls(
            keys,
            settings.staff_jwt_active_kid,
            settings.staff_token_ttl_seconds,
            clock,
            audience=STAFF_AUDIENCE,
            role="STAFF",
        )

    @property
    def audience(self) -> str:
        return self._audience

    def issue(
        self,
        subject: str,
        role: Role,
        account_id: str | None,
        *,
        jti: str | None = None,
        ttl_seconds: int | None = None,
    ) -> IssuedToken:
        """Sign a token; `jti` names a session recorded elsewhere, `ttl_seconds` shortens it."""
        if role != self._role:
            raise ValueError(f"this service issues {self._role} tokens, not {role}")
        if ttl_seconds is not None and ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        now = self._clock.now()
        iat = int(now.timestamp())
        ttl = self._ttl if ttl_seconds is None else timedelta(seconds=ttl_seconds)
        exp = int((now + ttl).timestamp())
        payload: dict[str, Any] = {
            "iss": ISSUER,
            "aud": self._audience,
            "sub": subject,
            "role": role,
            "acc": account_id,
            "iat": iat,
            "exp": exp,
            "jti": jti or uuid.uuid4().hex,
        }
        token = jwt.encode(
            payload,
            self._keys[self._active_kid],
            algorithm=ALGORITHM,
            headers={"kid": self._active_kid},
        )
        # Whole seconds, as in the token, so the caller's expires_at equals the verified one.
        return IssuedToken(token=token, expires_at=datetime.fromtimestamp(exp, tz=self._clock.tz))

    def verify(self, token: str) -> Claims:
        """The token's claims, if its signature verifies and it has not expired by our clock.

        A signature is checked once per token string: the same bytes under the same keys verify
        the same way, and a phone sends its token with every request (about a third of a kept
        answer's cost, profiled). Expiry and the claims are checked every time."""
        payload = self._verified.get(token)
        if payload is not None:
            self._verified.move_to_end(token)
            return self._claims(payload)
        payload = self._decode(token)
        claims = self._claims(payload)
        self._verified[token] = payload
        if len(self._verified) > _VERIFIED_TOKENS:
            self._verified.popitem(last=False)
        return claims

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise InvalidToken("MALFORMED") from exc
        # Checked before decoding as well as pinned in decode(): a header naming another
        # algorithm is refused outright, whatever the library would make of it.
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("ALGORITHM")
        kid = header.get("kid")
        if not isinstance(kid, str) or kid not in self._keys:
            raise InvalidToken("UNKNOWN_KID")
        try:
            payload = jwt.decode(
                token,
                self._keys[kid],
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=ISSUER,
                options={
                    "require": ["iss", "aud", "sub", "iat", "exp", "jti"],
                    # Time claims are checked below against our clock, not the wall clock.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidSignatureError as exc:
            raise InvalidToken("SIGNATURE") from exc
        except jwt.DecodeError as exc:
            raise InvalidToken("MALFORMED") from exc
        except jwt.InvalidTokenError as exc:
            raise InvalidToken("CLAIMS") from exc
        return payload

    def _claims(self, payload: dict[str, Any]) -> Claims:
        exp, role, account_id = payload["exp"], payload.get("role"), payload.get("acc")
        if isinstance(exp, bool) or not isinstance(exp, int):
            raise InvalidToken("CLAIMS")
        try:
            expires_at = datetime.fromtimestamp(exp, tz=self._clock.tz)
        except (OverflowError, OSError, ValueError) as exc:
            raise InvalidToken("CLAIMS") from exc
        if self._clock.now() >= expires_at:
            raise InvalidToken("EXPIRED")
        if role != self._role or not (account_id is None or isinstance(account_id, str)):
            raise InvalidToken("CLAIMS")
        subject, jti = payload["sub"], payload["jti"]
        if not isinstance(subject, str) or not isinstance(jti, str):
            raise InvalidToken("CLAIMS")
        return Claims(
            subject=subject, role=role, account_id=account_id, expires_at=expires_at, jti=jti
        )
