"""Whether a patient may book a schedule, explained.

The answer is made here, beside its type, from what the base of the GraphQL layer offers (the
context's loaders and error guard): a schedule's `eligibility` field and the eligibility overlay
both read it, and the schema's types import nothing from the resolvers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from hospital_bff.resolvers.errors import upstream_guard
from hospital_bff.schema.enums import ErrorCode
from hospital_bff.services.booking_facts import schedule_facts
from hospital_bff.services.errors import NotFound

if TYPE_CHECKING:
    from hospital_bff.datasources import his_models as his
    from hospital_bff.resolvers.context import Context


@strawberry.type(description="Can the patient book here; if not, the code and a reason to show")
class Eligibility:
    eligible: bool = strawberry.field(description="True when booking would be accepted now")
    code: ErrorCode | None = strawberry.field(description="Why not, for programs")
    reason: str | None = strawberry.field(description="Why not, for the patient")


async def eligibility_in(
    context: Context, schedule: his.Schedule, patient_id: strawberry.ID | str | None
) -> Eligibility:
    """With a patient: the booking rules' verdict. Without: open and not full, for anyone."""
    lang = context.lang
    if patient_id is None:
        facts = schedule_facts(schedule, None)
        if facts.status != "OPEN":
            code = ErrorCode.SLOT_FULL if facts.status == "FULL" else ErrorCode.SCHEDULE_NOT_OPEN
            reason = (
                ("号源已满" if lang != "en" else "Fully booked")
                if code == ErrorCode.SLOT_FULL
                else ("该排班暂不可预约" if lang != "en" else "This schedule is not open")
            )
            return Eligibility(eligible=False, code=code, reason=reason)
        return Eligibility(eligible=True, code=None, reason=None)
    viewer = await context.require_viewer()
    async with upstream_guard():
        try:
            verdict = await context.loaders.eligibility_of(
                viewer.user_id or "", str(patient_id), schedule
            )
        except NotFound:
            # Someone else's patient answers like a missing one.
            return Eligibility(
                eligible=False,
                code=ErrorCode.NOT_FOUND,
                reason="就诊人不存在" if lang != "en" else "Patient not found",
            )
    if verdict.eligible:
        return Eligibility(eligible=True, code=None, reason=None)
    return Eligibility(
        eligible=False,
        code=ErrorCode(verdict.code) if verdict.code else None,
        reason=verdict.reason_en if lang == "en" else verdict.reason,
    )
