"""WeChat Pay API v3 cryptography: RSA request/response signatures and AEAD_AES_256_GCM resources.

Wire formats (as the real platform uses them):
- request: ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",signature="..",
  timestamp="..",serial_no=".."`` where the signature is SHA256withRSA (PKCS#1 v1.5), base64, over
  ``METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n`` and URL is the path with its query string;
- response and notification: ``Wechatpay-Timestamp``, ``-Nonce``, ``-Signature``, ``-Serial``
  headers, the signature over ``TIMESTAMP\\nNONCE\\nBODY\\n`` by the platform's key;
- notification resource: AES-256-GCM under the 32-byte APIv3 key (its text bytes), a 12-character
  nonce and the associated data, ciphertext base64 with the tag appended.

WechatPayCryptoError
├── InvalidCiphertext      the resource does not decrypt under our APIv3 key
├── ForgedNotification     unknown serial, bad signature, bad ciphertext, malformed envelope
└── StaleNotification      signed too long ago (or in the future): a replay, refused

Over 400 lines: all of WeChat Pay's cryptography (keys, signatures, AEAD, the notification
verifier) in one module, so a change to any of it is reviewed in one place.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hospital_bff.clock import Clock

AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
AEAD_ALGORITHM = "AEAD_AES_256_GCM"
# The platform refuses requests, and we refuse answers and notifications, signed further than
# this from now: it bounds how long a captured message can be replayed.
MAX_CLOCK_SKEW = timedelta(minutes=5)

DEMO_MERCHANT_SERIAL = "DEMO-MERCHANT-SERIAL"
DEMO_PLATFORM_SERIAL = "DEMO-PLATFORM-SERIAL"
_MERCHANT_KEY_FILE = "merchant_key.pem"
_PLATFORM_KEY_FILE = "platform_key.pem"

_NONCE_ALPHABET = string.ascii_letters + string.digits
_AUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')


class WechatPayCryptoError(Exception):
    """A signature, key or ciphertext of the WeChat Pay protocol did not check out."""


class InvalidCiphertext(WechatPayCryptoError):
    """The AEAD resource failed authentication: wrong key, nonce, associated data or tampering."""


class ForgedNotification(WechatPayCryptoError):
    """A notification that the platform did not send, or that was altered on the way."""


class StaleNotification(WechatPayCryptoError):
    """A notification whose signature time is outside the accepted window."""


class MalformedNotification(WechatPayCryptoError):
    """A signed notification whose envelope or resource is not the JSON the protocol sends."""


# --- keys -----------------------------------------------------------------------------------------


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_to_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def public_key_to_pem(key: rsa.RSAPublicKey) -> bytes:
    return key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )


@functools.lru_cache(maxsize=16)
def load_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    """The key of a PEM, parsed once per process: OpenSSL checks an RSA private key as it
    loads it (about 40 ms of CPU at 2048 bits), and the embedded default loads each of its
    four demo keys at every app start, in the client and again in each simulator. A key
    object is immutable, so every holder may share it; a PEM that fails is not kept."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise WechatPayCryptoError("WeChat Pay keys are RSA keys")
    return key


def load_public_key(pem: bytes) -> tuple[str | None, rsa.RSAPublicKey]:
    """A platform key from a PEM public key or X.509 certificate, with the cert's serial if any.

    WeChat names a platform certificate by its serial number in upper-case hex, and that is
    what it sends in ``Wechatpay-Serial``.
    """
    serial: str | None = None
    key: object
    if b"BEGIN CERTIFICATE" in pem:
        cert = x509.load_pem_x509_certificate(pem)
        serial = f"{cert.serial_number:X}"
        key = cert.public_key()
    else:
        key = serialization.load_pem_public_key(pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise WechatPayCryptoError("WeChat Pay keys are RSA keys")
    return serial, key


@dataclass(frozen=True)
class MerchantKeys:
    """What the merchant (the BFF) holds: its own private key and the platform's public keys."""

    merchant_key: rsa.RSAPrivateKey
    merchant_serial: str
    platform_keys: Mapping[str, rsa.RSAPublicKey]


@dataclass(frozen=True)
class BankKeys:
    """Both sides' key pairs, as only the embedded default (or a test) can have them."""

    merchant_key: rsa.RSAPrivateKey
    platform_key: rsa.RSAPrivateKey
    merchant_serial: str = DEMO_MERCHANT_SERIAL
    platform_serial: str = DEMO_PLATFORM_SERIAL

    @property
    def merchant_public_key(self) -> rsa.RSAPublicKey:
        return self.merchant_key.public_key()

    @property
    def platform_public_key(self) -> rsa.RSAPublicKey:
        return self.platform_key.public_key()

    def merchant_side(self) -> MerchantKeys:
        return MerchantKeys(
            merchant_key=self.merchant_key,
            merchant_serial=self.merchant_serial,
            platform_keys={self.platform_serial: self.platform_public_key},
        )

    @classmethod
    def generate(
        cls,
        *,
        merchant_serial: str = DEMO_MERCHANT_SERIAL,
        platform_serial: str = DEMO_PLATFORM_SERIAL,
    ) -> BankKeys:
        return cls(
            merchant_key=generate_private_key(),
            platform_key=generate_private_key(),
            merchant_serial=merchant_serial,
            platform_serial=platform_serial,
        )


def ensure_demo_keys(
    directory: Path,
    *,
    merchant_serial: str = DEMO_MERCHANT_SERIAL,
    platform_serial: str = DEMO_PLATFORM_SERIAL,
) -> BankKeys:
    """Load the embedded default's two key pairs from ``directory``, creating them the first time.

    Several processes may start at once; each key file is published with a hard link, which
    fails if another process got there first, so all of them end up reading the same keys.
    """
    directory.mkdir(parents=True, exist_ok=True)
    return BankKeys(
        merchant_key=_ensure_private_key(directory / _MERCHANT_KEY_FILE),
        platform_key=_ensure_private_key(directory / _PLATFORM_KEY_FILE),
        merchant_serial=merchant_serial,
        platform_serial=platform_serial,
    )


def _ensure_private_key(path: Path) -> rsa.RSAPrivateKey:
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(private_key_to_pem(generate_private_key()))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return load_private_key(path.read_bytes())


def load_merchant_keys(
    *,
    merchant_key_path: Path,
    merchant_serial: str,
    platform_key_path: Path,
    platform_serial: str | None = None,
) -> MerchantKeys:
    """The production keys: the merchant's API key and the platform's certificate or public key.

    A bare public key carries no serial; then ``platform_serial`` (or the file's stem) names it.
    """
    cert_serial, platform_public = load_public_key(platform_key_path.read_bytes())
    serial = platform_serial or cert_serial or platform_key_path.stem
    return MerchantKeys(
        merchant_key=load_private_key(merchant_key_path.read_bytes()),
        merchant_serial=merchant_serial,
        platform_keys={serial: platform_public},
    )


# --- signatures -----------------------------------------------------------------------------------


def new_nonce(length: int = 32) -> str:
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(length))


def _text(body: bytes | str) -> str:
    return body.decode("utf-8") if isinstance(body, bytes) else body


def sign_message(private_key: rsa.RSAPrivateKey, message: str) -> str:
    raw = private_key.sign(message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode("ascii")


def verify_message(public_key: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
        public_key.verify(raw, message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def request_message(method: str, url: str, timestamp: str, nonce: str, body: bytes | str) -> str:
    return f"{method.upper()}\n{url}\n{timestamp}\n{nonce}\n{_text(body)}\n"


def response_message(timestamp: str, nonce: str, body: bytes | str) -> str:
    return f"{timestamp}\n{nonce}\n{_text(body)}\n"


def jsapi_pay_message(app_id: str, timestamp: str, nonce: str, package: str) -> str:
    """What ``paySign`` of a JSAPI ``getBrandWCPayRequest`` signs (WeChat Pay API v3)."""
    return f"{app_id}\n{timestamp}\n{nonce}\n{package}\n"


def sign_request(
    *,
    private_key: rsa.RSAPrivateKey,
    mch_id: str,
    serial_no: str,
    method: str,
    url: str,
    body: bytes | str,
    timestamp: int,
    nonce: str | None = None,
) -> str:
    """The ``Authorization`` header value for one request; ``url`` is the path and query."""
    nonce = nonce or new_nonce()
    signature = sign_message(private_key, request_message(method, url, str(timestamp), nonce, body))
    return (
        f'{AUTH_SCHEMA} mchid="{mch_id}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


@dataclass(frozen=True)
class Authorization:
    """The parameters of a parsed ``WECHATPAY2-SHA256-RSA2048`` header."""

    mchid: str
    nonce_str: str
    signature: str
    timestamp: str
    serial_no: str


def parse_authorization(header: str) -> Authorization:
    schema, _, params = header.strip().partition(" ")
    if schema != AUTH_SCHEMA:
        raise WechatPayCryptoError(f"unsupported authorization schema {schema!r}")
    values = dict(_AUTH_PARAM.findall(params))
    try:
        return Authorization(
            mchid=values["mchid"],
            nonce_str=values["nonce_str"],
            signature=values["signature"],
            timestamp=values["timestamp"],
            serial_no=values["serial_no"],
        )
    except KeyError as exc:
        raise WechatPayCryptoError(f"authorization lacks {exc.args[0]}") from exc


def verify_request(
    public_key: rsa.RSAPublicKey, auth: Authorization, method: str, url: str, body: bytes | str
) -> bool:
    message = request_message(method, url, auth.timestamp, auth.nonce_str, body)
    return verify_message(public_key, message, auth.signature)


def sign_response(
    private_key: rsa.RSAPrivateKey, timestamp: str, nonce: str, body: bytes | str
) -> str:
    return sign_message(private_key, response_message(timestamp, nonce, body))


def verify_signature(
    public_key: rsa.RSAPublicKey, timestamp: str, nonce: str, body: bytes | str, signature: str
) -> bool:
    """Whether the platform signed this response or notification body at that time and nonce."""
    try:
        message = response_message(timestamp, nonce, body)
    except UnicodeDecodeError:
        # The platform signs UTF-8 text: bytes that are not cannot carry its signature (and
        # must not raise before the signature is checked, which answered anyone a 500).
        return False
    return verify_message(public_key, message, signature)


def signed_headers(
    private_key: rsa.RSAPrivateKey, serial: str, body: bytes | str, *, now: datetime
) -> dict[str, str]:
    """The four ``Wechatpay-*`` headers the platform puts on an answer or a notification."""
    timestamp = str(int(now.timestamp()))
    nonce = new_nonce()
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": sign_response(private_key, timestamp, nonce, body),
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature-Type": AUTH_SCHEMA,
    }


def timestamp_is_fresh(timestamp: str, now: datetime, skew: timedelta = MAX_CLOCK_SKEW) -> bool:
    try:
        signed_at = datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return False
    return abs(now - signed_at) <= skew


# --- AEAD_AES_256_GCM ---------------------------------------------------------------------------


def aead_encrypt(apiv3_key: bytes, nonce: str, associated_data: str, plaintext: bytes | str) -> str:
    data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
    sealed = AESGCM(apiv3_key).encrypt(nonce.encode("utf-8"), data, associated_data.encode("utf-8"))
    return base64.b64encode(sealed).decode("ascii")


def aead_decrypt(apiv3_key: bytes, nonce: str, associated_data: str, ciphertext: str) -> bytes:
    try:
        return AESGCM(apiv3_key).decrypt(
            nonce.encode("utf-8"),
            base64.b64decode(ciphertext, validate=True),
            associated_data.encode("utf-8"),
        )
    except (InvalidTag, ValueError) as exc:
        raise InvalidCiphertext("resource does not decrypt under the APIv3 key") from exc


def seal_resource(
    apiv3_key: bytes, payload: Mapping[str, Any], *, original_type: str
) -> dict[str, str]:
    """An encrypted notification ``resource`` object, as the platform builds it."""
    nonce = new_nonce(12)
    associated_data = original_type
    plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return {
        "original_type": original_type,
        "algorithm": AEAD_ALGORITHM,
        "ciphertext": aead_encrypt(apiv3_key, nonce, associated_data, plaintext),
        "associated_data": associated_data,
        "nonce": nonce,
    }


# --- notifications --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedNotification:
    """A notification whose signature, freshness and ciphertext all checked out."""

    id: str
    create_time: str
    event_type: str
    resource_type: str
    summary: str
    original_type: str
    resource: dict[str, Any] = field(default_factory=dict)


class NotificationVerifier:
    """Checks a payment or refund notification's headers and opens its encrypted resource."""

    def __init__(
        self,
        *,
        platform_keys: Mapping[str, rsa.RSAPublicKey],
        apiv3_key: bytes,
        clock: Clock,
        max_skew: timedelta = MAX_CLOCK_SKEW,
    ) -> None:
        self.platform_keys = dict(platform_keys)
        self.apiv3_key = apiv3_key
        self.clock = clock
        self.max_skew = max_skew

    def verify(self, headers: Mapping[str, str], body: bytes) -> VerifiedNotification:
        # The signature comes first: a forger must not learn anything from our other checks.
        lower = {k.lower(): v for k, v in headers.items()}
        timestamp = lower.get("wechatpay-timestamp", "")
        nonce = lower.get("wechatpay-nonce", "")
        signature = lower.get("wechatpay-signature", "")
        serial = lower.get("wechatpay-serial", "")
        key = self.platform_keys.get(serial)
        if key is None:
            raise ForgedNotification(f"unknown platform serial {serial!r}")
        if not (timestamp and nonce and signature):
            raise ForgedNotification("missing Wechatpay signature headers")
        if not verify_signature(key, timestamp, nonce, body, signature):
            raise ForgedNotification("notification signature does not verify")
        if not timestamp_is_fresh(timestamp, self.clock.now(), self.max_skew):
            raise StaleNotification(f"notification signed at {timestamp}, outside the window")
        return self._open(body)

    def _open(self, body: bytes) -> VerifiedNotification:
        try:
            envelope = json.loads(body)
            resource = envelope["resource"]
            if resource.get("algorithm") != AEAD_ALGORITHM:
                raise ForgedNotification(f"unsupported algorithm {resource.get('algorithm')!r}")
            plaintext = aead_decrypt(
                self.apiv3_key,
                str(resource["nonce"]),
                str(resource.get("associated_data") or ""),
                str(resource["ciphertext"]),
            )
            decrypted = json.loads(plaintext)
            if not isinstance(decrypted, dict):
                raise ForgedNotification("resource is not a JSON object")
            return VerifiedNotification(
                id=str(envelope["id"]),
                create_time=str(envelope.get("create_time", "")),
                event_type=str(envelope["event_type"]),
                resource_type=str(envelope.get("resource_type", "")),
                summary=str(envelope.get("summary", "")),
                original_type=str(resource.get("original_type", "")),
                resource=decrypted,
            )
        except InvalidCiphertext as exc:
            raise ForgedNotification(str(exc)) from exc
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise MalformedNotification(f"malformed notification: {exc!r}") from exc
