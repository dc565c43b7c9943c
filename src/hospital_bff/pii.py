"""National ID numbers at rest and in logs: encrypted in the database, found by keyed hash,
masked wherever a log line would carry one (invariant 5)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hospital_bff.national_id import mask_id_number, normalise_id_number

if TYPE_CHECKING:
    from hospital_bff.config import Settings

# Digit boundaries on both sides so that longer numbers (bank trade numbers, order numbers)
# are neither masked in logs nor reported as leaks by the tests that search for this pattern.
# ASCII digits only: an ID written in other scripts' digits is not one the HIS would accept.
ID_NUMBER_PATTERN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")

_VERSION = "v1"
_NONCE_BYTES = 12
# The version is authenticated with the ciphertext, so a token cannot be relabelled.
_AAD = _VERSION.encode()


class PiiDecryptionError(ValueError):
    """A stored token is malformed, of an unknown version, or was not made with our key."""


class PiiCipher:
    """AES-256-GCM for the numbers we must be able to read back, HMAC for finding them."""

    def __init__(self, key: bytes, hmac_key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("PiiCipher needs a 32-byte AES-256 key")
        if not hmac_key:
            raise ValueError("PiiCipher needs a non-empty HMAC key")
        self._aead = AESGCM(key)
        self._hmac_key = hmac_key

    @classmethod
    def from_settings(cls, settings: Settings) -> PiiCipher:
        key = base64.b64decode(settings.pii_key.get_secret_value(), validate=True)
        return cls(key, settings.pii_hmac_key.get_secret_value().encode())

    def encrypt(self, plaintext: str) -> str:
        # A fresh random nonce each time: the same number encrypts differently every time,
        # so equal ciphertexts leak nothing; equality lookups go through lookup_hash.
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), _AAD)
        return f"{_VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str) -> str:
        version, sep, body = token.partition(":")
        if not sep or version != _VERSION:
            raise PiiDecryptionError("unknown token version")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise PiiDecryptionError("token is not base64") from exc
        nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        if len(nonce) != _NONCE_BYTES:
            raise PiiDecryptionError("token too short")
        try:
            return self._aead.decrypt(nonce, sealed, _AAD).decode()
        except InvalidTag as exc:
            raise PiiDecryptionError("token was altered or made with another key") from exc

    def pseudonym(self, subject: str) -> str:
        """A stable stand-in for a user or account id in logs: keyed, so a log reader can
        follow one person's requests but not compute it from an id, and domain-separated
        from `lookup_hash`, so it never equals the hash of an ID number."""
        digest = hmac.new(self._hmac_key, b"log-subject:" + subject.encode(), hashlib.sha256)
        return digest.hexdigest()[:16]

    def lookup_hash(self, id_number: str) -> str:
        """The keyed hash of a normalised ID number, so `110…12x ` and `110…12X` find one row."""
        digest = hmac.new(self._hmac_key, normalise_id_number(id_number).encode(), hashlib.sha256)
        return digest.hexdigest()


def mask_national_ids(text: str) -> str:
    """`text` with every ID-shaped number replaced by its masked form."""
    return ID_NUMBER_PATTERN.sub(lambda m: mask_id_number(m.group(0)), text)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return mask_national_ids(value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, tuple):
        scrubbed = tuple(_scrub(v) for v in value)
        # exc_info is a tuple of (type, exception, traceback); keep such tuples as they were.
        return value if all(a is b for a, b in zip(scrubbed, value, strict=True)) else scrubbed
    return value


def scrub_national_ids(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor masking ID numbers in every string value, nested ones included.

    Place it after `format_exc_info` and just before the renderer: only strings are scrubbed,
    so a traceback must already be text by the time it gets here.
    """
    for key, value in event_dict.items():
        event_dict[key] = _scrub(value)
    return event_dict
