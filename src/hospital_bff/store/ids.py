"""Opaque, prefixed identifiers: a reader of a log can tell an order from a refund at a glance."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(10)}"
