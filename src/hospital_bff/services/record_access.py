"""Who may read a patient's reports and prescriptions (paper §3.2: 检查检验报告仅允许患者本人查询).

Binding a person (booking and paying for family) does not open their records. A user reads:
- their own, bound as SELF (only the verified person can be bound as SELF);
- a minor's (under 18 by the HIS's birth date) they bound as CHILD: a guardian;
- anyone else's only while the patient's grant to them is in force (given in the app by the
  patient, for REPORTS and/or PRESCRIPTIONS, until an end date, revocable at any time).
Anything else reads as if the records did not exist. The rules are the pure functions at the
top; the rest is the I/O around them: grants, the read trail, and who hears of a new report.

Over 400 lines: the access rules and the I/O they decide are kept in one place on purpose,
so that whoever changes who may read a record sees every reader of the rule.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.services import audit
from hospital_bff.services.errors import InvalidInput, NotFound
from hospital_bff.store.models import HospitalUser, PatientBinding, RecordGrant, RecordRead

ADULT_AGE = 18
# A grant is for a stretch of care, not for good: the patient renews it if it is still needed.
MAX_GRANT_DAYS = 366
# The IDs kept per read of a list: enough to say what was shown, bounded for the row.
MAX_IDS_PER_READ = 50


class RecordScope(enum.StrEnum):
    """What a grant opens."""

    REPORTS = "REPORTS"
    PRESCRIPTIONS = "PRESCRIPTIONS"


class AccessBasis(enum.StrEnum):
    """Why a read was allowed."""

    SELF = "SELF"
    GUARDIAN = "GUARDIAN"
    GRANT = "GRANT"


class RecordReadKind(enum.StrEnum):
    """What was read."""

    REPORT = "REPORT"
    REPORT_LIST = "REPORT_LIST"
    PRESCRIPTION_LIST = "PRESCRIPTION_LIST"


@dataclass(frozen=True)
class GrantTerms:
    """The facts of one grant that decide whether it is in force."""

    scopes: frozenset[RecordScope]
    ends_on: date
    revoked: bool


# --- the rules (pure) ------------------------------------------------------------------------


def age_on(birth_date: date, today: date) -> int:
    """Whole years on `today` (a 29 February birthday comes on 1 March in other years)."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (1 if before_birthday else 0)


def is_minor(birth_date: date, today: date) -> bool:
    return age_on(birth_date, today) < ADULT_AGE


def grant_in_force(terms: GrantTerms, scope: RecordScope, today: date) -> bool:
    return not terms.revoked and scope in terms.scopes and today <= terms.ends_on


def access_basis(
    relation: str,
    birth_date: date,
    grants: Iterable[GrantTerms],
    scope: RecordScope,
    today: date,
) -> AccessBasis | None:
    """Why the holder of a binding (`relation`, the patient's `birth_date`) may read `scope`
    of the patient's records today, or None if they may not."""
    if relation == "SELF":
        return AccessBasis.SELF
    if relation == "CHILD" and is_minor(birth_date, today):
        return AccessBasis.GUARDIAN
    if any(grant_in_force(g, scope, today) for g in grants):
        return AccessBasis.GRANT
    return None


def check_grant_request(
    scopes: Sequence[str], ends_on: date, today: date
) -> frozenset[RecordScope]:
    """The scopes of a grant the patient asks for, or InvalidInput."""
    try:
        chosen = frozenset(RecordScope(s) for s in scopes)
    except ValueError as exc:
        raise InvalidInput("授权范围不正确", message_en="Unknown record scope") from exc
    if not chosen:
        raise InvalidInput("请选择授权范围", message_en="Choose at least one scope")
    if ends_on < today:
        raise InvalidInput("授权截止日期已过", message_en="The end date has passed")
    if ends_on > today + timedelta(days=MAX_GRANT_DAYS):
        raise InvalidInput(
            f"授权最长{MAX_GRANT_DAYS}天", message_en=f"A grant lasts at most {MAX_GRANT_DAYS} days"
        )
    return chosen


def terms_of(grant: RecordGrant) -> GrantTerms:
    return GrantTerms(
        scopes=frozenset(RecordScope(s) for s in grant.scopes),
        ends_on=grant.ends_on,
        revoked=grant.revoked_at is not None,
    )


# --- reading ---------------------------------------------------------------------------------


async def _grants_to(
    session: AsyncSession, grantee_user_id: str, patient_ids: Sequence[str]
) -> dict[str, list[GrantTerms]]:
    if not patient_ids:
        return {}
    rows = await session.exec(
        select(RecordGrant).where(
            RecordGrant.grantee_user_id == grantee_user_id,
            col(RecordGrant.his_patient_id).in_(list(patient_ids)),
            col(RecordGrant.revoked_at).is_(None),
        )
    )
    found: dict[str, list[GrantTerms]] = {}
    for g in rows.all():
        found.setdefault(g.his_patient_id, []).append(terms_of(g))
    return found


async def readable(
    session: AsyncSession,
    user_id: str | None,
    scope: RecordScope,
    today: date,
    patient_id: str | None = None,
) -> dict[str, AccessBasis]:
    """The caller's bound patients (or just `patient_id`) whose `scope` they may read now."""
    if user_id is None:
        return {}
    query = select(PatientBinding).where(
        PatientBinding.user_id == user_id, col(PatientBinding.active).is_(True)
    )
    if patient_id is not None:
        query = query.where(PatientBinding.his_patient_id == patient_id)
    bindings = list((await session.exec(query)).all())
    grants = await _grants_to(session, user_id, [b.his_patient_id for b in bindings])
    allowed: dict[str, AccessBasis] = {}
    for b in bindings:
        basis = access_basis(
            b.relation, b.birth_date, grants.get(b.his_patient_id, []), scope, today
        )
        if basis is not None:
            allowed[b.his_patient_id] = basis
    return allowed


def record_read(
    session: AsyncSession,
    *,
    now: datetime,
    reader_user_id: str,
    patient_id: str,
    kind: RecordReadKind,
    record_ids: Sequence[str],
    basis: AccessBasis,
) -> None:
    """The read trail the patient sees in `myRecordAccess`."""
    session.add(
        RecordRead(
            reader_user_id=reader_user_id,
            his_patient_id=patient_id,
            kind=kind.value,
            record_ids=list(record_ids[:MAX_IDS_PER_READ]),
            basis=basis.value,
            at=now,
        )
    )


async def readers_of(
    session: AsyncSession, patient_id: str, scope: RecordScope, today: date
) -> list[PatientBinding]:
    """The active bindings of a patient whose users may read `scope` of their records now: who
    hears of a new report."""
    bindings = list(
        (
            await session.exec(
                select(PatientBinding).where(
                    PatientBinding.his_patient_id == patient_id,
                    col(PatientBinding.active).is_(True),
                )
            )
        ).all()
    )
    rows = await session.exec(
        select(RecordGrant).where(
            RecordGrant.his_patient_id == patient_id, col(RecordGrant.revoked_at).is_(None)
        )
    )
    grants: dict[str, list[GrantTerms]] = {}
    for g in rows.all():
        grants.setdefault(g.grantee_user_id, []).append(terms_of(g))
    return [
        b
        for b in bindings
        if access_basis(b.relation, b.birth_date, grants.get(b.user_id, []), scope, today)
        is not None
    ]


# --- the patient's side: grants and the trail -------------------------------------------------


async def self_patient(session: AsyncSession, user_id: str | None) -> PatientBinding | None:
    """The caller's binding of themselves: the patient whose records they govern."""
    if user_id is None:
        return None
    return (
        await session.exec(
            select(PatientBinding).where(
                PatientBinding.user_id == user_id,
                PatientBinding.relation == "SELF",
                col(PatientBinding.active).is_(True),
            )
        )
    ).first()


async def _binding_of_me(
    session: AsyncSession, me: PatientBinding, binding_id: str
) -> PatientBinding:
    """Another user's active binding of the caller; anything else looks like none."""
    found = await session.get(PatientBinding, binding_id)
    if (
        found is None
        or not found.active
        or found.his_patient_id != me.his_patient_id
        or found.user_id == me.user_id
    ):
        raise NotFound("绑定", "binding")
    return found


async def grant(
    session: AsyncSession,
    *,
    now: datetime,
    today: date,
    user_id: str | None,
    account_id: str | None,
    binding_id: str,
    scopes: Sequence[str],
    ends_on: date,
) -> RecordGrant:
    """The patient lets the user behind `binding_id` (who bound them) read their records.
    A new grant to the same user replaces the one in force."""
    me = await self_patient(session, user_id)
    if me is None:
        raise NotFound("绑定", "binding")
    theirs = await _binding_of_me(session, me, binding_id)
    chosen = check_grant_request(scopes, ends_on, today)
    for old in await _open_grants(session, me.his_patient_id, theirs.user_id):
        old.revoked_at = now
        session.add(old)
    row = RecordGrant(
        his_patient_id=me.his_patient_id,
        grantor_user_id=me.user_id,
        grantee_user_id=theirs.user_id,
        binding_id=theirs.id,
        scopes=sorted(s.value for s in chosen),
        ends_on=ends_on,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    audit.record(
        session,
        now,
        "GRANT_RECORD_ACCESS",
        user_id=me.user_id,
        account_id=account_id,
        subject=row.id,
        grantee=theirs.user_id,
        scopes=row.scopes,
        ends_on=ends_on.isoformat(),
    )
    return row


async def _open_grants(
    session: AsyncSession, patient_id: str, grantee_user_id: str
) -> list[RecordGrant]:
    rows = await session.exec(
        select(RecordGrant).where(
            RecordGrant.his_patient_id == patient_id,
            RecordGrant.grantee_user_id == grantee_user_id,
            col(RecordGrant.revoked_at).is_(None),
        )
    )
    return list(rows.all())


async def revoke(
    session: AsyncSession,
    *,
    now: datetime,
    user_id: str | None,
    account_id: str | None,
    grant_id: str,
) -> RecordGrant:
    """The patient takes a grant back; a grant of someone else's records looks like none."""
    me = await self_patient(session, user_id)
    row = await session.get(RecordGrant, grant_id)
    if me is None or row is None or row.his_patient_id != me.his_patient_id:
        raise NotFound("授权", "grant")
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        audit.record(
            session,
            now,
            "REVOKE_RECORD_ACCESS",
            user_id=me.user_id,
            account_id=account_id,
            subject=row.id,
            grantee=row.grantee_user_id,
        )
    return row


@dataclass(frozen=True)
class BoundBy:
    """Another user who bound the patient, and the grant in force to them, if any."""

    binding: PatientBinding
    user_name: str
    grant: RecordGrant | None


@dataclass(frozen=True)
class ReadEntry:
    read: RecordRead
    reader_name: str
    by_patient: bool


@dataclass(frozen=True)
class RecordAccessView:
    """What the patient sees of who can read their records and who has."""

    patient: PatientBinding
    bound_by: list[BoundBy]
    grants: list[RecordGrant]
    reads: list[ReadEntry]


async def access_view(
    session: AsyncSession, user_id: str | None, today: date, reads_limit: int
) -> RecordAccessView | None:
    me = await self_patient(session, user_id)
    if me is None:
        return None
    others = list(
        (
            await session.exec(
                select(PatientBinding)
                .where(
                    PatientBinding.his_patient_id == me.his_patient_id,
                    col(PatientBinding.active).is_(True),
                    PatientBinding.user_id != me.user_id,
                )
                .order_by(col(PatientBinding.bound_at))
            )
        ).all()
    )
    grants = list(
        (
            await session.exec(
                select(RecordGrant)
                .where(RecordGrant.his_patient_id == me.his_patient_id)
                .order_by(col(RecordGrant.created_at).desc(), col(RecordGrant.id).desc())
            )
        ).all()
    )
    reads = list(
        (
            await session.exec(
                select(RecordRead)
                .where(RecordRead.his_patient_id == me.his_patient_id)
                .order_by(col(RecordRead.at).desc(), col(RecordRead.id).desc())
                .limit(reads_limit)
            )
        ).all()
    )
    user_ids = {b.user_id for b in others} | {r.reader_user_id for r in reads}
    names = {
        u.id: u.masked_name
        for u in (
            await session.exec(select(HospitalUser).where(col(HospitalUser.id).in_(user_ids)))
        ).all()
    }
    in_force = {
        g.grantee_user_id: g
        for g in reversed(grants)
        if g.revoked_at is None and today <= g.ends_on
    }
    return RecordAccessView(
        patient=me,
        bound_by=[
            BoundBy(binding=b, user_name=names.get(b.user_id, ""), grant=in_force.get(b.user_id))
            for b in others
        ],
        grants=grants,
        reads=[
            ReadEntry(
                read=r,
                reader_name=names.get(r.reader_user_id, ""),
                by_patient=r.reader_user_id == me.user_id,
            )
            for r in reads
        ],
    )
