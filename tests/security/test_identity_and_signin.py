"""Identity proof is no oracle, cannot be squatted, cannot lock an owner out; sign-in is rate
limited and malformed codes never reach WeChat; a stranger's report ID never reaches the HIS."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlmodel import func, select
from starlette.applications import Starlette
from starlette.requests import Request

from conftest import BASE_URL, make_settings
from fixtures.accounts import WANG_FANG, ZHANG_WEI, bind, me, user_id_of, verified_as, verify
from fixtures.graphql import gql_data
from fixtures.journey import new_id_number, register_person, sign_in
from hospital_bff.clock import FrozenClock
from hospital_bff.config import Settings
from hospital_bff.resolvers.context import Context
from hospital_bff.runtime import Runtime
from hospital_bff.services.uow import unit_of_work
from hospital_bff.store.models import Account, HospitalUser, PatientBinding


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test changes; parametrize this name to change them."""
    return {}


@pytest.fixture
def settings(backend: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    return make_settings(backend, tmp_path, **settings_overrides)


@contextmanager
def outbound(runtime: Runtime) -> Iterator[list[httpx.Request]]:
    """Every request the BFF sends out (to the HIS, WeChat, the bank) while inside."""
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request)

    hooks = runtime.http.event_hooks
    runtime.http.event_hooks = {**hooks, "request": [*hooks.get("request", []), record]}
    try:
        yield seen
    finally:
        runtime.http.event_hooks = hooks


def to(requests: list[httpx.Request], base_url: str) -> list[httpx.Request]:
    return [r for r in requests if str(r.url).startswith(base_url)]


@asynccontextmanager
async def client_at(app: Starlette, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose TCP peer address is `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, timeout=30) as c:
        yield c


async def rows(runtime: Runtime, model: type[Any]) -> int:
    async with runtime.sessions() as session:
        count: int = (await session.exec(select(func.count()).select_from(model))).one()
    return count


async def sign_in_answer(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    result: dict[str, Any] = (await gql_data(client, "SignIn", {"code": code}))["signIn"]
    return result


async def fresh_code(client: httpx.AsyncClient, openid: str) -> str:
    code: str = (await client.post("/sim/wechat/authorize", json={"openid": openid})).json()["code"]
    return code


# --- no oracle, no squatting -------------------------------------------------------------------


async def test_a_wrong_name_on_a_known_number_and_an_unknown_number_answer_alike(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    known = await register_person(client, name="李雷", phone="13912345678")
    unknown = {"name": "李雷", "idNumber": new_id_number(), "phone": "13912345678"}
    answers, lookups = [], []
    for n, (person, overrides) in enumerate([(known, {"name": "王五"}), (unknown, {})]):
        token = await sign_in(client, f"o-probe-{n}")
        with outbound(runtime) as sent:
            answers.append(await verify(client, token, person, **overrides))
        lookups.append([(r.method, r.url.path) for r in to(sent, runtime.settings.his_base_url)])
        assert (await me(client, token))["verified"] is False
    assert answers[0] == answers[1], answers
    assert answers[0]["code"] == "IDENTITY_MISMATCH"
    # The same work: one master-index lookup each, whether the HIS knows the number or not.
    assert lookups[0] == lookups[1] == [("POST", "/sim/his/patients/lookup")]
    assert await rows(runtime, HospitalUser) == 0, "a refused claim leaves no user behind"
    assert await rows(runtime, PatientBinding) == 0


async def test_binding_a_family_member_is_no_oracle_either(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    parent = await register_person(client, name="李雷", phone="13912345678")
    child = await register_person(client, name="李小雷", birth=date(2019, 2, 3))
    token = await verified_as(client, parent, "o-parent")
    unknown = {"name": "李小雷", "idNumber": new_id_number(birth=date(2019, 2, 3))}
    wrong = await bind(client, token, child, "CHILD", name="李大雷")
    missing = await bind(client, token, {**unknown, "phone": child["phone"]}, "CHILD")
    assert wrong == missing, (wrong, missing)
    assert wrong["code"] == "IDENTITY_MISMATCH"
    assert [p["id"] for p in (await me(client, token))["patients"]] == [parent["id"]]


async def test_a_number_the_hospital_does_not_know_yet_cannot_be_claimed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    number = new_id_number(sex="FEMALE")
    squatter = await sign_in(client, "o-squatter")
    claim = {"name": "冒名者", "idNumber": number, "phone": "13600000000"}
    assert (await verify(client, squatter, claim))["code"] == "IDENTITY_MISMATCH"
    assert await rows(runtime, HospitalUser) == 0

    # The owner registers at the hospital (建档) and then verifies as the HIS knows her.
    owner_facts = await register_person(
        client, name="韩梅梅", sex="FEMALE", id_number=number, phone="13700000001"
    )
    owner = await sign_in(client, "o-owner")
    result = await verify(client, owner, owner_facts)
    assert result["__typename"] == "VerifyIdentitySuccess", result
    assert [p["id"] for p in result["me"]["patients"]] == [owner_facts["id"]]
    # The squatter's guess still gets nothing.
    assert (await verify(client, squatter, claim))["code"] == "IDENTITY_MISMATCH"
    assert (await me(client, squatter))["verified"] is False


async def test_a_user_left_by_an_earlier_unverified_claim_does_not_block_the_owner(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    """Rows written before verification asked the HIS: a claim under any name, by number."""
    number = new_id_number()
    squatter = await sign_in(client, "o-squatter")
    squatter_account = (await me(client, squatter))["id"]
    # Written as the services write (one unit of work), so a kept `Me` answer learns of it.
    async with unit_of_work(runtime) as session:
        claimed = HospitalUser(
            id_number_hash=runtime.pii.lookup_hash(number),
            id_number_enc=runtime.pii.encrypt(number),
            name_enc=runtime.pii.encrypt("冒名者"),
            masked_name="冒*者",
            phone_enc=runtime.pii.encrypt("13600000000"),
            created_at=clock.now(),
        )
        session.add(claimed)
        await session.flush()
        claimed_id = claimed.id
        account = await session.get(Account, squatter_account)
        assert account is not None
        account.user_id = claimed.id
    assert (await me(client, squatter))["verified"] is True

    person = await register_person(client, name="李雷", id_number=number, phone="13912345678")
    owner = await sign_in(client, "o-owner")
    result = await verify(client, owner, person)
    assert result["__typename"] == "VerifyIdentitySuccess", result
    assert await user_id_of(client, owner) != claimed_id
    assert result["me"]["maskedName"] == "李*"
    assert [p["id"] for p in result["me"]["patients"]] == [person["id"]]
    # The unproven claim no longer stands; the squatter sees nothing of the owner's.
    squatter_me = await me(client, squatter)
    assert squatter_me["verified"] is False
    assert squatter_me["patients"] == []


# --- attempt limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings_overrides",
    [{"verify_attempts_per_hour": 2, "verify_attempts_per_address_per_hour": 2}],
)
async def test_strangers_everywhere_do_not_lock_the_owner_out(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    person = await register_person(client, name="李雷", phone="13912345678")
    for n in range(4):
        async with client_at(app, f"203.0.113.{n + 1}") as stranger:
            token = await sign_in(stranger, f"o-guess-{n}")
            for _ in range(2):
                answer = await verify(stranger, token, person, name="王五")
                assert answer["code"] == "IDENTITY_MISMATCH"
            assert (await verify(stranger, token, person))["code"] == "RATE_LIMITED"
    async with client_at(app, "198.51.100.7") as home:
        owner = await sign_in(home, "o-owner")
        assert (await verify(home, owner, person))["__typename"] == "VerifyIdentitySuccess"


@pytest.mark.parametrize(
    "settings_overrides",
    [{"verify_attempts_per_hour": 2, "verify_attempts_per_address_per_hour": 100}],
)
async def test_an_accounts_budget_holds_across_addresses_and_a_redis_restart(
    app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    async with client_at(app, "203.0.113.1") as one, client_at(app, "203.0.113.2") as two:
        person = await register_person(one, name="李雷", phone="13912345678")
        token = await sign_in(one, "o-guesser")
        for _ in range(2):
            assert (await verify(one, token, person, name="王五"))["code"] == "IDENTITY_MISMATCH"
        assert (await verify(two, token, person))["code"] == "RATE_LIMITED"
        await runtime.redis.flushdb()
        with outbound(runtime) as sent:
            assert (await verify(two, token, person))["code"] == "RATE_LIMITED"
        assert to(sent, runtime.settings.his_base_url) == [], "refused before the HIS is asked"
        clock.advance(minutes=61)
        assert (await verify(two, token, person))["__typename"] == "VerifyIdentitySuccess"


@pytest.mark.parametrize(
    "settings_overrides",
    [{"verify_attempts_per_hour": 100, "verify_attempts_per_address_per_hour": 3}],
)
async def test_an_addresss_failures_are_limited_and_reset_with_the_clock(
    app: Starlette, clock: FrozenClock
) -> None:
    async with client_at(app, "203.0.113.9") as nat, client_at(app, "203.0.113.10") as other:
        person = await register_person(nat, name="李雷", phone="13912345678")
        # Successes do not count: many honest people share one address.
        for n in range(4):
            await verified_as(nat, person, f"o-family-{n}")
        for n in range(3):
            token = await sign_in(nat, f"o-guess-{n}")
            assert (await verify(nat, token, person, name="王五"))["code"] == "IDENTITY_MISMATCH"
        fresh = await sign_in(nat, "o-guess-fresh")
        assert (await verify(nat, fresh, person))["code"] == "RATE_LIMITED"
        elsewhere = await sign_in(other, "o-elsewhere")
        assert (await verify(other, elsewhere, person))["__typename"] == "VerifyIdentitySuccess"
        clock.advance(minutes=61)
        assert (await verify(nat, fresh, person))["__typename"] == "VerifyIdentitySuccess"


# --- sign-in -------------------------------------------------------------------------------------


@pytest.mark.parametrize("settings_overrides", [{"sign_in_failures_per_address": 3}])
async def test_sign_in_failures_are_limited_per_address(
    app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    async with client_at(app, "203.0.113.5") as flood, client_at(app, "203.0.113.6") as other:
        for n in range(5):  # successes do not count
            await sign_in(flood, f"o-ok-{n}")
        for n in range(3):
            answer = await sign_in_answer(flood, f"never-issued-{n:04d}")
            assert answer["code"] == "INVALID_INPUT", answer
        code = await fresh_code(flood, "o-late")
        with outbound(runtime) as sent:
            assert (await sign_in_answer(flood, code))["code"] == "RATE_LIMITED"
        assert to(sent, runtime.settings.wechat_base_url) == [], "WeChat is not asked"
        await sign_in(other, "o-elsewhere")
        clock.advance(minutes=11)
        await sign_in(flood, "o-late")


@pytest.mark.parametrize("settings_overrides", [{"sign_ins_per_openid_per_hour": 2}])
async def test_sign_ins_are_limited_per_openid(
    app: Starlette, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    for n in range(2):
        async with client_at(app, f"203.0.113.{20 + n}") as c:
            await sign_in(c, "o-busy")
    async with client_at(app, "203.0.113.30") as c:
        assert (await sign_in_answer(c, await fresh_code(c, "o-busy")))["code"] == "RATE_LIMITED"
        await sign_in(c, "o-someone-else")
        clock.advance(minutes=61)
        await sign_in(c, "o-busy")


@pytest.mark.parametrize(
    "code",
    ["", "short", "has space in it", "x" * 300, "../../cgi-bin/x", "码" * 20, "a&appid=evil"],
)
async def test_malformed_sign_in_codes_never_reach_wechat(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    with outbound(runtime) as sent:
        answer = await sign_in_answer(client, code)
    assert answer["code"] == "INVALID_INPUT", answer
    assert to(sent, runtime.settings.wechat_base_url) == []
    # A well-formed code does go to WeChat: the counter above can see it.
    with outbound(runtime) as sent:
        await sign_in(client, "o-real")
    assert len(to(sent, runtime.settings.wechat_base_url)) == 1


# --- ownership before the HIS --------------------------------------------------------------------


async def test_someone_elses_report_and_a_missing_one_take_the_same_path(
    client: httpx.AsyncClient, runtime: Runtime, app: Starlette
) -> None:
    owner = await verified_as(client, ZHANG_WEI, "o-owner")
    stranger = await verified_as(client, WANG_FANG, "o-stranger")
    mine = (await gql_data(client, "Reports", {"patientId": ZHANG_WEI["id"]}, token=owner))[
        "reports"
    ]["edges"]
    report_id = mine[0]["node"]["id"]
    paths = []
    for asked in (report_id, "rpt-9999-1"):
        with outbound(runtime) as sent:
            answer = await gql_data(client, "Report", {"id": asked}, token=stranger)
        assert answer == {"report": None}
        his = to(sent, runtime.settings.his_base_url)
        assert all(asked not in str(r.url) and asked not in r.content.decode() for r in his)
        paths.append([r.url.path for r in his])
    assert paths[0] == paths[1]
    # The owner still reads it (one HIS call for the report itself, after the lists).
    with outbound(runtime) as sent:
        found = (await gql_data(client, "Report", {"id": report_id}, token=owner))["report"]
    assert found is not None and found["id"] == report_id
    assert any(r.url.path.endswith(f"/reports/{report_id}") for r in sent)


# --- the client's address --------------------------------------------------------------------


def _context(peer: str, forwarded: str | None, trusted: str) -> Context:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    request = Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/graphql",
            "headers": headers,
            "query_string": b"",
            "client": (peer, 5000),
        }
    )
    runtime = SimpleNamespace(settings=Settings(trusted_proxies=trusted))
    return Context(request=request, response=None, runtime=runtime, loaders=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.1", None, "", "203.0.113.1"),
        ("10.0.0.5", "198.51.100.2", "", "10.0.0.5"),  # no proxy is trusted by default
        ("203.0.113.1", "198.51.100.2", "10.0.0.0/8", "203.0.113.1"),  # peer not a proxy
        ("10.0.0.5", "198.51.100.2", "10.0.0.0/8", "198.51.100.2"),
        ("10.0.0.5", "6.6.6.6, 198.51.100.2", "10.0.0.0/8", "198.51.100.2"),  # client wrote 6.6…
        ("10.0.0.5", "198.51.100.2, 10.0.0.9", "10.0.0.0/8,192.168.0.0/16", "198.51.100.2"),
        ("10.0.0.5", "not-an-address", "10.0.0.0/8", "10.0.0.5"),
        ("::1", "2001:db8::7", "::1/128", "2001:db8::7"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(
    peer: str, forwarded: str | None, trusted: str, expected: str
) -> None:
    assert _context(peer, forwarded, trusted).client_address == expected


def test_a_malformed_trusted_proxy_setting_stops_the_start() -> None:
    with pytest.raises(ValidationError):
        Settings(trusted_proxies="10.0.0.0/8,not-a-network")
