"""The client of Alipay's open platform for sign-in: `alipay.system.oauth.token`.

The wire format (as Alipay publishes it for its gateway `https://openapi.alipay.com/gateway.do`):
- request: the common parameters (app_id, method, format, charset, sign_type=RSA2, timestamp
  "yyyy-MM-dd HH:mm:ss" in Beijing time, version=1.0, sign) in the query string and the method's
  own (grant_type=authorization_code, code) in the form body, as Alipay's SDKs send them;
  `sign` is SHA256withRSA (PKCS#1 v1.5), base64, by the app's private key, over every non-empty
  parameter but `sign`, sorted by name and joined as ``k=v&k=v`` (values not URL-encoded);
- response: always HTTP 200, ``{"alipay_system_oauth_token_response": {...}, "sign": "..."}``
  or ``{"error_response": {code, msg, sub_code, sub_msg}, "sign": "..."}``, the signature by
  Alipay's key over the exact JSON text of the response node, as it stands in the body.

AlipayUnavailable (UpstreamUnavailable)
└── AlipayResponseForged     the answer is not signed by Alipay's key: never trusted
AlipayCodeRejected (UpstreamRejected)  Alipay said no (`error_response`)
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from hospital_bff.clock import SHANGHAI, Clock
from hospital_bff.datasources.errors import AlipayUnavailable, UpstreamRejected
from hospital_bff.datasources.http import CircuitBreaker, JsonClient

# The embedded default's keys are made like the bank's: once, under the state directory.
from hospital_bff.datasources.wechatpay_crypto import (
    _ensure_private_key,
    sign_message,
    verify_message,
)

if TYPE_CHECKING:
    from hospital_bff.config import Settings

log = structlog.get_logger(__name__)

GATEWAY_URL = "https://openapi.alipay.com/gateway.do"
OAUTH_TOKEN_METHOD = "alipay.system.oauth.token"
OAUTH_TOKEN_NODE = "alipay_system_oauth_token_response"
ERROR_NODE = "error_response"
SUCCESS_CODE = "10000"
# Alipay's "服务不可用" (isp.*): its side failed, nothing was refused.
UNAVAILABLE_CODE = "20000"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"

_APP_KEY_FILE = "alipay_app_key.pem"
_ALIPAY_KEY_FILE = "alipay_platform_key.pem"


# --- keys and signatures --------------------------------------------------------------------------


def sign_content(params: Mapping[str, str]) -> str:
    """What RSA2 signs: the non-empty parameters but `sign`, sorted, as ``k=v&k=v``."""
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign" and v != "")


# Alipay's RSA2 is SHA256withRSA over UTF-8 text, base64: the very signature WeChat Pay v3 uses.
rsa2_sign = sign_message
rsa2_verify = verify_message


def load_app_private_key(data: bytes) -> rsa.RSAPrivateKey:
    """Our app's private key: PEM, or the bare base64 (PKCS#8 or PKCS#1) Alipay's key tool
    writes out."""
    if b"-----BEGIN" in data:
        key: object = serialization.load_pem_private_key(data, password=None)
    else:
        key = serialization.load_der_private_key(base64.b64decode(b"".join(data.split())), None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("an Alipay app key is an RSA key")
    return key


def load_alipay_public_key(data: bytes) -> rsa.RSAPublicKey:
    """Alipay's public key: PEM, or the bare base64 the open platform's console shows."""
    if b"-----BEGIN" in data:
        key: object = serialization.load_pem_public_key(data)
    else:
        key = serialization.load_der_public_key(base64.b64decode(b"".join(data.split())))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("Alipay's public key is an RSA key")
    return key


@dataclass(frozen=True)
class AlipayKeys:
    """Both sides' private keys, as only the embedded default (or a test) can have them."""

    app_key: rsa.RSAPrivateKey
    alipay_key: rsa.RSAPrivateKey

    @property
    def app_public_key(self) -> rsa.RSAPublicKey:
        return self.app_key.public_key()

    @property
    def alipay_public_key(self) -> rsa.RSAPublicKey:
        return self.alipay_key.public_key()


def ensure_demo_alipay_keys(directory: Path) -> AlipayKeys:
    """The embedded default's two key pairs, created in `directory` the first time."""
    directory.mkdir(parents=True, exist_ok=True)
    return AlipayKeys(
        app_key=_ensure_private_key(directory / _APP_KEY_FILE),
        alipay_key=_ensure_private_key(directory / _ALIPAY_KEY_FILE),
    )


def top_level_nodes(text: str) -> dict[str, tuple[str, Any]]:
    """Each member of the JSON object `text`: its exact text in the body, and its value.

    Alipay signs a node's text as it stands (its spacing, its escapes), so the text is cut out
    of the body by the standard library's decoder rather than re-serialised."""
    decoder = json.JSONDecoder()
    nodes: dict[str, tuple[str, Any]] = {}
    i = _skip(text, 0)
    if text[i : i + 1] != "{":
        raise ValueError("not a JSON object")
    i = _skip(text, i + 1)
    if text[i : i + 1] == "}":
        return nodes
    while True:
        if text[i : i + 1] != '"':
            raise ValueError("expected a member name")
        name, i = decoder.raw_decode(text, i)
        i = _skip(text, i)
        if text[i : i + 1] != ":":
            raise ValueError("expected ':'")
        start = _skip(text, i + 1)
        value, end = decoder.raw_decode(text, start)
        nodes[str(name)] = (text[start:end], value)
        i = _skip(text, end)
        if text[i : i + 1] == "}":
            if _skip(text, i + 1) != len(text):
                raise ValueError("text after the JSON object")
            return nodes
        if text[i : i + 1] != ",":
            raise ValueError("expected ',' or '}'")
        i = _skip(text, i + 1)


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


# --- the client -----------------------------------------------------------------------------------


class AlipayIdentity(BaseModel):
    """Who signed in: Alipay's id of the user for our app, with the tokens issued alongside.

    Older apps get `user_id` (2088...), apps created since Alipay's move to OpenID get
    `open_id`; an app gets one or the other consistently, so either is a stable external id."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    user_id: str | None = None
    open_id: str | None = None
    access_token: str
    expires_in: int
    refresh_token: str | None = None
    re_expires_in: int | None = None

    @model_validator(mode="after")
    def _someone(self) -> AlipayIdentity:
        if not (self.user_id or self.open_id):
            raise ValueError("neither user_id nor open_id")
        return self

    @property
    def external_id(self) -> str:
        found = self.user_id or self.open_id
        assert found is not None  # checked on validation
        return found


class AlipayCodeRejected(UpstreamRejected):
    """Alipay refused the request; `code`, `sub_code` and `sub_msg` are Alipay's own."""

    def __init__(self, code: str, msg: str, sub_code: str, sub_msg: str) -> None:
        super().__init__(code, f"{msg} ({sub_code}: {sub_msg})", system="alipay")
        self.msg = msg
        self.sub_code = sub_code
        self.sub_msg = sub_msg


class AlipayResponseForged(AlipayUnavailable):
    """An answer Alipay's key did not sign (or that is not the protocol's JSON): whoever sent
    it is not Alipay, or our copy of Alipay's key is wrong. Nothing in it is believed."""


class AlipayClient(JsonClient):
    """Exchanges Alipay sign-in codes (auth_code) for identities."""

    unavailable = AlipayUnavailable
    system = "alipay"

    def __init__(
        self,
        http: httpx.AsyncClient,
        gateway_url: str,
        *,
        app_id: str,
        app_private_key: rsa.RSAPrivateKey,
        alipay_public_key: rsa.RSAPublicKey,
        clock: Clock,
        timeout: float = 3.0,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        super().__init__(
            http,
            gateway_url,
            timeout=timeout,
            read_retries=0,
            breaker=breaker or CircuitBreaker(self.system, 5, 10.0),
        )
        self.app_id = app_id
        self.app_private_key = app_private_key
        self.alipay_public_key = alipay_public_key
        self.clock = clock

    @classmethod
    def from_settings(
        cls, http: httpx.AsyncClient, settings: Settings, clock: Clock
    ) -> AlipayClient | None:
        """The configured client, or None when the hospital has no Alipay app (sign-in off).

        Without key paths (the embedded default only: production demands them) the demo keys
        under the state directory are used, the ones the embedded simulator holds too."""
        if not settings.alipay_app_id:
            return None
        app_path, alipay_path = (
            settings.alipay_app_private_key_path,
            settings.alipay_public_key_path,
        )
        demo = (
            ensure_demo_alipay_keys(settings.bank_keys_dir)
            if app_path is None or alipay_path is None
            else None
        )
        app_key = (
            load_app_private_key(app_path.read_bytes())
            if app_path is not None
            else _demo(demo).app_key
        )
        alipay_key = (
            load_alipay_public_key(alipay_path.read_bytes())
            if alipay_path is not None
            else _demo(demo).alipay_public_key
        )
        return cls(
            http,
            settings.alipay_gateway_url,
            app_id=settings.alipay_app_id,
            app_private_key=app_key,
            alipay_public_key=alipay_key,
            clock=clock,
            timeout=settings.http_timeout_seconds,
            breaker=CircuitBreaker(
                "alipay", settings.breaker_failure_threshold, settings.breaker_reset_seconds
            ),
        )

    def decode(self, response: httpx.Response) -> Any:
        # The signature covers the body's own text: keep it as it came.
        return response.content.decode("utf-8", errors="replace")

    def signed_params(self, method: str, business: Mapping[str, str]) -> dict[str, str]:
        """The common parameters of a call, signed together with its own parameters."""
        common = {
            "app_id": self.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": self.clock.now().astimezone(SHANGHAI).strftime(TIMESTAMP_FORMAT),
            "version": "1.0",
        }
        common["sign"] = rsa2_sign(self.app_private_key, sign_content({**common, **business}))
        return common

    async def exchange_code(self, code: str) -> AlipayIdentity:
        business = {"grant_type": "authorization_code", "code": code}
        # Never retried: the code is good once, so a retry after a lost answer can only fail.
        text = await self.request(
            "POST",
            "",
            params=self.signed_params(OAUTH_TOKEN_METHOD, business),
            data=business,
            idempotent=False,
        )
        content = self._verified(str(text), OAUTH_TOKEN_NODE)
        try:
            return AlipayIdentity.model_validate(content)
        except ValidationError as exc:
            raise AlipayUnavailable(
                "alipay answered a token without a user", system=self.system
            ) from exc

    def _verified(self, text: str, node: str) -> dict[str, Any]:
        """The response node, once Alipay's signature over it checks out; a refusal raises."""
        try:
            nodes = top_level_nodes(text)
        except ValueError as exc:
            raise AlipayResponseForged(
                "alipay answered no JSON object", system=self.system
            ) from exc
        sign = nodes.get("sign", ("", None))[1]
        if ERROR_NODE in nodes and node not in nodes:
            raw, error = nodes[ERROR_NODE]
            # Alipay leaves a refusal unsigned when it cannot tell which app asked (a bad
            # app_id or signature). An unsigned refusal is believed only as a refusal: it can
            # stop a sign-in, which anyone on the path could do anyway, never make one.
            if sign is not None and not (
                isinstance(sign, str) and rsa2_verify(self.alipay_public_key, raw, sign)
            ):
                raise AlipayResponseForged("alipay refusal badly signed", system=self.system)
            raise self._refusal(error)
        if node not in nodes:
            raise AlipayResponseForged(f"alipay answered no {node}", system=self.system)
        raw, content = nodes[node]
        if not (isinstance(sign, str) and rsa2_verify(self.alipay_public_key, raw, sign)):
            log.error("alipay_signature_invalid", node=node)
            raise AlipayResponseForged("alipay answer badly signed", system=self.system)
        if not isinstance(content, dict):
            raise AlipayResponseForged(f"alipay {node} is no object", system=self.system)
        if str(content.get("code", SUCCESS_CODE)) != SUCCESS_CODE:
            raise self._refusal(content)
        return content

    def _refusal(self, error: Any) -> AlipayCodeRejected | AlipayUnavailable:
        if not isinstance(error, dict):
            return AlipayResponseForged("alipay error_response is no object", system=self.system)
        code = str(error.get("code", ""))
        if code == UNAVAILABLE_CODE:
            return AlipayUnavailable(
                f"alipay unavailable: {error.get('sub_code', '')}", system=self.system
            )
        return AlipayCodeRejected(
            code,
            str(error.get("msg", "")),
            str(error.get("sub_code", "")),
            str(error.get("sub_msg", "")),
        )


def _demo(keys: AlipayKeys | None) -> AlipayKeys:
    assert keys is not None  # made above whenever a path is missing
    return keys
