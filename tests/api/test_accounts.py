"""Issue 3 through the real app: sign-in, identity, patients, restriction, audit."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from starlette.applications import Starlette

from conftest import make_settings
from fixtures.accounts import (
    audit_entries,
    bind,
    confirmed_order,
    me,
    staff_token,
    user_id_of,
    verified_as,
    verify,
)
from fixtures.graphql import gql, gql_data
from fixtures.journey import book, new_id_number, open_slot, register_person, sign_in
from hospital_bff.clock import Clock, FrozenClock
from hospital_bff.config import Settings
from hospital_bff.national_id import check_digit
from hospital_bff.pii import ID_NUMBER_PATTERN
from hospital_bff.runtime import Runtime
from hospital_bff.tokens import InvalidToken, TokenService

# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test changes; parametrize this name to change them."""
    return {}


@pytest.fixture
def settings(backend: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    return make_settings(backend, tmp_path, **settings_overrides)


def problem(result: dict[str, Any]) -> str:
    """The code of a UserError answer, checking that the typename goes with it."""
    assert "code" in result, result
    code: str = result["code"]
    assert result["__typename"] == "".join(p.capitalize() for p in code.split("_")) + "Error"
    assert result["message"]
    return code


def unauthenticated(body: dict[str, Any]) -> bool:
    errors = body.get("errors") or []
    return bool(errors) and errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def with_check_digit(first17: str) -> str:
    return first17 + check_digit(first17)


# --- sign-in -------------------------------------------------------------------------------------


async def test_sign_in_returns_a_working_token_and_one_account_per_openid(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    code = (await client.post("/sim/wechat/authorize", json={"openid": "o-a"})).json()["code"]
    signed = (await gql_data(client, "SignIn", {"code": code}))["signIn"]
    assert signed["__typename"] == "SignInSuccess"
    assert signed["me"]["verified"] is False
    assert datetime.fromisoformat(signed["expiresAt"]) > clock.now()
    mine = await me(client, signed["token"])
    assert mine["id"] == signed["me"]["id"]
    assert mine["verified"] is False
    assert mine["patients"] == []
    assert mine["restrictedUntil"] is None

    again = await sign_in(client, "o-a")
    assert (await me(client, again))["id"] == mine["id"], "one openid, one account"
    other = await sign_in(client, "o-b")
    assert (await me(client, other))["id"] != mine["id"]


async def test_a_replayed_sign_in_code_is_a_user_error(client: httpx.AsyncClient) -> None:
    code = (await client.post("/sim/wechat/authorize", json={"openid": "o-a"})).json()["code"]
    first = (await gql_data(client, "SignIn", {"code": code}))["signIn"]
    assert first["__typename"] == "SignInSuccess"
    replay = (await gql_data(client, "SignIn", {"code": code}))["signIn"]
    assert replay["__typename"] != "SignInSuccess"
    problem(replay)


async def test_an_unknown_or_expired_sign_in_code_is_a_user_error(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    unknown = (await gql_data(client, "SignIn", {"code": "never-issued"}))["signIn"]
    problem(unknown)
    assert (await gql_data(client, "SignIn", {"code": ""}))["signIn"]["__typename"] != (
        "SignInSuccess"
    )
    code = (await client.post("/sim/wechat/authorize", json={"openid": "o-a"})).json()["code"]
    clock.advance(minutes=6)  # a WeChat code is good for 5 minutes
    problem((await gql_data(client, "SignIn", {"code": code}))["signIn"])


async def test_me_without_a_token_is_unauthenticated_and_the_public_data_stays(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(client, "Me")
    assert body["data"] == {"me": None}, body
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["me"], "UNAUTHENTICATED")
    ]
    response = await client.post("/graphql", json={"query": "{ departments { id } me { id } }"})
    body = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], body
    assert body["data"]["me"] is None
    assert body["data"]["departments"], body


async def test_me_with_a_bad_token_is_unauthenticated_and_the_public_data_stays(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ departments { id } me { id } }"},
        headers={"Authorization": "Bearer not-a-token"},
    )
    body = response.json()
    assert unauthenticated(body), body
    assert body["errors"][0]["path"] == ["me"]
    assert body["data"]["me"] is None
    assert body["data"]["departments"], body


async def test_forged_tokens_are_unauthenticated(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token = await sign_in(client, "o-a")
    claims = _claims(token)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert "kid" in jwt.get_unverified_header(token)

    alg_none = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': 'k1'})}.{_b64(claims)}."
    wrong_key = jwt.encode(
        claims,
        "another-key-of-at-least-thirty-two-bytes!!",
        algorithm="HS256",
        headers={"kid": "k1"},
    )
    unknown_kid = jwt.encode(
        claims,
        "another-key-of-at-least-thirty-two-bytes!!",
        algorithm="HS256",
        headers={"kid": "k9"},
    )
    tampered = jwt.encode(
        {**claims, "acc": "acc_someone_else"},
        "another-key-of-at-least-thirty-two-bytes!!",
        algorithm="HS256",
        headers={"kid": "k1"},
    )
    for forged in (alg_none, wrong_key, unknown_kid, tampered, "not-a-jwt", token + "x"):
        body = await gql(client, "Me", token=forged)
        assert unauthenticated(body), (forged, body)
    assert not unauthenticated(await gql(client, "Me", token=token))


async def test_an_expired_token_is_unauthenticated(
    client: httpx.AsyncClient, clock: FrozenClock, settings: Settings
) -> None:
    token = await sign_in(client, "o-a")
    clock.advance(seconds=settings.jwt_ttl_seconds - 1)
    assert not unauthenticated(await gql(client, "Me", token=token))
    clock.advance(seconds=1)
    body = await gql(client, "Me", token=token)
    assert unauthenticated(body), body


async def test_a_token_signed_with_a_retired_key_id_still_verifies_while_listed(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, clock: FrozenClock
) -> None:
    token = await sign_in(client, "o-a")
    rotated = TokenService(
        {"k1": settings.jwt_keys["k1"].get_secret_value(), "k2": "k2-" + "z" * 40},
        "k2",
        settings.jwt_ttl_seconds,
        clock,
    )
    assert rotated.verify(token).account_id == _claims(token)["acc"]
    fresh = rotated.issue("s", "PATIENT", "acc_x").token
    assert jwt.get_unverified_header(fresh)["kid"] == "k2"
    # The running app does not know k2 yet: refused, not trusted.
    assert unauthenticated(await gql(client, "Me", token=fresh))


async def test_a_staff_token_is_a_staff_token_and_not_a_patient(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token = await staff_token(runtime)
    claims = runtime.staff_auth.tokens.verify(token)
    assert claims.role == "STAFF"
    assert claims.account_id is None
    with pytest.raises(InvalidToken):
        runtime.tokens.verify(token)  # the patients' service does not know staff keys
    mine = await me(client, token)
    assert mine["verified"] is False
    assert mine["patients"] == []
    # A real, stable id (the staff member's), as a client cache needs one.
    assert mine["id"] == claims.subject and mine["id"].startswith("stf_")
    assert mine["id"] == (await me(client, await staff_token(runtime)))["id"]


def test_the_staff_token_command_prints_a_token_the_app_accepts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from hospital_bff.cli import app

    monkeypatch.setenv("BFF_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.delenv("BFF_STAFF_JWT_KEYS", raising=False)
    monkeypatch.delenv("BFF_STAFF_JWT_ACTIVE_KID", raising=False)
    monkeypatch.delenv("BFF_EMBEDDED_SIMULATORS", raising=False)
    result = CliRunner().invoke(app, ["staff-token", "nurse-wang"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    # The command signs at the wall-clock time; so is it verified.
    tokens = TokenService.staff_from_settings(Settings(), Clock())
    claims = tokens.verify(token)
    assert claims.role == "STAFF"
    assert claims.subject.startswith("stf_")  # the member's id; the name is in the table


# --- verifying identity --------------------------------------------------------------------------


async def test_verify_identity_binds_the_persons_own_his_record_as_self(
    client: httpx.AsyncClient,
) -> None:
    person = await register_person(client, name="李雷", phone="13912345678")
    token = await sign_in(client, "o-a")
    result = await verify(client, token, person)
    assert result["__typename"] == "VerifyIdentitySuccess", result
    assert result["me"]["verified"] is True
    assert result["me"]["maskedName"] == "李*"
    assert [(p["id"], p["relation"]) for p in result["me"]["patients"]] == [(person["id"], "SELF")]
    assert (await me(client, token))["id"] == result["me"]["id"]


async def test_me_keeps_its_id_through_verification(client: httpx.AsyncClient) -> None:
    """A client cache keys `Me` on its id: verifying must not give the viewer a new one."""
    person = await register_person(client, name="韩梅梅", phone="13912345679")
    code = (await client.post("/sim/wechat/authorize", json={"openid": "o-c"})).json()["code"]
    signed = (await gql_data(client, "SignIn", {"code": code}))["signIn"]
    before = signed["me"]["id"]
    assert before.startswith("acc_")
    unverified = await client.post(
        "/graphql",
        json={"query": "{ me { id userId } }"},
        headers={"Authorization": f"Bearer {signed['token']}"},
    )
    assert unverified.json()["data"]["me"] == {"id": before, "userId": None}
    result = await verify(client, signed["token"], person)
    assert result["me"]["id"] == before
    assert (await me(client, signed["token"]))["id"] == before
    assert (await user_id_of(client, signed["token"])).startswith("usr_")


async def test_verify_identity_of_someone_the_hospital_does_not_know_is_a_mismatch(
    client: httpx.AsyncClient,
) -> None:
    """The HIS is the authority: a new person registers at the hospital first (建档)."""
    token = await sign_in(client, "o-a")
    stranger = {"name": "韩梅梅", "idNumber": new_id_number(sex="FEMALE"), "phone": "13700000001"}
    assert problem(await verify(client, token, stranger)) == "IDENTITY_MISMATCH"
    mine = await me(client, token)
    assert mine["verified"] is False
    assert mine["patients"] == []


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("check_digit", id="check-digit"),
        pytest.param("birth_date", id="birth-date"),
        pytest.param("future_birth", id="born-tomorrow"),
        pytest.param("format", id="17-digits"),
        pytest.param("region", id="region"),
    ],
)
async def test_verify_identity_refuses_an_invalid_id_number(
    client: httpx.AsyncClient, bad: str
) -> None:
    good = new_id_number()
    last = "0" if good[-1] != "0" else "1"
    numbers = {
        "check_digit": good[:17] + last,
        "birth_date": with_check_digit("110105" + "19901332" + "123"),
        "future_birth": with_check_digit("110105" + "20261128" + "123"),
        "format": good[:17],
        "region": with_check_digit("990105" + "19900517" + "123"),
    }
    token = await sign_in(client, "o-a")
    result = await verify(
        client, token, {"name": "李雷", "idNumber": numbers[bad], "phone": "13912345678"}
    )
    assert problem(result) == "INVALID_ID_NUMBER"
    assert not ID_NUMBER_PATTERN.search(result["message"]), "the number is not echoed back"
    assert (await me(client, token))["verified"] is False


async def test_a_his_record_without_a_phone_cannot_be_claimed(client: httpx.AsyncClient) -> None:
    number = new_id_number()
    created = await client.post(
        "/sim/his/patients",
        json={"name": "李雷", "idNumber": number, "sex": "MALE", "birthDate": "1990-05-17"},
    )
    assert created.status_code in (200, 201), created.text
    token = await sign_in(client, "o-a")
    person = {"name": "李雷", "idNumber": number, "phone": "13912345678"}
    assert problem(await verify(client, token, person)) == "IDENTITY_MISMATCH"
    parent = await register_person(client, name="韩梅梅", sex="FEMALE", phone="13700000001")
    other = await verified_as(client, parent, "o-b")
    assert problem(await bind(client, other, person, "SPOUSE")) == "IDENTITY_MISMATCH"


@pytest.mark.parametrize("field", ["name", "phone"])
async def test_verify_identity_refuses_a_name_or_phone_the_his_record_does_not_have(
    client: httpx.AsyncClient, field: str
) -> None:
    person = await register_person(client, name="李雷", phone="13912345678")
    token = await sign_in(client, "o-a")
    wrong = {"name": "李磊"} if field == "name" else {"phone": "13912345679"}
    assert problem(await verify(client, token, person, **wrong)) == "IDENTITY_MISMATCH"
    mine = await me(client, token)
    assert mine["verified"] is False
    assert mine["patients"] == []


async def test_a_second_wechat_account_of_the_same_person_is_the_same_user(
    client: httpx.AsyncClient,
) -> None:
    person = await register_person(client, name="李雷", phone="13912345678")
    child = await register_person(
        client, name="李小雷", birth=date(2019, 2, 3), phone="13912345678"
    )
    first = await verified_as(client, person, "o-phone")
    assert (await bind(client, first, child, "CHILD"))["__typename"] == "BindPatientSuccess"

    second = await sign_in(client, "o-tablet")
    result = await verify(client, second, person)
    assert result["__typename"] == "VerifyIdentitySuccess", result
    one, two = await me(client, first), await me(client, second)
    # Two accounts (two Me ids), one hospital user.
    assert one["id"] != two["id"]
    assert await user_id_of(client, first) == await user_id_of(client, second)
    assert one["patients"] == two["patients"]
    assert {p["id"] for p in two["patients"]} == {person["id"], child["id"]}


async def test_knowing_the_id_number_is_not_enough_to_reach_the_user(
    client: httpx.AsyncClient,
) -> None:
    person = await register_person(client, name="李雷", phone="13912345678")
    owner = await verified_as(client, person, "o-owner")
    owner_me = await me(client, owner)

    intruder = await sign_in(client, "o-intruder")
    for wrong in (
        {"name": "王五", "phone": "13600000000"},
        {"phone": "13600000000"},
        {"name": "王五"},
    ):
        assert problem(await verify(client, intruder, person, **wrong)) == "IDENTITY_MISMATCH"
    # Whitespace or case games do not help either.
    lowered = {"idNumber": person["idNumber"].lower(), "phone": " 13600000000 "}
    assert problem(await verify(client, intruder, person, **lowered)) in {
        "IDENTITY_MISMATCH",
        "INVALID_INPUT",
    }
    intruder_me = await me(client, intruder)
    assert intruder_me["verified"] is False
    assert intruder_me["patients"] == []
    assert intruder_me["id"] != owner_me["id"]
    assert await me(client, owner) == owner_me


async def test_an_account_verified_as_one_person_cannot_switch_to_another(
    client: httpx.AsyncClient,
) -> None:
    one = await register_person(client, name="李雷", phone="13912345678")
    two = await register_person(client, name="韩梅梅", sex="FEMALE", phone="13700000001")
    token = await verified_as(client, one, "o-a")
    before = await me(client, token)
    assert problem(await verify(client, token, two)) != "NOT_FOUND"
    assert await me(client, token) == before


# --- binding patients ----------------------------------------------------------------------------


async def test_bind_a_child_whose_facts_come_from_the_his(client: httpx.AsyncClient) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    # The HIS's facts differ from what the ID number encodes: the HIS is the authority.
    number = new_id_number(birth=date(2019, 2, 3), sex="MALE")
    child = await register_person(
        client,
        name="李小雷",
        id_number=number,
        sex="FEMALE",
        birth=date(2019, 2, 4),
        phone="13912345670",
        insurance="MEDICAL_INSURANCE",
    )
    token = await verified_as(client, parent, "o-a")
    result = await bind(client, token, child, "CHILD")
    assert result["__typename"] == "BindPatientSuccess", result
    assert result["patient"] == {
        "id": child["id"],
        "name": "李小雷",
        "maskedIdNumber": number[:4] + "*" * 10 + number[-4:],
        "sex": "FEMALE",
        "birthDate": "2019-02-04",
        "relation": "CHILD",
        "insurance": "MEDICAL_INSURANCE",
        "cardNumber": child["cardNumber"],
    }
    patients = (await me(client, token))["patients"]
    assert [p["relation"] for p in patients] == ["SELF", "CHILD"]
    assert patients[1] == result["patient"]


@pytest.mark.parametrize("field", ["name", "phone"])
async def test_bind_refuses_a_name_or_phone_the_his_does_not_have(
    client: httpx.AsyncClient, field: str
) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    child = await register_person(
        client, name="李小雷", birth=date(2019, 2, 3), phone="13912345670"
    )
    token = await verified_as(client, parent, "o-a")
    wrong = {"name": "李大雷"} if field == "name" else {"phone": "13912345671"}
    assert problem(await bind(client, token, child, "CHILD", **wrong)) == "IDENTITY_MISMATCH"
    assert len((await me(client, token))["patients"]) == 1


async def test_bind_someone_the_his_does_not_know_is_a_mismatch(client: httpx.AsyncClient) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    token = await verified_as(client, parent, "o-a")
    nobody = {
        "name": "李小雷",
        "idNumber": new_id_number(birth=date(2019, 2, 3)),
        "phone": "13912345670",
    }
    # The same answer as wrong facts for a known number: binding is no oracle either.
    assert problem(await bind(client, token, nobody, "CHILD")) == "IDENTITY_MISMATCH"
    assert len((await me(client, token))["patients"]) == 1


async def test_bind_an_invalid_id_number_is_invalid_id_number(client: httpx.AsyncClient) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    token = await verified_as(client, parent, "o-a")
    number = new_id_number()
    bad = number[:17] + ("0" if number[-1] != "0" else "1")
    result = await bind(client, token, {"name": "李小雷", "idNumber": bad, "phone": "13912345670"})
    assert problem(result) == "INVALID_ID_NUMBER"


async def test_binding_twice_is_already_bound(client: httpx.AsyncClient) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    child = await register_person(
        client, name="李小雷", birth=date(2019, 2, 3), phone="13912345670"
    )
    token = await verified_as(client, parent, "o-a")
    assert (await bind(client, token, child, "CHILD"))["__typename"] == "BindPatientSuccess"
    assert problem(await bind(client, token, child, "OTHER")) == "ALREADY_BOUND"
    assert problem(await bind(client, token, parent, "SELF")) == "ALREADY_BOUND"
    patients = (await me(client, token))["patients"]
    assert [p["relation"] for p in patients] == ["SELF", "CHILD"]


async def test_the_sixth_patient_is_one_too_many(client: httpx.AsyncClient) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    token = await verified_as(client, parent, "o-a")
    family = [
        await register_person(
            client, name=f"李家{i}", birth=date(1960 + i, 1, 2), phone=f"1391234560{i}"
        )
        for i in range(5)
    ]
    for relation, person in zip(["PARENT", "PARENT", "SPOUSE", "CHILD"], family, strict=False):
        assert (await bind(client, token, person, relation))["__typename"] == "BindPatientSuccess"
    assert len((await me(client, token))["patients"]) == 5
    assert problem(await bind(client, token, family[4], "OTHER")) == "PATIENT_LIMIT_REACHED"
    assert len((await me(client, token))["patients"]) == 5


async def test_bind_before_verifying_is_not_verified(client: httpx.AsyncClient) -> None:
    child = await register_person(
        client, name="李小雷", birth=date(2019, 2, 3), phone="13912345670"
    )
    token = await sign_in(client, "o-a")
    assert problem(await bind(client, token, child, "CHILD")) == "NOT_VERIFIED"
    assert problem(
        (await gql_data(client, "UnbindPatient", {"patientId": child["id"]}, token=token))[
            "unbindPatient"
        ]
    ) in {"NOT_VERIFIED", "NOT_FOUND"}


async def test_self_is_only_the_verified_person(client: httpx.AsyncClient) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    other = await register_person(client, name="韩梅梅", sex="FEMALE", phone="13700000001")
    token = await verified_as(client, parent, "o-a")
    assert problem(await bind(client, token, other, "SELF")) == "INVALID_INPUT"


# --- unbinding --------------------------------------------------------------------------------


async def test_unbind_hides_the_patient_keeps_the_orders_and_rebinding_works(
    client: httpx.AsyncClient,
) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    child = await register_person(
        client, name="李小雷", birth=date(2019, 2, 3), phone="13912345670"
    )
    token = await verified_as(client, parent, "o-a")
    assert (await bind(client, token, child, "CHILD"))["__typename"] == "BindPatientSuccess"
    found = await open_slot(client)
    booked = await book(client, token, child["id"], found["slot"]["id"])
    assert booked["__typename"] == "BookAppointmentSuccess", booked
    order_id = booked["order"]["id"]

    unbound = (await gql_data(client, "UnbindPatient", {"patientId": child["id"]}, token=token))[
        "unbindPatient"
    ]
    assert unbound == {"__typename": "UnbindPatientSuccess", "patientId": child["id"]}
    assert [p["id"] for p in (await me(client, token))["patients"]] == [parent["id"]]
    again = (await gql_data(client, "UnbindPatient", {"patientId": child["id"]}, token=token))[
        "unbindPatient"
    ]
    assert problem(again) == "NOT_FOUND"

    # The history stays: the order still reads, and still lists under the patient.
    kept = (await gql_data(client, "Order", {"id": order_id}, token=token))["order"]
    assert kept is not None
    assert kept["patient"]["id"] == child["id"]
    listed = (await gql_data(client, "Orders", {"first": 10}, token=token))["orders"]
    assert [e["node"]["id"] for e in listed["edges"]] == [order_id]
    by_patient = (
        await gql_data(client, "Orders", {"patientId": child["id"], "first": 10}, token=token)
    )["orders"]
    assert [e["node"]["id"] for e in by_patient["edges"]] == [order_id]

    rebound = await bind(client, token, child, "CHILD")
    assert rebound["__typename"] == "BindPatientSuccess", rebound
    assert rebound["patient"]["id"] == child["id"]
    assert [p["id"] for p in (await me(client, token))["patients"]] == [parent["id"], child["id"]]


async def test_an_unbound_patient_frees_a_place_under_the_limit(client: httpx.AsyncClient) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    token = await verified_as(client, parent, "o-a")
    family = [
        await register_person(
            client, name=f"李家{i}", birth=date(1960 + i, 1, 2), phone=f"1391234560{i}"
        )
        for i in range(5)
    ]
    for person in family[:4]:
        assert (await bind(client, token, person, "OTHER"))["__typename"] == "BindPatientSuccess"
    assert problem(await bind(client, token, family[4], "OTHER")) == "PATIENT_LIMIT_REACHED"
    await gql_data(client, "UnbindPatient", {"patientId": family[0]["id"]}, token=token)
    assert (await bind(client, token, family[4], "OTHER"))["__typename"] == "BindPatientSuccess"


# --- brute force -----------------------------------------------------------------------------


@pytest.mark.parametrize("settings_overrides", [{"verify_attempts_per_hour": 3}])
async def test_verify_attempts_are_rate_limited_per_account(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    person = await register_person(client, name="李雷", phone="13912345678")
    token = await sign_in(client, "o-a")
    for _ in range(3):
        assert problem(await verify(client, token, person, phone="13600000000")) == (
            "IDENTITY_MISMATCH"
        )
    # Even the right answer is refused now: guessing must not go on.
    assert problem(await verify(client, token, person)) == "RATE_LIMITED"
    clock.advance(minutes=59)
    assert problem(await verify(client, token, person)) == "RATE_LIMITED"
    clock.advance(minutes=2)
    assert (await verify(client, token, person))["__typename"] == "VerifyIdentitySuccess"


@pytest.mark.parametrize("settings_overrides", [{"verify_attempts_per_hour": 3}])
async def test_strangers_failing_on_an_id_number_do_not_lock_its_owner_out(
    client: httpx.AsyncClient,
) -> None:
    """Attempts count per account and address, never against the person being checked."""
    person = await register_person(client, name="李雷", phone="13912345678")
    for n in range(5):
        token = await sign_in(client, f"o-guess-{n}")
        assert problem(await verify(client, token, person, phone="13600000000")) == (
            "IDENTITY_MISMATCH"
        )
    owner = await sign_in(client, "o-owner")
    assert (await verify(client, owner, person))["__typename"] == "VerifyIdentitySuccess"


@pytest.mark.parametrize("settings_overrides", [{"verify_attempts_per_hour": 3}])
async def test_bind_attempts_are_rate_limited(client: httpx.AsyncClient) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    child = await register_person(
        client, name="李小雷", birth=date(2019, 2, 3), phone="13912345670"
    )
    token = await verified_as(client, parent, "o-a")  # the account's first identity check
    for _ in range(2):
        assert problem(await bind(client, token, child, phone="13600000000")) == "IDENTITY_MISMATCH"
    assert problem(await bind(client, token, child)) == "RATE_LIMITED"
    assert len((await me(client, token))["patients"]) == 1


# --- restriction ---------------------------------------------------------------------------


async def restrict(
    client: httpx.AsyncClient, token: str, user_id: str, until: datetime, reason: str = "多次爽约"
) -> dict[str, Any]:
    data = await gql_data(
        client,
        "RestrictUser",
        {"userId": user_id, "until": until.isoformat(), "reason": reason},
        token=token,
        document="staff",
    )
    result: dict[str, Any] = data["restrictUser"]
    return result


async def test_only_staff_restrict_a_user(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    person = await register_person(client, name="李雷", phone="13912345678")
    token = await verified_as(client, person, "o-a")
    user_id = await user_id_of(client, token)
    until = clock.now() + timedelta(days=30)

    assert problem(await restrict(client, token, user_id, until)) == "FORBIDDEN"
    assert (await me(client, token))["restrictedUntil"] is None

    done = await restrict(client, await staff_token(runtime), user_id, until)
    assert done["__typename"] == "RestrictUserSuccess", done
    assert done["userId"] == user_id
    assert datetime.fromisoformat(done["restrictedUntil"]) == until
    shown = (await me(client, token))["restrictedUntil"]
    assert shown is not None
    assert datetime.fromisoformat(shown) == until

    assert (
        problem(await restrict(client, await staff_token(runtime), "usr_nobody", until))
        == "NOT_FOUND"
    )
    [entry] = [e for e in await audit_entries(runtime) if e.action == "RESTRICT_USER"]
    assert entry.user_id == user_id
    assert entry.subject == "护士长王"


async def test_a_restriction_reason_holding_an_id_number_is_stored_masked(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    from hospital_bff.store.models import HospitalUser

    person = await register_person(client, name="李雷", phone="13912345678")
    token = await verified_as(client, person, "o-a")
    user_id = await user_id_of(client, token)
    reason = f"冒用身份证{person['idNumber']}挂号"
    done = await restrict(
        client, await staff_token(runtime), user_id, clock.now() + timedelta(days=7), reason
    )
    assert done["__typename"] == "RestrictUserSuccess", done
    async with runtime.sessions() as session:
        user = await session.get(HospitalUser, user_id)
    assert user is not None
    assert (
        user.restriction_reason
        == f"冒用身份证{person['idNumber'][:4]}{'*' * 10}{person['idNumber'][-4:]}挂号"
    )
    for entry in await audit_entries(runtime):
        assert person["idNumber"] not in json.dumps(entry.model_dump(mode="json"))


async def test_three_no_shows_in_ninety_days_restrict_the_user(
    client: httpx.AsyncClient, runtime: Runtime, app: Starlette, clock: FrozenClock
) -> None:
    his = app.state.simulators["his"].state.his
    person = await register_person(client, name="李雷", phone="13912345678")
    token = await verified_as(client, person, "o-a")
    days = ["2026-11-28", "2026-11-29", "2026-11-30"]
    for n, day in enumerate(days, start=1):
        order = await confirmed_order(client, token, person["id"], day=day, key=f"k{n}")
        registration_id = his.registration_by_order[order["id"]]
        response = await client.post(f"/sim/his/registrations/{registration_id}/miss")
        assert response.status_code == 200, response.text
        await his.drain()
        restricted = (await me(client, token))["restrictedUntil"]
        if n < runtime.settings.no_show_limit:
            assert restricted is None, f"restricted after {n} no-shows"
    assert restricted is not None
    expected = clock.now() + timedelta(days=runtime.settings.no_show_restriction_days)
    assert datetime.fromisoformat(restricted) == expected
    # The same event delivered again counts once.
    assert len([e for e in await audit_entries(runtime) if e.action == "AUTO_RESTRICT"]) == 1

    found = await open_slot(client, day="2026-12-01")
    refused = await book(client, token, person["id"], found["slot"]["id"], key="k-after")
    assert problem(refused) == "USER_RESTRICTED"


async def test_no_shows_of_another_user_or_long_ago_do_not_count(
    client: httpx.AsyncClient, runtime: Runtime, app: Starlette, clock: FrozenClock
) -> None:
    from sqlalchemy import update

    from hospital_bff.store.models import Order

    his = app.state.simulators["his"].state.his
    person = await register_person(client, name="李雷", phone="13912345678")
    other = await register_person(client, name="韩梅梅", sex="FEMALE", phone="13700000001")
    token = await verified_as(client, person, "o-a")
    other_token = await verified_as(client, other, "o-b")
    old = await confirmed_order(client, token, person["id"], day="2026-11-28", key="k1")
    theirs = await confirmed_order(client, other_token, other["id"], day="2026-11-29", key="k2")
    mine = await confirmed_order(client, token, person["id"], day="2026-11-30", key="k3")
    for order in (old, theirs):
        registration_id = his.registration_by_order[order["id"]]
        await client.post(f"/sim/his/registrations/{registration_id}/miss")
        await his.drain()
    # The first no-show was long ago: move its visit out of the window.
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Order)
            .where(Order.id == old["id"])  # type: ignore[arg-type]
            .values(starts_at=clock.now() - timedelta(days=91))
        )
    registration_id = his.registration_by_order[mine["id"]]
    await client.post(f"/sim/his/registrations/{registration_id}/miss")
    await his.drain()
    assert (await me(client, token))["restrictedUntil"] is None
    assert (await me(client, other_token))["restrictedUntil"] is None


# --- audit ---------------------------------------------------------------------------------------


async def test_account_actions_are_audited_without_id_numbers(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    child = await register_person(
        client, name="李小雷", birth=date(2019, 2, 3), phone="13912345670"
    )
    token = await sign_in(client, "o-a")
    account_id = (await me(client, token))["id"]
    assert (await verify(client, token, parent))["__typename"] == "VerifyIdentitySuccess"
    user_id = await user_id_of(client, token)
    assert account_id != user_id
    assert (await bind(client, token, child, "CHILD"))["__typename"] == "BindPatientSuccess"
    await gql_data(client, "UnbindPatient", {"patientId": child["id"]}, token=token)

    entries = await audit_entries(runtime)
    by_action = {e.action: e for e in entries}
    assert {"SIGN_IN", "VERIFY_IDENTITY", "BIND_PATIENT", "UNBIND_PATIENT"} <= set(by_action)
    assert by_action["SIGN_IN"].account_id == account_id
    for action in ("VERIFY_IDENTITY", "BIND_PATIENT", "UNBIND_PATIENT"):
        entry = by_action[action]
        assert entry.user_id == user_id, action
        assert entry.account_id == account_id, action
        assert entry.at == clock.now()
    assert by_action["BIND_PATIENT"].subject == child["id"]
    assert by_action["BIND_PATIENT"].detail.get("relation") == "CHILD"
    assert by_action["UNBIND_PATIENT"].subject == child["id"]
    for entry in entries:
        text = json.dumps(entry.model_dump(mode="json"), ensure_ascii=False)
        assert not ID_NUMBER_PATTERN.search(text), text
        for number in (parent["idNumber"], child["idNumber"]):
            assert number not in text
            assert number[6:14] + number[14:] not in text


async def test_rejected_verifications_are_audited(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await register_person(client, name="李雷", phone="13912345678")
    token = await sign_in(client, "o-a")
    account_id = (await me(client, token))["id"]
    assert problem(await verify(client, token, person, phone="13600000000")) == "IDENTITY_MISMATCH"
    rejected = [e for e in await audit_entries(runtime) if e.action == "VERIFY_REJECTED"]
    assert [e.account_id for e in rejected] == [account_id]

    child = await register_person(
        client, name="李小雷", birth=date(2019, 2, 3), phone="13912345670"
    )
    assert (await verify(client, token, person))["__typename"] == "VerifyIdentitySuccess"
    assert problem(await bind(client, token, child, phone="13600000000")) == "IDENTITY_MISMATCH"
    rejected = [e for e in await audit_entries(runtime) if e.action == "BIND_REJECTED"]
    assert [e.account_id for e in rejected] == [account_id]


async def test_two_accounts_of_one_new_person_verifying_at_once_land_on_one_user(
    client: httpx.AsyncClient,
) -> None:
    """The second insert of the same ID hash loses the race; it must answer, not crash."""
    import asyncio

    person = await register_person(
        client, name="赵敏", birth=date(1979, 2, 3), sex="FEMALE", phone="13700000000"
    )
    tokens = [await sign_in(client, f"o-race-{i}") for i in range(2)]
    variables = {"input": {"name": "赵敏", "idNumber": person["idNumber"], "phone": "13700000000"}}
    answers = await asyncio.gather(
        *(gql_data(client, "VerifyIdentity", variables, token=t) for t in tokens)
    )
    kinds = [a["verifyIdentity"]["__typename"] for a in answers]
    assert kinds == ["VerifyIdentitySuccess", "VerifyIdentitySuccess"], answers
    ids = {await user_id_of(client, t) for t in tokens}
    assert len(ids) == 1
