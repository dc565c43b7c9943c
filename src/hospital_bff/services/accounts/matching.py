"""Checking a person's facts against the HIS's master index, the one way for verification and
for binding: the same comparisons for a known and an unknown number, and one attempt budget."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.datasources.his_models import HisPatient
from hospital_bff.national_id import InvalidNationalId, NationalId, parse_national_id
from hospital_bff.outages import TryAgain
from hospital_bff.runtime import Runtime
from hospital_bff.services import identity_attempts, ratelimit
from hospital_bff.services.errors import DomainError, InvalidInput, UpstreamUnavailableError


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


def _same(known: str | None, given: str) -> bool:
    # A record without the fact (a HIS entry with no phone) cannot be matched by anyone.
    if known is None:
        return False
    return hmac.compare_digest(known.strip().encode(), given.strip().encode())


def matching_record(records: list[HisPatient], name: str, phone: str) -> HisPatient | None:
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


def parse_id(raw: str, runtime: Runtime) -> NationalId:
    try:
        return parse_national_id(raw, runtime.clock.today())
    except InvalidNationalId as exc:
        raise InvalidIdNumber(
            exc.message, message_en=f"Invalid national ID number ({exc.reason})"
        ) from exc


def check_text(value: str, field: str, max_len: int = 64) -> str:
    value = value.strip()
    if not value or len(value) > max_len:
        raise InvalidInput(f"{field}不正确", message_en=f"Invalid {field}")
    return value


def check_phone(phone: str) -> str:
    phone = phone.strip()
    if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        raise InvalidInput("手机号应为11位数字", message_en="The phone number must be 11 digits")
    return phone


async def his_records(runtime: Runtime, id_number: str) -> list[HisPatient]:
    try:
        return await runtime.his.lookup_patients(id_number)
    except UpstreamUnavailable as exc:
        raise UpstreamUnavailableError("his") from exc


@asynccontextmanager
async def identity_attempt(runtime: Runtime, account_key: str, address: str) -> AsyncIterator[None]:
    """One identity check (verify or bind): they share the budgets of the account (in the
    database: it must survive a Redis restart) and of the client address (Redis).

    Nothing counts against the person being checked: a stranger's failures must never lock
    the owner out (and a per-person limit that let the HIS-verified owner through would
    stop nobody, so there is none). The HIS being away is taken back from both budgets.
    """
    settings, now = runtime.settings, runtime.clock.now()
    row = await identity_attempts.reserve(
        runtime, account_key, settings.verify_attempts_per_hour, timedelta(hours=1), now
    )
    by_address = f"identity:ip:{address}"
    try:
        member = await ratelimit.hit(
            runtime.redis, by_address, settings.verify_attempts_per_address_per_hour, 3600, now
        )
    except (ratelimit.RateLimited, TryAgain):
        await identity_attempts.forgive(runtime, row)
        raise
    try:
        yield
    except UpstreamUnavailableError:
        # The HIS was away (before anything was written): nothing was learnt or tried.
        await identity_attempts.forgive(runtime, row)
        await ratelimit.forgive(runtime.redis, by_address, member)
        raise
    except DomainError:
        raise
    except Exception:
        await ratelimit.forgive(runtime.redis, by_address, member)
        raise
    else:
        # Only failures count per address: many honest people share one (a hospital's
        # Wi-Fi, a carrier's NAT). The account's row stays: its work holds the database's
        # write lock now, and an account verifies once and binds a handful of people.
        await ratelimit.forgive(runtime.redis, by_address, member)
