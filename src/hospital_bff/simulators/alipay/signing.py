"""Alipay's RSA2 as the gateway does it, written from Alipay's published spec ("自行实现签名")
and not taken from our client (`datasources.alipay`), so that a mistake in the client cannot be
mirrored here; both are checked against the published `python-alipay-sdk` in the tests."""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def signed_text(params: dict[str, str]) -> str:
    """What the app signs: every parameter but `sign` that has a value, sorted by name (ASCII),
    joined as `name=value` with `&`, values as sent (not URL-encoded)."""
    kept = sorted((name, value) for name, value in params.items() if name != "sign" and value)
    return "&".join(f"{name}={value}" for name, value in kept)


def rsa2_signed(key: rsa.RSAPrivateKey, text: str) -> str:
    """RSA2: SHA256withRSA (PKCS#1 v1.5) over the UTF-8 text, base64."""
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa2_verified(key: rsa.RSAPublicKey, text: str, signature: str) -> bool:
    try:
        key.verify(
            base64.b64decode(signature, validate=True),
            text.encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
