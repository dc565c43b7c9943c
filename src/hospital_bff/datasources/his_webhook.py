"""Checking that an event really comes from the HIS (docs/his-api.md, "Events")."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime


def verify_his_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    now: datetime,
    tolerance: int = 300,
) -> bool:
    """True when `signature` is the HIS's HMAC of `{timestamp}.{body}` and the timestamp is fresh.

    The freshness window bounds replays of a captured request; within it, the BFF's
    deduplication on the event ID makes a replay harmless.
    """
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now.timestamp() - sent_at) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), signature.strip().lower())
