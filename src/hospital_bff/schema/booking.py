"""Whether a patient may book a schedule, explained."""

from __future__ import annotations

import strawberry

from hospital_bff.schema.enums import ErrorCode


@strawberry.type(description="Can the patient book here; if not, the code and a reason to show")
class Eligibility:
    eligible: bool = strawberry.field(description="True when booking would be accepted now")
    code: ErrorCode | None = strawberry.field(description="Why not, for programs")
    reason: str | None = strawberry.field(description="Why not, for the patient")
