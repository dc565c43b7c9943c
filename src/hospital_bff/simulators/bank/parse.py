"""Reading the merchant's JSON bodies; a missing or malformed field is WeChat Pay's
400 PARAM_ERROR."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hospital_bff.simulators.bank.errors import BankError


def json_body(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise BankError(400, "PARAM_ERROR", "body is not JSON") from exc
    if not isinstance(data, dict):
        raise BankError(400, "PARAM_ERROR", "body must be a JSON object")
    return data


def text(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise BankError(400, "PARAM_ERROR", f"{name} is required")
    return value


def object_field(body: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = body.get(name)
    if not isinstance(value, dict):
        raise BankError(400, "PARAM_ERROR", f"{name} is required")
    return value


def is_fen(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
