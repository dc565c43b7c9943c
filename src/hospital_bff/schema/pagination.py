"""Relay-style cursors over (created_at, id): stable under inserts, opaque to clients."""

from __future__ import annotations

import base64
from datetime import datetime

import strawberry

from hospital_bff.services.errors import InvalidInput

MAX_PAGE = 100
DEFAULT_PAGE = 20


@strawberry.type(description="Where a page ends and whether more follow")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items after this page")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page")


def encode_cursor(at: datetime, item_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{item_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        at, item_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(at), item_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("分页游标无效", message_en="Invalid cursor") from exc


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 1 or first > MAX_PAGE:
        raise InvalidInput(
            f"first 应在1到{MAX_PAGE}之间", message_en=f"`first` must be 1..{MAX_PAGE}"
        )
    return first
