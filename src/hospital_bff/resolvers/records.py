"""Resolvers of reports, prescriptions and notices: the caller's own only."""

from __future__ import annotations

from typing import cast

from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.resolvers.context import Info
from hospital_bff.resolvers.errors import upstream_guard
from hospital_bff.resolvers.mutations import in_one_unit
from hospital_bff.schema.notices import MarkNoticesReadSuccess, Notice, NoticeConnection, NoticeEdge
from hospital_bff.schema.pagination import PageInfo, decode_cursor, encode_cursor, page_size
from hospital_bff.schema.records import Prescription, Report, ReportConnection, ReportEdge
from hospital_bff.schema.results import MarkNoticesReadResult
from hospital_bff.services import notices
from hospital_bff.services.errors import NotFound
from hospital_bff.services.records import RecordService


async def reports(
    info: Info, patient_id: str, first: int | None, after: str | None
) -> ReportConnection:
    viewer = await info.context.require_viewer()
    async with upstream_guard():
        size = page_size(first)
        cursor = decode_cursor(after)
        try:
            items = await RecordService(info.context.runtime).reports(viewer.user_id, patient_id)
        except NotFound:
            items = []
    if cursor is not None:
        at, rid = cursor
        items = [r for r in items if (r.issued_at, r.id) < (at, rid)]
    page = items[:size]
    edges = [
        ReportEdge(cursor=encode_cursor(r.issued_at, r.id), node=Report.from_dto(r)) for r in page
    ]
    return ReportConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > size, end_cursor=edges[-1].cursor if edges else None
        ),
    )


async def report(info: Info, report_id: str) -> Report | None:
    viewer = await info.context.require_viewer()
    async with upstream_guard():
        try:
            found = await RecordService(info.context.runtime).report(viewer.user_id, report_id)
        except NotFound:
            return None
    return Report.from_dto(found)


async def prescriptions(info: Info, patient_id: str) -> list[Prescription]:
    viewer = await info.context.require_viewer()
    async with upstream_guard():
        try:
            items = await RecordService(info.context.runtime).prescriptions(
                viewer.user_id, patient_id
            )
        except NotFound:
            return []
    return [Prescription.from_dto(p) for p in items]


async def notice_page(info: Info, first: int | None, after: str | None) -> NoticeConnection:
    viewer = await info.context.require_viewer()
    async with upstream_guard():
        size = page_size(first)
        cursor = decode_cursor(after)
    if viewer.user_id is None:
        return NoticeConnection(
            unread_count=0, edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None)
        )
    async with info.context.runtime.sessions() as session:
        rows = await notices.page(session, viewer.user_id, size, cursor)
        unread = await notices.unread_count(session, viewer.user_id)
    edges = [
        NoticeEdge(cursor=encode_cursor(n.created_at, n.id), node=Notice.from_row(n))
        for n in rows[:size]
    ]
    return NoticeConnection(
        unread_count=unread,
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None
        ),
    )


async def mark_notices_read(info: Info, ids: list[str]) -> MarkNoticesReadResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> MarkNoticesReadSuccess:
        if viewer.user_id is None:
            return MarkNoticesReadSuccess(unread_count=0)
        count = await notices.mark_read(session, viewer.user_id, ids[:200], runtime.clock.now())
        return MarkNoticesReadSuccess(unread_count=count)

    return cast("MarkNoticesReadResult", await in_one_unit(info, work, MarkNoticesReadResult))
