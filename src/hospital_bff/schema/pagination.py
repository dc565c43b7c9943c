"""Relay-style cursors over (created_at, id): stable under inserts, opaque to clients."""

from __future__ import annotations

import base64
import re
from datetime import datetime

import strawberry

from hospital_bff.clock import EARLIEST_DAY, LATEST_DAY
from hospital_bff.services.errors import InvalidInput

MAX_PAGE = 100
DEFAULT_PAGE = 20
# The IDs this server puts in a cursor; anything else in one is forged.
_ITEM_ID = re.compile(r"[A-Za-z0-9._:~-]{1,96}")


@strawberry.type(description="Where a page ends and whether more follow")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items after this page")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page")


def encode_cursor(at: datetime, item_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{item_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """The position a cursor names; InvalidInput for anything this server did not issue (a
    naive timestamp cannot be compared with the stored aware ones, and would crash the query)."""
    if not cursor:
        return None
    try:
        # ASCII first: urlsafe_b64decode of other text raises, or silently drops characters.
        raw = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
        at_text, item_id = raw.split("|", 1)
        at = datetime.fromisoformat(at_text)
    except ValueError as exc:  # binascii.Error and the Unicode errors are ValueErrors too
        raise InvalidInput("分页游标无效", message_en="Invalid cursor") from exc
    if (
        at.utcoffset() is None
        or not EARLIEST_DAY <= at.date() <= LATEST_DAY
        or not _ITEM_ID.fullmatch(item_id)
    ):
        raise InvalidInput("分页游标无效", message_en="Invalid cursor")
    return at, item_id


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 1 or first > MAX_PAGE:
        raise InvalidInput(
            f"first 应在1到{MAX_PAGE}之间", message_en=f"`first` must be 1..{MAX_PAGE}"
        )
    return first
