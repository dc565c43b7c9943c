"""Staff authentication: who may run the staff mutations, and how that is taken away.

The attacks: a staff token forged with the patients' key (which every demo shipped), a
patient's token on a staff mutation, a stolen staff token after its session is revoked or its
member disabled, an old token, and against single sign-on: another issuer, another audience,
`alg: none`, the provider's public key used as an HMAC secret, made-up key ids.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from sqlmodel import select

from conftest import START
from fixtures.accounts import audit_entries, me, staff_token, user_id_of, verified_as
from fixtures.graphql import gql
from fixtures.journey import register_person, sign_in
from hospital_bff.clock import FrozenClock
from hospital_bff.config import Settings
from hospital_bff.datasources.oidc import OidcKeySet
from hospital_bff.runtime import Runtime
from hospital_bff.services import staff
from hospital_bff.services.staff_auth import OidcVerifier, StaffAuthenticator, StaffAuthError
from hospital_bff.services.uow import unit_of_work
from hospital_bff.store.models import StaffMember, StaffSession
from hospital_bff.tokens import STAFF_AUDIENCE

PAST_DAY = "2026-11-26"
ISSUER = "https://sso.hospital.test/realms/staff"
OIDC_AUDIENCE = "hospital-bff-staff-tools"
JWKS_URL = f"{ISSUER}/protocol/openid-connect/certs"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


# --- helpers -----------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _refused(body: dict[str, Any]) -> str:
    """The error code of a refused request, after checking the message names no reason."""
    [error] = body["errors"]
    message = error["message"]
    for reason in ("EXPIRED", "SIGNATURE", "KID", "REVOKED", "DISABLED", "SESSION", "CLAIMS"):
        assert reason not in message.upper(), message
    code: str = error["extensions"]["code"]
    return code


async def reconciliation(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """A staff-only query with no side effect: data when the token is good staff."""
    return await gql(client, "Reconciliation", {"date": PAST_DAY}, token=token, document="staff")


def _patient_key_token(settings: Settings, *, kid: str) -> str:
    """A staff token forged with the patients' HMAC key, as anyone with the demo key could."""
    now = int(START.timestamp())
    payload = {
        "iss": "hospital-bff",
        "aud": STAFF_AUDIENCE,
        "sub": "stf_forged",
        "role": "STAFF",
        "acc": None,
        "iat": now,
        "exp": now + 3600,
        "jti": "forged",
    }
    key = settings.jwt_keys["k1"].get_secret_value()
    return jwt.encode(payload, key, algorithm="HS256", headers={"kid": kid})


async def _member_session(runtime: Runtime, name: str) -> str:
    async with runtime.sessions() as session:
        member = (await session.exec(select(StaffMember).where(StaffMember.name == name))).one()
        record = (
            await session.exec(select(StaffSession).where(StaffSession.staff_id == member.id))
        ).one()
    return record.id


# --- our own staff tokens, through the API ------------------------------------------------------


@pytest.mark.parametrize("kid", ["k1", "s1"])
async def test_a_staff_token_forged_with_the_patient_key_is_refused(
    client: httpx.AsyncClient, settings: Settings, kid: str
) -> None:
    body = await reconciliation(client, _patient_key_token(settings, kid=kid))
    assert _refused(body) == "UNAUTHENTICATED"


async def test_a_patient_token_cannot_call_staff_operations(client: httpx.AsyncClient) -> None:

    token = await sign_in(client, "o-patient")
    assert _refused(await reconciliation(client, token)) == "FORBIDDEN"
    body = await gql(client, "RunReconciliation", {"date": PAST_DAY}, token=token, document="staff")
    result = body["data"]["runReconciliation"]
    assert (result["__typename"], result["code"]) == ("ForbiddenError", "FORBIDDEN"), result


async def test_a_staff_token_is_no_patient_token(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token = await staff_token(runtime, "nurse-li")
    mine = await me(client, token)
    assert mine["patients"] == []  # staff, not an account with patients


async def test_a_revoked_session_is_refused_at_once(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token = await staff_token(runtime, "nurse-li")
    other = await staff_token(runtime, "nurse-zhao")
    assert "errors" not in await reconciliation(client, token)
    session_id = await _member_session(runtime, "nurse-li")
    async with unit_of_work(runtime) as session:
        await staff.revoke_session(session, clock.now(), session_id)
    assert _refused(await reconciliation(client, token)) == "UNAUTHENTICATED"
    assert "errors" not in await reconciliation(client, other)  # only that session


async def test_revoke_all_and_a_new_token_after(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    first = await staff_token(runtime, "nurse-li")
    second = await staff_token(runtime, "nurse-li")
    async with unit_of_work(runtime) as session:
        assert await staff.revoke_all(session, clock.now(), "nurse-li") == 2
    for token in (first, second):
        assert _refused(await reconciliation(client, token)) == "UNAUTHENTICATED"
    assert "errors" not in await reconciliation(client, await staff_token(runtime, "nurse-li"))


async def test_a_disabled_member_is_refused_at_once_and_enabling_revives_no_session(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token = await staff_token(runtime, "nurse-li")
    assert "errors" not in await reconciliation(client, token)
    async with unit_of_work(runtime) as session:
        assert await staff.disable_member(session, clock.now(), "nurse-li") == 1
    assert _refused(await reconciliation(client, token)) == "UNAUTHENTICATED"
    async with unit_of_work(runtime) as session:
        await staff.enable_member(session, "nurse-li")
    assert _refused(await reconciliation(client, token)) == "UNAUTHENTICATED"


async def test_a_disabled_member_gets_no_new_token(runtime: Runtime, clock: FrozenClock) -> None:
    await staff_token(runtime, "nurse-li")
    async with unit_of_work(runtime) as session:
        await staff.disable_member(session, clock.now(), "nurse-li")
    with pytest.raises(staff.StaffAdminError):
        await staff_token(runtime, "nurse-li")


async def test_a_staff_token_expires_after_its_hours(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    assert runtime.settings.staff_token_ttl_seconds == 8 * 3600
    token = await staff_token(runtime, "nurse-li")
    clock.advance(hours=8, seconds=-1)
    assert "errors" not in await reconciliation(client, token)
    clock.advance(seconds=1)
    assert _refused(await reconciliation(client, token)) == "UNAUTHENTICATED"


async def test_a_bad_token_names_no_reason_to_the_client(
    client: httpx.AsyncClient, clock: FrozenClock, settings: Settings
) -> None:

    token = await sign_in(client, "o-a")
    clock.advance(seconds=settings.jwt_ttl_seconds)
    body = await gql(client, "Me", token=token)
    assert _refused(body) == "UNAUTHENTICATED"
    assert "invalid token" not in body["errors"][0]["message"]


async def test_a_staff_mutation_is_audited_with_who_and_what(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    person = await register_person(client, name="李雷", phone="13912345678")
    patient = await verified_as(client, person, "o-a")
    user_id = await user_id_of(client, patient)
    token = await staff_token(runtime, "nurse-li")
    session_id = await _member_session(runtime, "nurse-li")
    until = (clock.now() + timedelta(days=7)).isoformat()
    reason = f"冒用身份证{person['idNumber']}挂号"
    body = await gql(
        client,
        "RestrictUser",
        {"userId": user_id, "until": until, "reason": reason},
        token=token,
        document="staff",
    )
    assert body["data"]["restrictUser"]["__typename"] == "RestrictUserSuccess", body
    [entry] = [e for e in await audit_entries(runtime) if e.action == "RESTRICT_USER"]
    assert entry.subject == "nurse-li"
    assert entry.user_id == user_id
    assert entry.detail["staff_session"] == session_id
    assert entry.detail["staff_id"].startswith("stf_")
    assert entry.detail["until"] == until
    assert person["idNumber"] not in json.dumps(entry.detail, ensure_ascii=False)
    assert entry.detail["reason"].startswith("冒用身份证")


# --- single sign-on: the verifier against a mocked provider --------------------------------------


def _jwk(public_key: Any, kid: str, **extra: Any) -> dict[str, Any]:
    algorithm = RSAAlgorithm if isinstance(public_key, rsa.RSAPublicKey) else ECAlgorithm
    jwk: dict[str, Any] = algorithm.to_jwk(public_key, as_dict=True)
    return {**jwk, "kid": kid, "use": "sig", **extra}


def _claims(clock: FrozenClock, **overrides: Any) -> dict[str, Any]:
    now = int(clock.now().timestamp())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": OIDC_AUDIENCE,
        "sub": "kc-user-1",
        "sid": "kc-session-1",
        "preferred_username": "dr.chen",
        "name": "陈医生",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _oidc_token(
    clock: FrozenClock, *, key: Any = RSA_KEY, alg: str = "RS256", kid: str = "rsa-1", **claims: Any
) -> str:
    return jwt.encode(_claims(clock, **claims), key, algorithm=alg, headers={"kid": kid})


def _hand_made(header: dict[str, Any], payload: dict[str, Any], secret: bytes | None) -> str:
    signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
    if secret is None:
        return signing_input + "."
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64(signature)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def provider() -> AsyncIterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{ISSUER}/.well-known/openid-configuration").respond(
            json={"issuer": ISSUER, "jwks_uri": JWKS_URL}
        )
        router.get(JWKS_URL, name="jwks").respond(
            json={
                "keys": [
                    _jwk(RSA_KEY.public_key(), "rsa-1", alg="RS256"),
                    _jwk(EC_KEY.public_key(), "ec-1"),
                ]
            }
        )
        yield router


def _verifier(
    http: httpx.AsyncClient, clock: FrozenClock, *, discover: bool = True
) -> OidcVerifier:
    keys = OidcKeySet(
        http, ISSUER, jwks_url=None if discover else JWKS_URL, clock=clock, refetch_seconds=60
    )
    return OidcVerifier(keys, ISSUER, OIDC_AUDIENCE, clock)


async def test_oidc_accepts_the_providers_rs256_and_es256_tokens(
    http: httpx.AsyncClient, provider: respx.MockRouter, clock: FrozenClock
) -> None:
    verifier = _verifier(http, clock)
    identity = await verifier.verify(_oidc_token(clock))
    assert (identity.subject, identity.session_id) == ("kc-user-1", "oidc:kc-session-1")
    ec_identity = await verifier.verify(_oidc_token(clock, key=EC_KEY, alg="ES256", kid="ec-1"))
    assert ec_identity.subject == "kc-user-1"
    assert provider["jwks"].call_count == 1  # cached


def _public_pem() -> bytes:
    return RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        pytest.param(
            lambda c: _oidc_token(c, iss="https://evil.test/realms/staff"),
            "OIDC_CLAIMS",
            id="other-issuer",
        ),
        pytest.param(lambda c: _oidc_token(c, aud="another-app"), "OIDC_CLAIMS", id="other-aud"),
        pytest.param(lambda c: _oidc_token(c, aud=None), "OIDC_CLAIMS", id="no-aud"),
        pytest.param(lambda c: _oidc_token(c, sub=None), "OIDC_CLAIMS", id="no-sub"),
        pytest.param(
            lambda c: _hand_made({"alg": "none", "kid": "rsa-1"}, _claims(c), None),
            "OIDC_ALGORITHM",
            id="alg-none",
        ),
        pytest.param(
            lambda c: _hand_made({"alg": "HS256", "kid": "rsa-1"}, _claims(c), _public_pem()),
            "OIDC_ALGORITHM",
            id="hs256-with-the-public-key",
        ),
        pytest.param(
            lambda c: _oidc_token(c, key=OTHER_RSA_KEY), "OIDC_SIGNATURE", id="wrong-rsa-key"
        ),
        pytest.param(
            lambda c: _oidc_token(c, key=OTHER_RSA_KEY, kid="rsa-9"),
            "OIDC_UNKNOWN_KID",
            id="unknown-kid",
        ),
        pytest.param(
            lambda c: _oidc_token(c, alg="PS256"), "OIDC_ALGORITHM", id="key-published-for-rs256"
        ),
        pytest.param(
            lambda c: _oidc_token(c, key=EC_KEY, alg="ES256", kid="rsa-1"),
            "OIDC_ALGORITHM",
            id="es256-on-an-rsa-key",
        ),
        pytest.param(
            lambda c: _oidc_token(c, exp=int(c.now().timestamp()) - 31),
            "OIDC_EXPIRED",
            id="expired",
        ),
        pytest.param(
            lambda c: _oidc_token(c, nbf=int(c.now().timestamp()) + 120),
            "OIDC_NOT_YET_VALID",
            id="not-yet-valid",
        ),
        pytest.param(lambda c: "not.a.jwt", "OIDC_MALFORMED", id="garbage"),
    ],
)
async def test_oidc_refuses(
    http: httpx.AsyncClient,
    provider: respx.MockRouter,
    clock: FrozenClock,
    make_token: Any,
    reason: str,
) -> None:
    with pytest.raises(StaffAuthError) as caught:
        await _verifier(http, clock).verify(make_token(clock))
    assert caught.value.reason == reason


async def test_oidc_expiry_follows_the_injected_clock(
    http: httpx.AsyncClient, provider: respx.MockRouter, clock: FrozenClock
) -> None:
    verifier = _verifier(http, clock, discover=False)
    token = _oidc_token(clock)
    await verifier.verify(token)
    clock.advance(seconds=300 + 30)
    with pytest.raises(StaffAuthError) as caught:
        await verifier.verify(token)
    assert caught.value.reason == "OIDC_EXPIRED"


async def test_unknown_key_ids_refetch_at_most_once_per_interval(
    http: httpx.AsyncClient, provider: respx.MockRouter, clock: FrozenClock
) -> None:
    verifier = _verifier(http, clock)
    await verifier.verify(_oidc_token(clock))
    rotated = _oidc_token(clock, key=OTHER_RSA_KEY, kid="rsa-2")
    for _ in range(5):
        with pytest.raises(StaffAuthError):
            await verifier.verify(rotated)
    assert provider["jwks"].call_count == 1  # made-up kids cannot make us hammer the provider
    # The provider rotates; once the interval has passed, the new key is fetched and used.
    provider["jwks"].respond(json={"keys": [_jwk(OTHER_RSA_KEY.public_key(), "rsa-2")]})
    clock.advance(seconds=60)
    rotated = _oidc_token(clock, key=OTHER_RSA_KEY, kid="rsa-2")
    assert (await verifier.verify(rotated)).subject == "kc-user-1"
    assert provider["jwks"].call_count == 2


async def test_a_provider_that_cannot_be_reached_refuses_and_is_not_retried_at_once(
    http: httpx.AsyncClient, clock: FrozenClock
) -> None:
    with respx.mock() as router:
        discovery = router.get(f"{ISSUER}/.well-known/openid-configuration").respond(503)
        verifier = _verifier(http, clock)
        for _ in range(3):
            with pytest.raises(StaffAuthError) as caught:
                await verifier.verify(_oidc_token(clock))
        assert caught.value.reason in {"OIDC_UNAVAILABLE", "OIDC_UNKNOWN_KID"}
        assert discovery.call_count == 1


async def test_a_discovery_document_of_another_issuer_is_not_trusted(
    http: httpx.AsyncClient, clock: FrozenClock
) -> None:
    with respx.mock() as router:
        router.get(f"{ISSUER}/.well-known/openid-configuration").respond(
            json={"issuer": "https://evil.test", "jwks_uri": "https://evil.test/jwks"}
        )
        with pytest.raises(StaffAuthError) as caught:
            await _verifier(http, clock).verify(_oidc_token(clock))
    assert caught.value.reason == "OIDC_UNAVAILABLE"


# --- single sign-on, through the API: the subject must be an active member -----------------------


@pytest.fixture
async def sso(
    runtime: Runtime, http: httpx.AsyncClient, provider: respx.MockRouter, clock: FrozenClock
) -> StaffAuthenticator:
    """The app's authenticator, configured for the provider (its JWKS over a mocked client)."""
    settings = runtime.settings.model_copy(
        update={"staff_oidc_issuer": ISSUER, "staff_oidc_audience": OIDC_AUDIENCE}
    )
    authenticator = StaffAuthenticator.from_settings(settings, clock, http, runtime.sessions)
    runtime.staff_auth = authenticator
    return authenticator


async def _add_chen(runtime: Runtime, clock: FrozenClock) -> None:
    async with unit_of_work(runtime) as session:
        await staff.add_member(session, clock.now(), "dr.chen", oidc_subject="kc-user-1")


async def test_an_sso_token_of_a_linked_member_works_and_is_recorded(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock, sso: StaffAuthenticator
) -> None:
    await _add_chen(runtime, clock)
    token = _oidc_token(clock)
    assert "errors" not in await reconciliation(client, token)
    assert "errors" not in await reconciliation(client, token)  # seen twice, one session
    async with runtime.sessions() as session:
        record = await session.get(StaffSession, "oidc:kc-session-1")
    assert record is not None and record.revoked_at is None


async def test_an_sso_token_is_refused_for_an_unknown_subject_unless_provisioning_is_on(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock, sso: StaffAuthenticator
) -> None:
    token = _oidc_token(clock)
    assert _refused(await reconciliation(client, token)) == "UNAUTHENTICATED"
    sso._auto_provision = True
    assert "errors" not in await reconciliation(client, token)
    async with runtime.sessions() as session:
        member = (
            await session.exec(select(StaffMember).where(StaffMember.oidc_subject == "kc-user-1"))
        ).one()
    assert (member.name, member.display_name, member.active) == ("dr.chen", "陈医生", True)


async def test_an_sso_session_revoked_or_member_disabled_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock, sso: StaffAuthenticator
) -> None:
    await _add_chen(runtime, clock)
    token = _oidc_token(clock)
    assert "errors" not in await reconciliation(client, token)
    async with unit_of_work(runtime) as session:
        await staff.revoke_session(session, clock.now(), "oidc:kc-session-1")
    assert _refused(await reconciliation(client, token)) == "UNAUTHENTICATED"
    fresh = _oidc_token(clock, sid="kc-session-2")
    assert "errors" not in await reconciliation(client, fresh)
    async with unit_of_work(runtime) as session:
        await staff.disable_member(session, clock.now(), "dr.chen")
    assert _refused(await reconciliation(client, fresh)) == "UNAUTHENTICATED"


async def test_with_sso_on_our_own_staff_tokens_still_work_and_forgeries_still_fail(
    client: httpx.AsyncClient,
    runtime: Runtime,
    clock: FrozenClock,
    settings: Settings,
    sso: StaffAuthenticator,
) -> None:
    assert "errors" not in await reconciliation(client, await staff_token(runtime, "nurse-li"))
    forged = _patient_key_token(settings, kid="s1")
    assert _refused(await reconciliation(client, forged)) == "UNAUTHENTICATED"
    wrong_issuer = _oidc_token(clock, iss="https://evil.test/realms/staff", aud=STAFF_AUDIENCE)
    assert _refused(await reconciliation(client, wrong_issuer)) == "UNAUTHENTICATED"


async def test_an_sso_session_lives_as_long_as_its_newest_token(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock, sso: StaffAuthenticator
) -> None:
    """The provider refreshes tokens under the same `sid`: the first token's expiry is not the
    session's, or every staff member would be signed out minutes into a shift."""
    await _add_chen(runtime, clock)
    first = _oidc_token(clock)
    assert "errors" not in await reconciliation(client, first)
    clock.advance(minutes=4)
    refreshed = _oidc_token(clock)  # same sid, a later expiry
    assert "errors" not in await reconciliation(client, refreshed)
    clock.advance(minutes=4)  # past the first token's expiry, within the refreshed one's
    assert _refused(await reconciliation(client, first)) == "UNAUTHENTICATED"
    assert "errors" not in await reconciliation(client, refreshed)
