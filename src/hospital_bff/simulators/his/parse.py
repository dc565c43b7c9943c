"""Reading the simulated HIS's requests: JSON bodies and query parameters, refused with
INVALID_INPUT when they are not what docs/his-api.md says."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from hospital_bff.simulators.his.errors import invalid
from hospital_bff.simulators.his.state import HisState

RESULT_FLAGS = {"NORMAL", "HIGH", "LOW", "ABNORMAL"}


def state_of(request: Request) -> HisState:
    """The state of the HIS app serving `request`."""
    state: HisState = request.app.state.his
    return state


def ok(body: Any) -> JSONResponse:
    return JSONResponse(body)


async def json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise invalid("the body is not JSON") from exc
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object")
    return body


def string(body: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value:
        raise invalid(f"{key} must be a non-empty string")
    return value


def integer(body: dict[str, Any], key: str, *, low: int = 0, high: int | None = None) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise invalid(f"{key} must be an integer >= {low}")
    if high is not None and value > high:
        raise invalid(f"{key} must be at most {high}")
    return value


def string_list(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise invalid(f"{key} must be a list of strings")
    return list(value)


def date_param(request: Request, key: str) -> date | None:
    raw = request.query_params.get(key)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise invalid(f"{key} must be a date (YYYY-MM-DD)") from exc


def ids_param(request: Request) -> set[str] | None:
    raw = request.query_params.get("ids")
    if raw is None:
        return None
    return {i for i in raw.split(",") if i}


def bill_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise invalid("items must be a non-empty list")
    result = []
    for item in items:
        if not isinstance(item, dict):
            raise invalid("each item must be an object")
        result.append(
            {
                "code": string(item, "code"),
                "name": string(item, "name"),
                "amount": integer(item, "amount"),
            }
        )
    return result


def report_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("items", [])
    if not isinstance(items, list):
        raise invalid("items must be a list")
    result = []
    for item in items:
        if not isinstance(item, dict):
            raise invalid("each item must be an object")
        flag = item.get("flag", "NORMAL")
        if flag not in RESULT_FLAGS:
            raise invalid(f"flag must be one of {sorted(RESULT_FLAGS)}")
        result.append(
            {
                "name": string(item, "name"),
                "value": str(item.get("value", "")),
                "unit": item.get("unit"),
                "referenceRange": item.get("referenceRange"),
                "flag": flag,
            }
        )
    return result
