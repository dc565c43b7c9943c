"""Verifying who the user is: the HIS's master index holds these facts, and the account is
tied to the one hospital user of that person."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.his_models import HisPatient
from hospital_bff.national_id import mask_name
from hospital_bff.runtime import Runtime
from hospital_bff.services import audit
from hospital_bff.services.accounts import matching, patients
from hospital_bff.services.errors import DomainError, NotFound
from hospital_bff.store.models import Account, HospitalUser, PatientBinding


async def verify_identity(
    runtime: Runtime,
    session: AsyncSession,
    account_id: str,
    address: str,
    name: str,
    id_number: str,
    phone: str,
) -> HospitalUser:
    """Tie the account to the hospital user of the person the HIS knows by these facts.

    The HIS is the only authority: a number it does not know and facts it does not hold
    get the same answer after the same work (one master-index lookup, the same
    comparisons, one audit row) and leave nothing behind, so this is no oracle of who is
    a patient, and nobody can claim a number ahead of its owner. A new person registers
    at the hospital (建档) first; the HIS WebAPI publishes no registration call.
    """
    async with matching.identity_attempt(runtime, f"acc:{account_id}", address):
        return await _verify(runtime, session, account_id, name, id_number, phone)


async def _verify(
    runtime: Runtime, session: AsyncSession, account_id: str, name: str, id_number: str, phone: str
) -> HospitalUser:
    name = matching.check_text(name, "姓名")
    phone = matching.check_phone(phone)
    nid = matching.parse_id(id_number, runtime)
    # The HIS first, before this transaction reads anything: no connection idles in a
    # transaction while the HIS answers.
    records = await matching.his_records(runtime, nid.number)
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound("账户", "account")
    person = matching.matching_record(records, name, phone)
    now = runtime.clock.now()
    if person is None:
        await audit.record_apart(runtime, now, "VERIFY_REJECTED", account_id=account_id)
        raise matching.IdentityMismatch()
    id_hash = runtime.pii.lookup_hash(nid.number)
    user = (
        await session.exec(select(HospitalUser).where(HospitalUser.id_number_hash == id_hash))
    ).first()
    if user is not None and not await _backed_by_his(session, user, records):
        await _supersede(session, user, now)
        user = None
    if user is None:
        user = HospitalUser(
            id_number_hash=id_hash,
            id_number_enc=runtime.pii.encrypt(nid.number),
            name_enc="",
            masked_name="",
            phone_enc="",
            created_at=now,
        )
    # The HIS's facts, fresh at each verification (it may have a new phone by now).
    user.name_enc = runtime.pii.encrypt(person.name)
    user.masked_name = mask_name(person.name)
    user.phone_enc = runtime.pii.encrypt(person.phone or phone)
    session.add(user)
    await session.flush()
    if account.user_id is not None and account.user_id != user.id:
        raise DomainError(
            "该账户已认证为其他人",
            code="INVALID_STATE",
            message_en="This account is verified as someone else",
        )
    account.user_id = user.id
    await patients.bind(runtime, session, user, person, "SELF", now, quiet=True)
    audit.record(session, now, "VERIFY_IDENTITY", user_id=user.id, account_id=account_id)
    await session.flush()
    return user


async def _backed_by_his(
    session: AsyncSession, user: HospitalUser, records: list[HisPatient]
) -> bool:
    """Was this user made by a verification against the HIS? Such a user holds (or held)
    a binding of one of the HIS's records of the number: SELF is bound at verification."""
    if not records:
        return False
    found = (
        await session.exec(
            select(PatientBinding.id).where(
                PatientBinding.user_id == user.id,
                col(PatientBinding.his_patient_id).in_([r.id for r in records]),
            )
        )
    ).first()
    return found is not None


async def _supersede(session: AsyncSession, user: HospitalUser, now: datetime) -> None:
    """Retire a user made by a claim the HIS never backed (before verification asked the
    HIS): its accounts lose the unproven verification and its number is freed for the
    person the HIS knows. Its orders and history stay on the retired row."""
    user.id_number_hash = f"superseded:{user.id}"
    session.add(user)
    accounts = await session.exec(select(Account).where(Account.user_id == user.id))
    for claimed in accounts.all():
        claimed.user_id = None
        session.add(claimed)
    bindings = await session.exec(
        select(PatientBinding).where(
            PatientBinding.user_id == user.id, col(PatientBinding.active).is_(True)
        )
    )
    for binding in bindings.all():
        binding.active = False
        binding.unbound_at = now
        session.add(binding)
    audit.record(session, now, "UNBACKED_CLAIM_SUPERSEDED", user_id=user.id)
    await session.flush()
