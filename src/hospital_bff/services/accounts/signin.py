"""Signing in with WeChat or Alipay: a one-time code exchanged for the platform's user id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import UpstreamRejected, UpstreamUnavailable
from hospital_bff.runtime import Runtime
from hospital_bff.services import audit, ratelimit
from hospital_bff.services.errors import DomainError, InvalidInput, UpstreamUnavailableError
from hospital_bff.store.models import Account, HospitalUser
from hospital_bff.tokens import IssuedToken

# WeChat's and Alipay's codes are short URL-safe tokens; anything else is refused before the
# platform is asked.
SIGN_IN_CODE = re.compile(r"[A-Za-z0-9_-]{8,128}")
SIGN_IN_WINDOW_SECONDS = 600


class Platform(StrEnum):
    """Where an account signs in from; the schema's Platform is this enum."""

    WECHAT = "WECHAT"
    ALIPAY = "ALIPAY"


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


async def sign_in(
    runtime: Runtime, session: AsyncSession, platform: str, code: str, address: str
) -> SignedIn:
    """Exchange a WeChat or Alipay code. Refused codes count per client address (Redis;
    see ratelimit.py), whichever the platform, so nobody relays a flood of guesses to
    either; a code that cannot be one is refused without asking the platform at all.

    The account is the platform's user (platform + its id); verifying the identity ties
    it to the one hospital user of that person, whatever platform verified first."""
    if platform not in set(Platform):
        raise InvalidInput(
            "暂不支持该平台登录", message_en=f"{platform} sign-in is not supported yet"
        )
    if platform == Platform.ALIPAY and runtime.alipay is None:
        raise InvalidInput(
            "本院暂未开通支付宝登录，请使用微信登录",
            message_en="Alipay sign-in is not offered by this hospital; use WeChat",
        )
    settings, now = runtime.settings, runtime.clock.now()
    by_address = f"signin:ip:{address}"
    attempt = await ratelimit.hit(
        runtime.redis,
        by_address,
        settings.sign_in_failures_per_address,
        SIGN_IN_WINDOW_SECONDS,
        now,
    )
    if not SIGN_IN_CODE.fullmatch(code):
        raise SignInRejected()
    try:
        external_id = await _exchange(runtime, platform, code)
    except UpstreamRejected as exc:
        raise SignInRejected() from exc
    except UpstreamUnavailable as exc:
        await ratelimit.forgive(runtime.redis, by_address, attempt)
        raise UpstreamUnavailableError(exc.system) from exc
    await ratelimit.forgive(runtime.redis, by_address, attempt)
    await ratelimit.hit(
        runtime.redis,
        f"signin:openid:{platform}:{external_id}",
        settings.sign_ins_per_openid_per_hour,
        3600,
        now,
    )
    account = (
        await session.exec(
            select(Account).where(Account.platform == platform, Account.external_id == external_id)
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
    token = runtime.tokens.issue(account.id, "PATIENT", account.id)
    return SignedIn(account=account, user=user, token=token)


async def _exchange(runtime: Runtime, platform: str, code: str) -> str:
    """The platform's id of the user whose one-time code this is."""
    if platform == Platform.ALIPAY:
        assert runtime.alipay is not None  # refused above when not configured
        return (await runtime.alipay.exchange_code(code)).external_id
    return (await runtime.wechat.exchange_code(code)).openid
