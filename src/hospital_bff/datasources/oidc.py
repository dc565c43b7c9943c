"""The hospital's OpenID Connect provider: its published signing keys (JWKS), fetched and cached.

Only what OpenID Connect Discovery 1.0 publishes is used: the `jwks_uri` of
`{issuer}/.well-known/openid-configuration`, and that JSON Web Key Set. Keys are cached; a key
id we have not seen refetches the set (the provider rotated), but at most once per
`refetch_seconds`, so a flood of tokens with made-up key ids cannot make us hammer the provider.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
import structlog

from hospital_bff.clock import Clock
from hospital_bff.datasources.errors import UpstreamUnavailable

log = structlog.get_logger(__name__)

# Symmetric ("oct") or exotic keys in a provider's set are never used to verify staff tokens.
_KEY_TYPES = frozenset({"RSA", "EC"})


class OidcUnavailable(UpstreamUnavailable):
    """The provider's discovery document or key set could not be fetched or read."""

    system = "oidc"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One of the provider's public keys, and the algorithm it is published for, if any."""

    jwk: jwt.PyJWK
    alg: str | None


class OidcKeySet:
    """The provider's signing keys by key id, refreshed when an unknown id turns up."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        issuer: str,
        *,
        jwks_url: str | None,
        clock: Clock,
        refetch_seconds: int,
        timeout: float = 3.0,
    ) -> None:
        self._http = http
        self._issuer = issuer.rstrip("/")
        self._jwks_url = jwks_url
        self._clock = clock
        self._refetch = timedelta(seconds=refetch_seconds)
        self._timeout = timeout
        self._keys: dict[str, SigningKey] = {}
        self._tried_at: datetime | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> SigningKey | None:
        """The key with this id, or None when the provider does not publish one."""
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            # Another request may have fetched while this one waited.
            if kid in self._keys:
                return self._keys[kid]
            now = self._clock.now()
            if self._tried_at is not None and now - self._tried_at < self._refetch:
                return None
            # Counted before the fetch: a failing provider is not retried on every request.
            self._tried_at = now
            self._keys = await self._fetch()
        return self._keys.get(kid)

    async def _fetch(self) -> dict[str, SigningKey]:
        url = self._jwks_url or await self._discover()
        data = await self._get_json(url)
        try:
            jwks = jwt.PyJWKSet.from_dict(data)
        except jwt.PyJWTError as exc:
            raise OidcUnavailable(f"unusable JWKS at {url}: {exc}") from exc
        # PyJWK infers an algorithm when the key names none; whether it named one is kept
        # apart, so a key published for RS256 is not used for PS256.
        declared = {
            d.get("kid"): d.get("alg")
            for d in data.get("keys", [])
            if isinstance(d, dict) and isinstance(d.get("alg"), str)
        }
        keys = {
            k.key_id: SigningKey(k, declared.get(k.key_id))
            for k in jwks.keys
            if k.key_id and k.key_type in _KEY_TYPES and k.public_key_use in (None, "sig")
        }
        log.info("oidc_keys_fetched", url=url, kids=sorted(keys))
        return keys

    async def _discover(self) -> str:
        url = f"{self._issuer}/.well-known/openid-configuration"
        document = await self._get_json(url)
        # OIDC Discovery 4.3: the document's issuer must be exactly the one we trust.
        if str(document.get("issuer", "")).rstrip("/") != self._issuer:
            raise OidcUnavailable(f"discovery document at {url} names another issuer")
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri:
            raise OidcUnavailable(f"discovery document at {url} has no jwks_uri")
        # Remembered: the key set's address does not change between rotations.
        self._jwks_url = jwks_uri
        return jwks_uri

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url, timeout=self._timeout)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OidcUnavailable(f"cannot fetch {url}: {exc!r}") from exc
        if not isinstance(data, dict):
            raise OidcUnavailable(f"{url} did not answer a JSON object")
        return data
