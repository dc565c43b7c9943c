"""A patient's active registrations as the HIS knows them: every channel, not only ours.

Three quarters of a hospital's registrations are made at the window or a kiosk; the booking
limits (paper §4.2) are the hospital's, so they count those too. The answer is cached a few
seconds (a patient booking twice in a row asks once); when the HIS cannot answer, the caller
gets `UpstreamUnavailable` and refuses, rather than guessing from our own orders alone.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from hospital_bff.datasources.errors import UpstreamRejected
from hospital_bff.runtime import Runtime
from hospital_bff.services.eligibility import BookedVisit


def cache_key(patient_id: str, day: date) -> str:
    return f"his-registrations:{patient_id}:{day.isoformat()}"


async def his_visits(runtime: Runtime, patient_id: str, day: date) -> list[BookedVisit]:
    """The patient's CONFIRMED registrations at the HIS for visits on `day`."""
    key = cache_key(patient_id, day)
    cached = await runtime.cache.get_json(key)
    if cached is not None:
        return [BookedVisit(**v) for v in cached]
    try:
        found = await runtime.his.active_registrations(patient_id, day, day)
    except UpstreamRejected as exc:
        if exc.code in {"NOT_FOUND", "HTTP_404"}:
            # Not a patient of the HIS: no registrations; whether the caller may book for
            # this ID at all is the binding check's answer, not this one's.
            return []
        raise
    # A HIS that leaves out a registration's department is asked for its schedules once.
    unknown = sorted({r.schedule_id for r in found if r.department_id is None})
    departments = {}
    if unknown:
        departments = {s.id: s.department_id for s in await runtime.his.schedules(ids=unknown)}
    visits = [
        BookedVisit(
            order_id=r.order_id,
            schedule_id=r.schedule_id,
            department_id=r.department_id or departments.get(r.schedule_id, ""),
        )
        for r in found
        if r.visit_date is None or r.visit_date == day
    ]
    await runtime.cache.set_json(
        key, [asdict(v) for v in visits], runtime.settings.cache_his_registrations_ttl
    )
    return visits
