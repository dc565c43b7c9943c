"""Accounts, the hospital's users, and the patients bound to them (paper §4.1).

An outside account (a WeChat openid) signs in; verifying a national ID against the HIS's
master index ties it to the one hospital user of that person, so a second account of the
same person sees the same patients; the user binds HIS patients (themselves and family) from
the master index. The HIS is the only authority on who a person is: nothing is verified or
bound on facts it does not hold, and a person it does not know registers at the hospital
first (paper §4.1: 医院用户与HIS中患者主索引进行绑定).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import UpstreamRejected, UpstreamUnavailable
from hospital_bff.datasources.his_models import HisPatient
from hospital_bff.national_id import (
    InvalidNationalId,
    NationalId,
    mask_id_number,
    mask_name,
    parse_national_id,
)
from hospital_bff.pii import mask_national_ids
from hospital_bff.runtime import Runtime
from hospital_bff.services import audit, identity_attempts, ratelimit
from hospital_bff.services.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    UpstreamUnavailableError,
)
from hospital_bff.services.staff import StaffActor
from hospital_bff.store.models import Account, HospitalUser, Order, PatientBinding
from hospital_bff.tokens import IssuedToken

# WeChat's and Alipay's codes are short URL-safe tokens; anything else is refused before the
# platform is asked.
SIGN_IN_CODE = re.compile(r"[A-Za-z0-9_-]{8,128}")
SIGN_IN_WINDOW_SECONDS = 600
RELATIONS = frozenset({"SELF", "CHILD", "PARENT", "SPOUSE", "OTHER"})
PLATFORMS = frozenset({"WECHAT", "ALIPAY"})


class InvalidIdNumber(DomainError):
    code = "INVALID_ID_NUMBER"


class IdentityMismatch(DomainError):
    """The one answer for facts the HIS does not hold, whether or not it knows the number."""

    code = "IDENTITY_MISMATCH"

    def __init__(self) -> None:
        super().__init__(
            "姓名、身份证号或手机号与医院登记信息不一致；未在本院建档的请先到医院建档",
            message_en=(
                "The name, ID number or phone does not match the hospital's records; "
                "if you have never registered at the hospital, register there first"
            ),
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


def _matching(records: list[HisPatient], name: str, phone: str) -> HisPatient | None:
    """The HIS record these facts match, if any. Every record is compared in full (and a blank
    one when there is none), so an unknown number costs what a wrong name costs."""
    found: HisPatient | None = None
    candidates: list[tuple[HisPatient | None, str | None, str | None]] = [
        (r, r.name, r.phone) for r in records
    ] or [(None, "", "")]
    for record, known_name, known_phone in candidates:
        same = _same(known_name, name) & _same(known_phone, phone)
        if same and found is None:
            found = record
    return found


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
    async def sign_in(
        self, session: AsyncSession, platform: str, code: str, address: str
    ) -> SignedIn:
        """Exchange a WeChat or Alipay code. Refused codes count per client address (Redis;
        see ratelimit.py), whichever the platform, so nobody relays a flood of guesses to
        either; a code that cannot be one is refused without asking the platform at all.

        The account is the platform's user (platform + its id); verifying the identity ties
        it to the one hospital user of that person, whatever platform verified first."""
        if platform not in PLATFORMS:
            raise InvalidInput(
                "暂不支持该平台登录", message_en=f"{platform} sign-in is not supported yet"
            )
        if platform == "ALIPAY" and self.rt.alipay is None:
            raise InvalidInput(
                "本院暂未开通支付宝登录，请使用微信登录",
                message_en="Alipay sign-in is not offered by this hospital; use WeChat",
            )
        settings, now = self.rt.settings, self.rt.clock.now()
        by_address = f"signin:ip:{address}"
        attempt = await ratelimit.hit(
            self.rt.redis,
            by_address,
            settings.sign_in_failures_per_address,
            SIGN_IN_WINDOW_SECONDS,
            now,
        )
        if not SIGN_IN_CODE.fullmatch(code):
            raise SignInRejected()
        try:
            external_id = await self._exchange(platform, code)
        except UpstreamRejected as exc:
            raise SignInRejected() from exc
        except UpstreamUnavailable as exc:
            await ratelimit.forgive(self.rt.redis, by_address, attempt)
            raise UpstreamUnavailableError(exc.system) from exc
        await ratelimit.forgive(self.rt.redis, by_address, attempt)
        await ratelimit.hit(
            self.rt.redis,
            f"signin:openid:{platform}:{external_id}",
            settings.sign_ins_per_openid_per_hour,
            3600,
            now,
        )
        account = (
            await session.exec(
                select(Account).where(
                    Account.platform == platform, Account.external_id == external_id
                )
            )
        ).first()
        if account is None:
            account = Account(platform=platform, external_id=external_id, created_at=now)
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

    async def _exchange(self, platform: str, code: str) -> str:
        """The platform's id of the user whose one-time code this is."""
        if platform == "ALIPAY":
            assert self.rt.alipay is not None  # refused above when not configured
            return (await self.rt.alipay.exchange_code(code)).external_id
        return (await self.rt.wechat.exchange_code(code)).openid

    # --- attempts ----------------------------------------------------------------------------
    @asynccontextmanager
    async def _attempt(self, account_key: str, address: str) -> AsyncIterator[None]:
        """One identity check (verify or bind): they share the budgets of the account (in the
        database: it must survive a Redis restart) and of the client address (Redis).

        Nothing counts against the person being checked: a stranger's failures must never lock
        the owner out (and a per-person limit that let the HIS-verified owner through would
        stop nobody, so there is none). The HIS being away is taken back from both budgets.
        """
        settings, now = self.rt.settings, self.rt.clock.now()
        row = await identity_attempts.reserve(
            self.rt, account_key, settings.verify_attempts_per_hour, timedelta(hours=1), now
        )
        by_address = f"identity:ip:{address}"
        try:
            member = await ratelimit.hit(
                self.rt.redis, by_address, settings.verify_attempts_per_address_per_hour, 3600, now
            )
        except ratelimit.RateLimited:
            await identity_attempts.forgive(self.rt, row)
            raise
        try:
            yield
        except UpstreamUnavailableError:
            # The HIS was away (before anything was written): nothing was learnt or tried.
            await identity_attempts.forgive(self.rt, row)
            await ratelimit.forgive(self.rt.redis, by_address, member)
            raise
        except DomainError:
            raise
        except Exception:
            await ratelimit.forgive(self.rt.redis, by_address, member)
            raise
        else:
            # Only failures count per address: many honest people share one (a hospital's
            # Wi-Fi, a carrier's NAT). The account's row stays: its work holds the database's
            # write lock now, and an account verifies once and binds a handful of people.
            await ratelimit.forgive(self.rt.redis, by_address, member)

    async def _his_records(self, id_number: str) -> list[HisPatient]:
        try:
            return await self.rt.his.lookup_patients(id_number)
        except UpstreamUnavailable as exc:
            raise UpstreamUnavailableError("his") from exc

    # --- identity ----------------------------------------------------------------------------
    async def verify_identity(
        self,
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
        async with self._attempt(f"acc:{account_id}", address):
            return await self._verify(session, account_id, name, id_number, phone)

    async def _verify(
        self, session: AsyncSession, account_id: str, name: str, id_number: str, phone: str
    ) -> HospitalUser:
        name = _check_text(name, "姓名")
        phone = _check_phone(phone)
        nid = _parse_id(id_number, self.rt)
        # The HIS first, before this transaction reads anything: no connection idles in a
        # transaction while the HIS answers.
        records = await self._his_records(nid.number)
        account = await session.get(Account, account_id)
        if account is None:
            raise NotFound("账户", "account")
        person = _matching(records, name, phone)
        now = self.rt.clock.now()
        if person is None:
            await audit.record_apart(self.rt, now, "VERIFY_REJECTED", account_id=account_id)
            raise IdentityMismatch()
        id_hash = self.rt.pii.lookup_hash(nid.number)
        user = (
            await session.exec(select(HospitalUser).where(HospitalUser.id_number_hash == id_hash))
        ).first()
        if user is not None and not await self._backed_by_his(session, user, records):
            await self._supersede(session, user, now)
            user = None
        if user is None:
            user = HospitalUser(
                id_number_hash=id_hash,
                id_number_enc=self.rt.pii.encrypt(nid.number),
                name_enc="",
                masked_name="",
                phone_enc="",
                created_at=now,
            )
        # The HIS's facts, fresh at each verification (it may have a new phone by now).
        user.name_enc = self.rt.pii.encrypt(person.name)
        user.masked_name = mask_name(person.name)
        user.phone_enc = self.rt.pii.encrypt(person.phone or phone)
        session.add(user)
        await session.flush()
        if account.user_id is not None and account.user_id != user.id:
            raise DomainError(
                "该账户已认证为其他人",
                code="INVALID_STATE",
                message_en="This account is verified as someone else",
            )
        account.user_id = user.id
        await self._bind(session, user, person, "SELF", now, quiet=True)
        audit.record(session, now, "VERIFY_IDENTITY", user_id=user.id, account_id=account_id)
        await session.flush()
        return user

    async def _backed_by_his(
        self, session: AsyncSession, user: HospitalUser, records: list[HisPatient]
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

    async def _supersede(self, session: AsyncSession, user: HospitalUser, now: datetime) -> None:
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

    # --- patients ----------------------------------------------------------------------------
    async def bind_patient(
        self,
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
        async with self._attempt(key, address):
            return await self._bind_checked(
                session, user_id, account_id, name, id_number, phone, relation
            )

    async def _bind_checked(
        self,
        session: AsyncSession,
        user_id: str,
        account_id: str | None,
        name: str,
        id_number: str,
        phone: str,
        relation: str,
    ) -> PatientBinding:
        if relation not in RELATIONS:
            raise InvalidInput("关系不正确", message_en="Invalid relation")
        name = _check_text(name, "姓名")
        phone = _check_phone(phone)
        nid = _parse_id(id_number, self.rt)
        user = await session.get(HospitalUser, user_id)
        if user is None:
            raise NotVerified()
        if relation == "SELF" and user.id_number_hash != self.rt.pii.lookup_hash(nid.number):
            raise InvalidInput(
                "“本人”只能绑定认证身份本人", message_en="SELF must be the verified person"
            )
        person = _matching(await self._his_records(nid.number), name, phone)
        now = self.rt.clock.now()
        if person is None:
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
