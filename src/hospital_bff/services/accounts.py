"""Accounts, the hospital's users, and the patients bound to them (paper §4.1).

An outside account (a WeChat openid) signs in; verifying a national ID ties it to the one
hospital user of that person, so a second account of the same person sees the same
patients; the user binds HIS patients (themselves and family) from the master index.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import UpstreamRejected, UpstreamUnavailable
from hospital_bff.datasources.his_models import HisPatient
from hospital_bff.pii import mask_national_ids
from hospital_bff.runtime import Runtime
from hospital_bff.services import audit, ratelimit
from hospital_bff.services.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    UpstreamUnavailableError,
)
from hospital_bff.services.national_id import (
    InvalidNationalId,
    NationalId,
    mask_id_number,
    mask_name,
    parse_national_id,
)
from hospital_bff.services.staff import StaffActor
from hospital_bff.store.models import Account, HospitalUser, Order, PatientBinding
from hospital_bff.tokens import IssuedToken

RELATIONS = frozenset({"SELF", "CHILD", "PARENT", "SPOUSE", "OTHER"})
PLATFORMS = frozenset({"WECHAT"})


class InvalidIdNumber(DomainError):
    code = "INVALID_ID_NUMBER"


class IdentityMismatch(DomainError):
    code = "IDENTITY_MISMATCH"

    def __init__(self) -> None:
        super().__init__(
            "姓名、身份证号或手机号与医院登记信息不一致",
            message_en="The name, ID number or phone does not match the hospital's records",
        )


class NotVerified(DomainError):
    code = "NOT_VERIFIED"

    def __init__(self) -> None:
        super().__init__("请先完成实名认证", message_en="Verify your identity first")


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


class SignInRejected(DomainError):
    code = "INVALID_INPUT"

    def __init__(self) -> None:
        super().__init__(
            "登录凭证无效或已过期，请重新授权",
            message_en="The sign-in code is invalid or expired; authorise again",
        )


@dataclass(frozen=True)
class SignedIn:
    account: Account
    user: HospitalUser | None
    token: IssuedToken


def _same(known: str | None, given: str) -> bool:
    # A record without the fact (a HIS entry with no phone) cannot be matched by anyone.
    if known is None:
        return False
    return hmac.compare_digest(known.strip().encode(), given.strip().encode())


def _parse_id(raw: str, runtime: Runtime) -> NationalId:
    try:
        return parse_national_id(raw, runtime.clock.today())
    except InvalidNationalId as exc:
        raise InvalidIdNumber(
            exc.message, message_en=f"Invalid national ID number ({exc.reason})"
        ) from exc


def _check_text(value: str, field: str, max_len: int = 64) -> str:
    value = value.strip()
    if not value or len(value) > max_len:
        raise InvalidInput(f"{field}不正确", message_en=f"Invalid {field}")
    return value


def _check_phone(phone: str) -> str:
    phone = phone.strip()
    if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        raise InvalidInput("手机号应为11位数字", message_en="The phone number must be 11 digits")
    return phone


class AccountService:
    """Sign-in, identity, patients and restrictions. Never commits: the caller's boundary does."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    # --- sign-in ---------------------------------------------------------------------------
    async def sign_in(self, session: AsyncSession, platform: str, code: str) -> SignedIn:
        if platform not in PLATFORMS:
            raise InvalidInput(
                "暂不支持该平台登录", message_en=f"{platform} sign-in is not supported yet"
            )
        if not code or len(code) > 256:
            raise SignInRejected()
        try:
            identity = await self.rt.wechat.exchange_code(code)
        except UpstreamRejected as exc:
            raise SignInRejected() from exc
        except UpstreamUnavailable as exc:
            raise UpstreamUnavailableError("wechat") from exc
        now = self.rt.clock.now()
        account = (
            await session.exec(
                select(Account).where(
                    Account.platform == platform, Account.external_id == identity.openid
                )
            )
        ).first()
        if account is None:
            account = Account(platform=platform, external_id=identity.openid, created_at=now)
            session.add(account)
        account.last_sign_in_at = now
        await session.flush()
        user = await session.get(HospitalUser, account.user_id) if account.user_id else None
        audit.record(
            session,
            now,
            "SIGN_IN",
            user_id=account.user_id,
            account_id=account.id,
            platform=platform,
        )
        token = self.rt.tokens.issue(account.id, "PATIENT", account.id)
        return SignedIn(account=account, user=user, token=token)

    async def _attempt(self, key: str) -> None:
        """One identity attempt under `key`: verification and binding share the hourly budget."""
        limit = self.rt.settings.verify_attempts_per_hour
        await ratelimit.hit(self.rt.redis, key, limit, 3600, self.rt.clock.now())

    # --- identity ----------------------------------------------------------------------------
    async def verify_identity(
        self, session: AsyncSession, account_id: str, name: str, id_number: str, phone: str
    ) -> HospitalUser:
        await self._attempt(f"verify:acc:{account_id}")
        name = _check_text(name, "姓名")
        phone = _check_phone(phone)
        nid = _parse_id(id_number, self.rt)
        id_hash = self.rt.pii.lookup_hash(nid.number)
        await self._attempt(f"verify:id:{id_hash}")
        account = await session.get(Account, account_id)
        if account is None:
            raise NotFound("账户", "account")
        now = self.rt.clock.now()
        user = (
            await session.exec(select(HospitalUser).where(HospitalUser.id_number_hash == id_hash))
        ).first()
        if user is not None:
            # Knowing someone's ID number must not be enough to reach their records.
            if not (
                _same(self.rt.pii.decrypt(user.name_enc), name)
                and _same(self.rt.pii.decrypt(user.phone_enc), phone)
            ):
                await audit.record_apart(
                    self.rt, now, "VERIFY_REJECTED", user_id=user.id, account_id=account_id
                )
                raise IdentityMismatch()
            his_self = await self._his_person(nid.number)
        else:
            his_self = await self._his_person(nid.number)
            if his_self is not None and not (
                _same(his_self.name, name) and _same(his_self.phone, phone)
            ):
                await audit.record_apart(self.rt, now, "VERIFY_REJECTED", account_id=account_id)
                raise IdentityMismatch()
            user = HospitalUser(
                id_number_hash=id_hash,
                id_number_enc=self.rt.pii.encrypt(nid.number),
                name_enc=self.rt.pii.encrypt(name),
                masked_name=mask_name(name),
                phone_enc=self.rt.pii.encrypt(phone),
                created_at=now,
            )
            session.add(user)
            await session.flush()
        if account.user_id is not None and account.user_id != user.id:
            raise DomainError(
                "该账户已认证为其他人",
                code="INVALID_STATE",
                message_en="This account is verified as someone else",
            )
        account.user_id = user.id
        if his_self is not None:
            await self._bind(session, user, his_self, "SELF", now, quiet=True)
        audit.record(session, now, "VERIFY_IDENTITY", user_id=user.id, account_id=account_id)
        await session.flush()
        return user

    async def _his_person(self, id_number: str) -> HisPatient | None:
        try:
            found = await self.rt.his.lookup_patients(id_number)
        except UpstreamUnavailable as exc:
            raise UpstreamUnavailableError("his") from exc
        return found[0] if found else None

    # --- patients ----------------------------------------------------------------------------
    async def bind_patient(
        self,
        session: AsyncSession,
        user_id: str,
        account_id: str | None,
        name: str,
        id_number: str,
        phone: str,
        relation: str,
    ) -> PatientBinding:
        await self._attempt(f"bind:usr:{user_id}")
        if relation not in RELATIONS:
            raise InvalidInput("关系不正确", message_en="Invalid relation")
        name = _check_text(name, "姓名")
        phone = _check_phone(phone)
        nid = _parse_id(id_number, self.rt)
        id_hash = self.rt.pii.lookup_hash(nid.number)
        await self._attempt(f"bind:id:{id_hash}")
        user = await session.get(HospitalUser, user_id)
        if user is None:
            raise NotVerified()
        if relation == "SELF" and user.id_number_hash != id_hash:
            raise InvalidInput(
                "“本人”只能绑定认证身份本人", message_en="SELF must be the verified person"
            )
        person = await self._his_person(nid.number)
        now = self.rt.clock.now()
        if person is None:
            raise DomainError(
                "医院未找到该就诊人的登记信息，请先到医院建档",
                code="NOT_FOUND",
                message_en=(
                    "The hospital has no record of this person; register at the hospital first"
                ),
            )
        if not (_same(person.name, name) and _same(person.phone, phone)):
            await audit.record_apart(
                self.rt, now, "BIND_REJECTED", user_id=user_id, account_id=account_id
            )
            raise IdentityMismatch()
        binding = await self._bind(session, user, person, relation, now)
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

    async def _bind(
        self,
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
        if active >= self.rt.settings.max_patients_per_user:
            if quiet:
                return None
            raise PatientLimitReached(self.rt.settings.max_patients_per_user)
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
        self, session: AsyncSession, user_id: str, account_id: str | None, patient_id: str
    ) -> None:
        binding = await self.binding(session, user_id, patient_id)
        now = self.rt.clock.now()
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

    async def patients(self, session: AsyncSession, user_id: str) -> list[PatientBinding]:
        rows = await session.exec(
            select(PatientBinding)
            .where(PatientBinding.user_id == user_id, col(PatientBinding.active).is_(True))
            .order_by(col(PatientBinding.bound_at))
        )
        return list(rows.all())

    async def binding(
        self, session: AsyncSession, user_id: str | None, patient_id: str
    ) -> PatientBinding:
        """The caller's active binding of a patient; someone else's looks like none."""
        if user_id is None:
            raise NotFound("就诊人", "patient")
        found = (
            await session.exec(
                select(PatientBinding).where(
                    PatientBinding.user_id == user_id,
                    PatientBinding.his_patient_id == patient_id,
                    col(PatientBinding.active).is_(True),
                )
            )
        ).first()
        if found is None:
            raise NotFound("就诊人", "patient")
        return found

    # --- restrictions ------------------------------------------------------------------------
    async def restrict_user(
        self, session: AsyncSession, staff: StaffActor, user_id: str, until: datetime, reason: str
    ) -> HospitalUser:
        if until.tzinfo is None:
            raise InvalidInput("时间需带时区", message_en="`until` needs a UTC offset")
        user = await session.get(HospitalUser, user_id)
        if user is None:
            raise NotFound("用户", "user")
        user.restricted_until = until
        # Free text from staff: a number typed into it must not land in the table in clear.
        user.restriction_reason = mask_national_ids(_check_text(reason, "原因", 256))
        session.add(user)
        audit.record(
            session,
            self.rt.clock.now(),
            "RESTRICT_USER",
            user_id=user_id,
            **staff.audit_fields(),
            until=until.isoformat(),
            reason=user.restriction_reason,
        )
        return user

    async def record_no_show(self, session: AsyncSession, order: Order) -> HospitalUser | None:
        """Three no-shows in 90 days (configurable) restrict the user for a while."""
        settings = self.rt.settings
        now = self.rt.clock.now()
        since = now - timedelta(days=settings.no_show_window_days)
        count = (
            await session.exec(
                select(func.count())
                .select_from(Order)
                .where(
                    Order.user_id == order.user_id,
                    col(Order.no_show).is_(True),
                    col(Order.starts_at) >= since,
                )
            )
        ).one()
        if count < settings.no_show_limit:
            return None
        user = await session.get(HospitalUser, order.user_id)
        if user is None:
            return None
        until = now + timedelta(days=settings.no_show_restriction_days)
        if user.restricted_until is None or user.restricted_until < until:
            user.restricted_until = until
            user.restriction_reason = f"{settings.no_show_window_days}天内爽约{count}次"
            session.add(user)
            audit.record(session, now, "AUTO_RESTRICT", user_id=user.id, no_shows=count)
        return user
