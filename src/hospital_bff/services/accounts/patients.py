"""The patients a user books and pays for: themselves and family, bound from the HIS's master
index on facts it holds, at most a few per user."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, bindparam
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.his_models import HisPatient
from hospital_bff.national_id import mask_id_number
from hospital_bff.runtime import Runtime
from hospital_bff.services import audit
from hospital_bff.services.accounts import matching
from hospital_bff.services.errors import DomainError, InvalidInput, NotFound, NotVerified
from hospital_bff.store.models import HospitalUser, PatientBinding


class Relation(StrEnum):
    """How a patient is related to the user who binds them; the schema's Relation is this."""

    SELF = "SELF"
    CHILD = "CHILD"
    PARENT = "PARENT"
    SPOUSE = "SPOUSE"
    OTHER = "OTHER"


class AlreadyBound(DomainError):
    code = "ALREADY_BOUND"

    def __init__(self) -> None:
        super().__init__("该就诊人已绑定", message_en="This patient is already bound")


class PatientLimitReached(DomainError):
    code = "PATIENT_LIMIT_REACHED"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"每位用户最多绑定{limit}位就诊人", message_en=f"At most {limit} patients per user"
        )


async def bind_patient(
    runtime: Runtime,
    session: AsyncSession,
    user_id: str,
    account_id: str | None,
    address: str,
    name: str,
    id_number: str,
    phone: str,
    relation: str,
) -> PatientBinding:
    """Bind a person the HIS knows by these facts; an unknown number and wrong facts get
    the same answer (IDENTITY_MISMATCH), as at verification."""
    key = f"acc:{account_id}" if account_id else f"usr:{user_id}"
    async with matching.identity_attempt(runtime, key, address):
        return await _bind_checked(
            runtime, session, user_id, account_id, name, id_number, phone, relation
        )


async def _bind_checked(
    runtime: Runtime,
    session: AsyncSession,
    user_id: str,
    account_id: str | None,
    name: str,
    id_number: str,
    phone: str,
    relation: str,
) -> PatientBinding:
    if relation not in set(Relation):
        raise InvalidInput("关系不正确", message_en="Invalid relation")
    name = matching.check_text(name, "姓名")
    phone = matching.check_phone(phone)
    nid = matching.parse_id(id_number, runtime)
    user = await session.get(HospitalUser, user_id)
    if user is None:
        raise NotVerified()
    if relation == Relation.SELF and user.id_number_hash != runtime.pii.lookup_hash(nid.number):
        raise InvalidInput(
            "“本人”只能绑定认证身份本人", message_en="SELF must be the verified person"
        )
    person = matching.matching_record(await matching.his_records(runtime, nid.number), name, phone)
    now = runtime.clock.now()
    if person is None:
        await audit.record_apart(
            runtime, now, "BIND_REJECTED", user_id=user_id, account_id=account_id
        )
        raise matching.IdentityMismatch()
    binding = await bind(runtime, session, user, person, relation, now)
    assert binding is not None  # only a quiet bind skips
    audit.record(
        session,
        now,
        "BIND_PATIENT",
        user_id=user_id,
        account_id=account_id,
        subject=person.id,
        relation=relation,
    )
    return binding


async def bind(
    runtime: Runtime,
    session: AsyncSession,
    user: HospitalUser,
    person: HisPatient,
    relation: str,
    now: datetime,
    *,
    quiet: bool = False,
) -> PatientBinding | None:
    """Bind (or re-bind) `person`; `quiet` (SELF at verification) skips instead of refusing."""
    existing = (
        await session.exec(
            select(PatientBinding).where(
                PatientBinding.user_id == user.id, PatientBinding.his_patient_id == person.id
            )
        )
    ).first()
    if existing is not None and existing.active:
        if quiet:
            return existing
        raise AlreadyBound()
    active = (
        await session.exec(
            select(func.count())
            .select_from(PatientBinding)
            .where(PatientBinding.user_id == user.id, col(PatientBinding.active).is_(True))
        )
    ).one()
    if active >= runtime.settings.max_patients_per_user:
        if quiet:
            return None
        raise PatientLimitReached(runtime.settings.max_patients_per_user)
    # The HIS's facts, fresh at each (re-)binding; a re-bound patient keeps their row and ID.
    facts: dict[str, Any] = {
        "relation": relation,
        "name": person.name,
        "masked_id_number": mask_id_number(person.id_number),
        "sex": person.sex,
        "birth_date": person.birth_date,
        "insurance": person.insurance,
        "card_number": person.card_number,
        "active": True,
        "bound_at": now,
        "unbound_at": None,
    }
    if existing is None:
        binding = PatientBinding(user_id=user.id, his_patient_id=person.id, **facts)
    else:
        binding = existing
        binding.sqlmodel_update(facts)
    session.add(binding)
    await session.flush()
    return binding


async def unbind_patient(
    runtime: Runtime, session: AsyncSession, user_id: str, account_id: str | None, patient_id: str
) -> None:
    binding = await binding_of(session, user_id, patient_id)
    now = runtime.clock.now()
    binding.active = False
    binding.unbound_at = now
    session.add(binding)
    audit.record(
        session,
        now,
        "UNBIND_PATIENT",
        user_id=user_id,
        account_id=account_id,
        subject=patient_id,
    )


async def bound_patients(session: AsyncSession, user_id: str) -> list[PatientBinding]:
    rows = await session.exec(
        select(PatientBinding)
        .where(PatientBinding.user_id == user_id, col(PatientBinding.active).is_(True))
        .order_by(col(PatientBinding.bound_at))
    )
    return list(rows.all())


# Built once: every booking and eligibility check asks it (see orders._BY_KEY).
# A user's active binding of a patient (parameters `user_id`, `patient_id`).
ACTIVE_BINDING = and_(
    col(PatientBinding.user_id) == bindparam("user_id"),
    col(PatientBinding.his_patient_id) == bindparam("patient_id"),
    col(PatientBinding.active).is_(True),
)
_BINDING_OF = select(PatientBinding).where(ACTIVE_BINDING)


async def binding_of(session: AsyncSession, user_id: str | None, patient_id: str) -> PatientBinding:
    """The caller's active binding of a patient; someone else's looks like none."""
    if user_id is None:
        raise NotFound("就诊人", "patient")
    params = {"user_id": user_id, "patient_id": patient_id}
    found = (await session.exec(_BINDING_OF, params=params)).first()
    if found is None:
        raise NotFound("就诊人", "patient")
    return found
