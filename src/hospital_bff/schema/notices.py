"""Notices to the user."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hospital_bff.schema.enums import NoticeKind
from hospital_bff.schema.pagination import PageInfo
from hospital_bff.store import models


@strawberry.type(
    description="A message to the user: an order changed, a report is ready, an expert stopped work"
)
class Notice:
    id: strawberry.ID = strawberry.field(description="Notice ID")
    kind: NoticeKind = strawberry.field(description="What happened")
    title: str = strawberry.field(description="Short title")
    body: str = strawberry.field(description="The message")
    created_at: datetime = strawberry.field(description="When")
    read: bool = strawberry.field(description="Marked read")
    patient_id: strawberry.ID | None = strawberry.field(description="The patient concerned")
    order_id: strawberry.ID | None = strawberry.field(description="The order concerned")

    @classmethod
    def from_row(cls, n: models.Notice) -> Notice:
        return cls(
            id=strawberry.ID(n.id),
            kind=NoticeKind(n.kind),
            title=n.title,
            body=n.body,
            created_at=n.created_at,
            read=n.read_at is not None,
            patient_id=strawberry.ID(n.patient_id) if n.patient_id else None,
            order_id=strawberry.ID(n.order_id) if n.order_id else None,
        )


@strawberry.type(description="One notice in a page, with its cursor")
class NoticeEdge:
    cursor: str = strawberry.field(description="This item's cursor")
    node: Notice = strawberry.field(description="The notice")


@strawberry.type(description="A page of notices, newest first")
class NoticeConnection:
    unread_count: int = strawberry.field(description="Unread notices in all")
    edges: list[NoticeEdge] = strawberry.field(description="The notices of this page")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where")


@strawberry.type(description="Marked read")
class MarkNoticesReadSuccess:
    unread_count: int = strawberry.field(description="Unread notices left")


@strawberry.type(description="The WeChat subscription notices the caller accepted are recorded")
class AcceptNoticeSubscriptionsSuccess:
    accepted_kinds: list[NoticeKind] = strawberry.field(
        description="Kinds of notice now pushed to this WeChat account's phone"
    )
