"""A patient's active registrations as the HIS knows them: every channel, not only ours.

Three quarters of a hospital's registrations are made at the window or a kiosk; the booking
limits (paper §4.2) are the hospital's, so they count those too. The answer is cached a few
seconds (a patient booking twice in a row asks once); when the HIS cannot answer, the caller
gets `UpstreamUnavailable` and refuses, rather than guessing from our own orders alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date

from hospital_bff.datasources.errors import UpstreamRejected
from hospital_bff.runtime import Runtime
from hospital_bff.services.eligibility import BookedVisit


def cache_key(patient_id: str, day: date) -> str:
    return f"his-registrations:{patient_id}:{day.isoformat()}"


async def his_visits(runtime: Runtime, patient_id: str, day: date) -> list[BookedVisit]:
    """The patient's CONFIRMED registrations at the HIS for visits on `day`."""
    return (await his_visits_by_day(runtime, patient_id, [day]))[day]


async def his_visits_by_day(
    runtime: Runtime, patient_id: str, days: Iterable[date]
) -> dict[date, list[BookedVisit]]:
    """The same for several days at once: one HIS call for the days not cached, whatever
    their number (a week of schedules asks once, not once per schedule)."""
    wanted = sorted(set(days))
    cached = await runtime.cache.get_many_json([cache_key(patient_id, d) for d in wanted])
    visits = {
        d: [BookedVisit(**v) for v in raw]
        for d, raw in zip(wanted, cached, strict=True)
        if raw is not None
    }
    missing = [d for d in wanted if d not in visits]
    if not missing:
        return visits
    try:
        found = await runtime.his.active_registrations(patient_id, missing[0], missing[-1])
    except UpstreamRejected as exc:
        if exc.code in {"NOT_FOUND", "HTTP_404"}:
            # Not a patient of the HIS: no registrations; whether the caller may book for
            # this ID at all is the binding check's answer, not this one's.
            return visits | {d: [] for d in missing}
        raise
    # A HIS that leaves out a registration's department or day is asked for its schedules once.
    one_day = missing[0] if len(missing) == 1 else None
    unknown = sorted(
        {
            r.schedule_id
            for r in found
            if r.department_id is None or (r.visit_date is None and one_day is None)
        }
    )
    schedules = {s.id: s for s in await runtime.his.schedules(ids=unknown)} if unknown else {}
    fresh: dict[date, list[BookedVisit]] = {d: [] for d in missing}
    for r in found:
        schedule = schedules.get(r.schedule_id)
        day = r.visit_date or one_day or (schedule.date if schedule else None)
        # A day nobody can tell counts on every day asked: the limits err towards refusing.
        for d in [day] if day is not None else missing:
            if d in fresh:
                fresh[d].append(
                    BookedVisit(
                        order_id=r.order_id,
                        schedule_id=r.schedule_id,
                        department_id=r.department_id
                        or (schedule.department_id if schedule else ""),
                    )
                )
    ttl = runtime.settings.cache_his_registrations_ttl
    for d, day_visits in fresh.items():
        await runtime.cache.set_json(cache_key(patient_id, d), [asdict(v) for v in day_visits], ttl)
    return visits | fresh
