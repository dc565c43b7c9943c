import base64
import json
from datetime import datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.config import Settings
from hospital_bff.tokens import STAFF_AUDIENCE, Claims, InvalidToken, TokenService, bearer_token

# 64 bytes, so signing the HS512/HS384 test tokens raises no short-key warning
K1 = "k1-secret-" + "0123456789abcdefghijklmnopqrstuvwxyz" + "A" * 18
K2 = "k2-secret-" + "0123456789abcdefghijklmnopqrstuvwxyz" + "B" * 18
START = datetime(2024, 6, 1, 9, 30, tzinfo=SHANGHAI)
TTL = 3600


def make_service(
    clock: FrozenClock,
    *,
    keys: dict[str, str] | None = None,
    active_kid: str = "k1",
    ttl_seconds: int = TTL,
) -> TokenService:
    return TokenService(keys if keys is not None else {"k1": K1}, active_kid, ttl_seconds, clock)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _payload(**overrides: Any) -> dict[str, Any]:
    now = int(START.timestamp())
    payload: dict[str, Any] = {
        "iss": "hospital-bff",
        "aud": "hospital-bff",
        "sub": "user-1",
        "role": "PATIENT",
        "acc": "acct-1",
        "iat": now,
        "exp": now + TTL,
        "jti": "j1",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None or k == "acc"}


def _sign(
    payload: dict[str, Any], key: str = K1, kid: str | None = "k1", alg: str = "HS256"
) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(payload, key, algorithm=alg, headers=headers)


def make_staff_service(clock: FrozenClock, *, keys: dict[str, str] | None = None) -> TokenService:
    return TokenService(
        keys if keys is not None else {"s1": K2},
        next(iter(keys)) if keys else "s1",
        TTL,
        clock,
        audience=STAFF_AUDIENCE,
        role="STAFF",
    )


@pytest.mark.parametrize(
    ("role", "account_id"),
    [("PATIENT", "acct-1"), ("STAFF", None)],
)
def test_issue_then_verify(clock: FrozenClock, role: Any, account_id: str | None) -> None:
    service = make_service(clock) if role == "PATIENT" else make_staff_service(clock)
    issued = service.issue("user-1", role, account_id)
    assert issued.expires_at == START + timedelta(seconds=TTL)
    claims = service.verify(issued.token)
    assert claims == Claims(
        subject="user-1",
        role=role,
        account_id=account_id,
        expires_at=issued.expires_at,
        jti=claims.jti,
    )
    assert claims.jti


def test_token_header_and_claims(clock: FrozenClock) -> None:
    token = make_service(clock).issue("user-1", "PATIENT", "acct-1").token
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": "k1", "typ": "JWT"}
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload["iss"] == payload["aud"] == "hospital-bff"
    assert payload["iat"] == int(START.timestamp())
    assert payload["exp"] == int(START.timestamp()) + TTL


def test_every_token_has_its_own_jti(clock: FrozenClock) -> None:
    service = make_service(clock)
    jtis = {service.verify(service.issue("u", "PATIENT", None).token).jti for _ in range(10)}
    assert len(jtis) == 10


@pytest.mark.parametrize(
    ("advance_seconds", "valid"),
    [(0, True), (TTL - 1, True), (TTL, False), (TTL + 1, False)],
)
def test_expiry_follows_the_injected_clock(
    clock: FrozenClock, advance_seconds: int, valid: bool
) -> None:
    service = make_service(clock)
    token = service.issue("user-1", "PATIENT", None).token
    clock.advance(seconds=advance_seconds)
    if valid:
        assert service.verify(token).subject == "user-1"
    else:
        with pytest.raises(InvalidToken) as caught:
            service.verify(token)
        assert caught.value.reason == "EXPIRED"


def test_a_clock_far_from_wall_time_still_works() -> None:
    # PyJWT's own iat/exp checks use time.time(); ours must use the injected clock only.
    for at in (datetime(2001, 1, 1, tzinfo=SHANGHAI), datetime(2091, 1, 1, tzinfo=SHANGHAI)):
        service = make_staff_service(FrozenClock(at))
        assert service.verify(service.issue("u", "STAFF", None).token).role == "STAFF"


def test_key_rotation(clock: FrozenClock) -> None:
    old = make_service(clock, keys={"k1": K1}, active_kid="k1")
    rotated = make_service(clock, keys={"k1": K1, "k2": K2}, active_kid="k2")
    old_token = old.issue("user-1", "PATIENT", None).token
    new_token = rotated.issue("user-2", "PATIENT", None).token
    assert jwt.get_unverified_header(new_token)["kid"] == "k2"
    assert rotated.verify(old_token).subject == "user-1"  # still signed in after rotation
    assert rotated.verify(new_token).subject == "user-2"
    with pytest.raises(InvalidToken) as caught:
        old.verify(new_token)  # k2 unknown before the rotation reaches this process
    assert caught.value.reason == "UNKNOWN_KID"


def _unsigned_token(alg: str) -> str:
    return _b64({"alg": alg, "typ": "JWT", "kid": "k1"}) + "." + _b64(_payload()) + "."


def _rs256_token() -> str:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(_payload(), private, algorithm="RS256", headers={"kid": "k1"})


def _tampered_token() -> str:
    header, _, signature = _sign(_payload()).split(".")
    return ".".join([header, _b64(_payload(sub="someone-else")), signature])


def _role_swapped_token() -> str:
    header, _, signature = _sign(_payload()).split(".")
    return ".".join([header, _b64(_payload(role="STAFF")), signature])


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        pytest.param(lambda: _unsigned_token("none"), "ALGORITHM", id="alg-none"),
        pytest.param(lambda: _unsigned_token("None"), "ALGORITHM", id="alg-None"),
        pytest.param(lambda: _unsigned_token("HS256"), "SIGNATURE", id="hs256-no-signature"),
        pytest.param(lambda: _sign(_payload(), alg="HS512"), "ALGORITHM", id="hs512"),
        pytest.param(lambda: _sign(_payload(), alg="HS384"), "ALGORITHM", id="hs384"),
        pytest.param(_rs256_token, "ALGORITHM", id="rs256"),
        pytest.param(lambda: _sign(_payload(), kid="k9"), "UNKNOWN_KID", id="unknown-kid"),
        pytest.param(lambda: _sign(_payload(), kid=None), "UNKNOWN_KID", id="no-kid"),
        pytest.param(lambda: _sign(_payload(), key=K2), "SIGNATURE", id="wrong-key"),
        pytest.param(_tampered_token, "SIGNATURE", id="tampered-subject"),
        pytest.param(_role_swapped_token, "SIGNATURE", id="tampered-role"),
        pytest.param(lambda: _sign(_payload(exp=None)), "CLAIMS", id="missing-exp"),
        pytest.param(lambda: _sign(_payload(iat=None)), "CLAIMS", id="missing-iat"),
        pytest.param(lambda: _sign(_payload(jti=None)), "CLAIMS", id="missing-jti"),
        pytest.param(lambda: _sign(_payload(sub=None)), "CLAIMS", id="missing-sub"),
        pytest.param(lambda: _sign(_payload(iss="someone")), "CLAIMS", id="wrong-issuer"),
        pytest.param(lambda: _sign(_payload(aud="other-app")), "CLAIMS", id="wrong-audience"),
        pytest.param(lambda: _sign(_payload(aud=None)), "CLAIMS", id="missing-audience"),
        pytest.param(lambda: _sign(_payload(role="ADMIN")), "CLAIMS", id="unknown-role"),
        # Whoever holds the patients' key cannot mint a staff token there.
        pytest.param(lambda: _sign(_payload(role="STAFF")), "CLAIMS", id="staff-role-patient-key"),
        pytest.param(
            lambda: _sign(_payload(aud=STAFF_AUDIENCE)), "CLAIMS", id="staff-audience-patient-key"
        ),
        pytest.param(lambda: _sign(_payload(acc=42)), "CLAIMS", id="account-not-a-string"),
        pytest.param(lambda: _sign(_payload(exp="soon")), "CLAIMS", id="exp-not-a-number"),
        pytest.param(
            lambda: _sign(_payload(exp=int(START.timestamp()))), "EXPIRED", id="exp-equals-now"
        ),
        pytest.param(lambda: "not-a-jwt", "MALFORMED", id="garbage"),
        pytest.param(lambda: "", "MALFORMED", id="empty"),
        pytest.param(lambda: "a.b.c", "MALFORMED", id="three-garbage-parts"),
    ],
)
def test_verify_refuses(clock: FrozenClock, make_token: Any, reason: str) -> None:
    service = make_service(clock, keys={"k1": K1, "k2": K2})
    with pytest.raises(InvalidToken) as caught:
        service.verify(make_token())
    assert caught.value.reason == reason


def test_verify_accepts_the_hand_made_baseline(clock: FrozenClock) -> None:
    # The refusals above all start from this payload; it must itself be valid.
    claims = make_service(clock).verify(_sign(_payload()))
    assert (claims.subject, claims.role, claims.account_id) == ("user-1", "PATIENT", "acct-1")


@pytest.mark.parametrize(
    ("keys", "active_kid", "ttl"),
    [
        ({"k1": K1}, "k2", TTL),  # active key missing
        ({"k1": "short"}, "k1", TTL),  # HS256 key shorter than 32 bytes
        ({"k1": K1}, "k1", 0),
        ({}, "k1", TTL),
    ],
)
def test_constructor_refuses_bad_configuration(
    clock: FrozenClock, keys: dict[str, str], active_kid: str, ttl: int
) -> None:
    with pytest.raises(ValueError):
        TokenService(keys, active_kid, ttl, clock)


def test_from_settings(clock: FrozenClock) -> None:
    service = TokenService.from_settings(Settings(), clock)
    issued = service.issue("user-1", "PATIENT", "acct-1")
    assert issued.expires_at == START + timedelta(days=7)
    assert service.verify(issued.token).account_id == "acct-1"


def test_staff_from_settings_has_its_own_keys_audience_and_lifetime(clock: FrozenClock) -> None:
    settings = Settings()
    staff = TokenService.staff_from_settings(settings, clock)
    issued = staff.issue("stf_1", "STAFF", None)
    assert issued.expires_at == START + timedelta(hours=8)
    assert jwt.get_unverified_header(issued.token)["kid"] == "s1"
    assert jwt.decode(issued.token, options={"verify_signature": False})["aud"] == STAFF_AUDIENCE
    assert settings.staff_jwt_keys["s1"] != settings.jwt_keys["k1"]


def test_patient_and_staff_tokens_never_cross(clock: FrozenClock) -> None:
    settings = Settings()
    patient = TokenService.from_settings(settings, clock)
    staff = TokenService.staff_from_settings(settings, clock)
    with pytest.raises(InvalidToken) as caught:
        patient.verify(staff.issue("stf_1", "STAFF", None).token)
    assert caught.value.reason == "UNKNOWN_KID"
    with pytest.raises(InvalidToken) as caught:
        staff.verify(patient.issue("acc_1", "PATIENT", "acc_1").token)
    assert caught.value.reason == "UNKNOWN_KID"


def test_the_same_key_for_both_still_keeps_them_apart(clock: FrozenClock) -> None:
    # An operator who pastes one key into both settings: the audience still separates them.
    patient = make_service(clock, keys={"k1": K1})
    staff = make_staff_service(clock, keys={"k1": K1})
    with pytest.raises(InvalidToken) as caught:
        patient.verify(staff.issue("stf_1", "STAFF", None).token)
    assert caught.value.reason == "CLAIMS"
    with pytest.raises(InvalidToken) as caught:
        staff.verify(patient.issue("acc_1", "PATIENT", "acc_1").token)
    assert caught.value.reason == "CLAIMS"


def test_a_service_issues_only_its_own_role(clock: FrozenClock) -> None:
    with pytest.raises(ValueError):
        make_service(clock).issue("x", "STAFF", None)
    with pytest.raises(ValueError):
        make_staff_service(clock).issue("x", "PATIENT", "acc_1")


def test_jti_and_lifetime_can_be_given(clock: FrozenClock) -> None:
    staff = make_staff_service(clock)
    issued = staff.issue("stf_1", "STAFF", None, jti="session-1", ttl_seconds=60)
    assert issued.expires_at == START + timedelta(seconds=60)
    assert staff.verify(issued.token).jti == "session-1"
    with pytest.raises(ValueError):
        staff.issue("stf_1", "STAFF", None, ttl_seconds=0)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        (b"bearer  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer ", None),
        ("Bearer", None),
        ("", None),
        (b"\0", None),
    ],
)
def test_a_bearer_header_gives_its_token_and_anything_else_none(
    header: str | bytes, token: str | None
) -> None:
    assert bearer_token(header) == token
