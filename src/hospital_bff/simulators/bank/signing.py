"""The platform's side of WeChat Pay API v3's signatures and encryption, written from the
published spec and NOT from our client's `datasources.wechatpay_crypto`, so that a mistake in
the client cannot be mirrored here and pass unseen (the client is also checked against the
`wechatpayv3` package in tests/datasources/test_wechatpay_crypto_published.py).

From WeChat Pay's "签名生成 / 签名验证 / 回调报文解密" pages:
- a request is signed SHA256withRSA (PKCS#1 v1.5) by the merchant over
  ``METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n`` (URL: the absolute path with its query string;
  BODY: empty for GET) and sent as
  ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",``
  ``timestamp="…",serial_no="…"`` (one line);
- the platform signs its answers and notifications over ``TIMESTAMP\\nNONCE\\nBODY\\n`` in the
  ``Wechatpay-Timestamp``, ``-Nonce``, ``-Signature``, ``-Serial`` headers;
- a JSAPI ``paySign`` is the merchant's signature over
  ``appId\\ntimeStamp\\nnonceStr\\npackage\\n``;
- a notification's ``resource`` is AEAD_AES_256_GCM under the 32-byte APIv3 key with a
  12-character nonce and ``associated_data``; ``ciphertext`` is base64 of the sealed bytes
  followed by the 16-byte tag.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SCHEMA = "WECHATPAY2-SHA256-RSA2048"
# The platform refuses a request signed more than five minutes away from its own clock.
ALLOWED_SKEW = timedelta(minutes=5)
_AUTH_FIELDS = ("mchid", "nonce_str", "signature", "timestamp", "serial_no")


class SignatureRefused(Exception):
    """An ``Authorization`` header the platform cannot read."""


@dataclass(frozen=True, slots=True)
class MerchantSignature:
    """The fields of a merchant's ``Authorization`` header."""

    mchid: str
    nonce_str: str
    signature: str
    timestamp: str
    serial_no: str


def read_authorization(header: str) -> MerchantSignature:
    """The header's fields: the schema, a space, then ``key="value"`` pairs split by commas."""
    schema, space, rest = header.strip().partition(" ")
    if schema != SCHEMA or not space:
        raise SignatureRefused(f"unsupported authorization schema {schema!r}")
    fields: dict[str, str] = {}
    for pair in rest.split(","):
        key, equals, quoted = pair.strip().partition("=")
        if not equals or len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
            raise SignatureRefused(f"malformed authorization parameter {pair.strip()!r}")
        fields[key] = quoted[1:-1]
    missing = [name for name in _AUTH_FIELDS if not fields.get(name)]
    if missing:
        raise SignatureRefused(f"authorization lacks {missing[0]}")
    return MerchantSignature(**{name: fields[name] for name in _AUTH_FIELDS})


def _rsa_verified(public_key: rsa.RSAPublicKey, lines: list[str], signature: str) -> bool:
    message = "".join(line + "\n" for line in lines).encode("utf-8")
    try:
        raw = base64.b64decode(signature, validate=True)
        public_key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def _rsa_signed(private_key: rsa.RSAPrivateKey, lines: list[str]) -> str:
    message = "".join(line + "\n" for line in lines).encode("utf-8")
    return base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def request_verified(
    public_key: rsa.RSAPublicKey, auth: MerchantSignature, method: str, url: str, body: bytes
) -> bool:
    """Whether the merchant signed this method, URL (path and query) and body."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lines = [method.upper(), url, auth.timestamp, auth.nonce_str, text]
    return _rsa_verified(public_key, lines, auth.signature)


def pay_sign_verified(
    public_key: rsa.RSAPublicKey,
    app_id: str,
    time_stamp: str,
    nonce_str: str,
    package: str,
    pay_sign: str,
) -> bool:
    """Whether the merchant signed these getBrandWCPayRequest parameters (JSAPI, RSA)."""
    return _rsa_verified(public_key, [app_id, time_stamp, nonce_str, package], pay_sign)


def within_skew(timestamp: str, now: datetime) -> bool:
    """Whether a Unix timestamp (seconds) is within the allowed skew of `now`."""
    if not timestamp.isdigit():
        return False
    return abs(int(now.timestamp()) - int(timestamp)) <= ALLOWED_SKEW.total_seconds()


def platform_headers(
    private_key: rsa.RSAPrivateKey, serial: str, body: bytes, now: datetime
) -> dict[str, str]:
    """The headers the platform signs an answer or a notification with."""
    timestamp = str(int(now.timestamp()))
    nonce = secrets.token_hex(16).upper()
    signature = _rsa_signed(private_key, [timestamp, nonce, body.decode("utf-8")])
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": signature,
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature-Type": SCHEMA,
    }


def encrypt_resource(
    apiv3_key: bytes, resource: dict[str, Any], original_type: str
) -> dict[str, str]:
    """A notification's ``resource``: the JSON plaintext sealed with AEAD_AES_256_GCM."""
    nonce = secrets.token_hex(6)  # twelve characters, as the platform's
    plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sealed = AESGCM(apiv3_key).encrypt(nonce.encode(), plaintext, original_type.encode())
    return {
        "original_type": original_type,
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(sealed).decode(),
        "associated_data": original_type,
        "nonce": nonce,
    }
