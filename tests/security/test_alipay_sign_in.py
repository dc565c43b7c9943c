"""Alipay sign-in is as guarded as WeChat's: refused codes count per address whichever the
platform, sign-ins per Alipay user are limited, malformed codes never reach Alipay, an answer
Alipay did not sign signs nobody in; production runs it only with real key files."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import func, select
from starlette.applications import Starlette

from api.test_alipay_sign_in import alipay_answer, alipay_code, alipay_sign_in
from conftest import BASE_URL, make_settings
from fixtures.graphql import gql_data
from fixtures.journey import sign_in
from hospital_bff.clock import FrozenClock
from hospital_bff.config import Settings
from hospital_bff.datasources.wechatpay_crypto import (
    generate_private_key,
    private_key_to_pem,
    public_key_to_pem,
)
from hospital_bff.production import OPTIONAL_KEY_FILES, production_problems
from hospital_bff.runtime import Runtime
from hospital_bff.store.models import Account
from security.test_production_mode import production_values, running

ALIPAY_USER = "2088102150477652"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test changes; parametrize this name to change them."""
    return {}


@pytest.fixture
def settings(backend: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    return make_settings(backend, tmp_path, **settings_overrides)


@asynccontextmanager
async def client_at(app: Starlette, address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, timeout=30) as c:
        yield c


@contextmanager
def to_alipay(runtime: Runtime) -> Iterator[list[httpx.Request]]:
    """Every request the BFF sends to Alipay's gateway while inside."""
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        if str(request.url).startswith(runtime.settings.alipay_gateway_url):
            seen.append(request)

    hooks = runtime.http.event_hooks
    runtime.http.event_hooks = {**hooks, "request": [*hooks.get("request", []), record]}
    try:
        yield seen
    finally:
        runtime.http.event_hooks = hooks


async def wechat_answer(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    result: dict[str, Any] = (await gql_data(client, "SignIn", {"code": code}))["signIn"]
    return result


async def accounts(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        count: int = (await session.exec(select(func.count()).select_from(Account))).one()
    return count


@pytest.mark.parametrize("settings_overrides", [{"sign_in_failures_per_address": 3}])
async def test_refused_codes_count_per_address_across_platforms(
    app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    async with client_at(app, "203.0.113.5") as flood, client_at(app, "203.0.113.6") as other:
        for n in range(3):  # successes do not count
            await alipay_sign_in(flood, f"208800000000100{n}")
        for n in range(2):
            assert (await wechat_answer(flood, f"never-issued-{n:04d}"))["code"] == "INVALID_INPUT"
        guess = "0123456789abcdef0123456789abcdef"
        assert (await alipay_answer(flood, guess))["code"] == "INVALID_INPUT"
        code = await alipay_code(flood, ALIPAY_USER)
        with to_alipay(runtime) as sent:
            assert (await alipay_answer(flood, code))["code"] == "RATE_LIMITED"
        assert sent == [], "Alipay is not asked"
        await alipay_sign_in(other, "2088000000000200")
        clock.advance(minutes=11)  # the window is over (and that code expired with it)
        await alipay_sign_in(flood, ALIPAY_USER)


@pytest.mark.parametrize("settings_overrides", [{"sign_ins_per_openid_per_hour": 2}])
async def test_sign_ins_are_limited_per_alipay_user(
    app: Starlette, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    for n in range(2):
        async with client_at(app, f"203.0.113.{20 + n}") as c:
            await alipay_sign_in(c, ALIPAY_USER)
    async with client_at(app, "203.0.113.30") as c:
        answer = await alipay_answer(c, await alipay_code(c, ALIPAY_USER))
        assert answer["code"] == "RATE_LIMITED"
        await alipay_sign_in(c, "2088000000000300")
        await sign_in(c, ALIPAY_USER)  # the same id at WeChat is another account's budget
        clock.advance(minutes=61)
        await alipay_sign_in(c, ALIPAY_USER)


@pytest.mark.parametrize(
    "code", ["", "short", "has space in it", "x" * 300, "a&app_id=evil", "码" * 20]
)
async def test_malformed_codes_never_reach_alipay(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    with to_alipay(runtime) as sent:
        assert (await alipay_answer(client, code))["code"] == "INVALID_INPUT"
    assert sent == []
    with to_alipay(runtime) as sent:
        await alipay_sign_in(client, ALIPAY_USER)
    assert len(sent) == 1, "a well-formed code does go to Alipay"


async def test_an_answer_alipay_did_not_sign_signs_nobody_in(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Someone between us and Alipay (or a wrong key on our side) answers instead of Alipay."""
    assert runtime.alipay is not None
    genuine = runtime.alipay.alipay_public_key
    runtime.alipay.alipay_public_key = generate_private_key().public_key()
    try:
        answer = await alipay_answer(client, await alipay_code(client, ALIPAY_USER))
    finally:
        runtime.alipay.alipay_public_key = genuine
    assert answer["code"] == "UPSTREAM_UNAVAILABLE", answer
    assert await accounts(runtime) == 0


# --- production ---------------------------------------------------------------------------------


def alipay_key_files(tmp_path: Path) -> dict[str, Path]:
    app_key, alipay_key = generate_private_key(), generate_private_key()
    app_path = tmp_path / "alipay_app_private_key.pem"
    app_path.write_bytes(private_key_to_pem(app_key))
    public_path = tmp_path / "alipay_public_key.pem"
    public_path.write_bytes(public_key_to_pem(alipay_key.public_key()))
    return {"alipay_app_private_key_path": app_path, "alipay_public_key_path": public_path}


def test_every_optional_row_names_its_own_variable() -> None:
    for switch, files in OPTIONAL_KEY_FILES:
        for row in (switch, *files):
            assert row.env_var == f"BFF_{row.field.upper()}"
            assert row.field in Settings.model_fields


def test_production_has_alipay_off_unless_its_app_id_is_set(tmp_path: Path) -> None:
    production = Settings(_env_file=None, **production_values(tmp_path))
    assert production.alipay_app_id is None
    assert production.alipay_gateway_url == "https://openapi.alipay.com/gateway.do"
    assert production_problems(production) == []
    assert Settings(_env_file=None).alipay_app_id, "the demo has its simulated app"


def test_production_with_an_alipay_app_demands_its_key_files(tmp_path: Path) -> None:
    values = {**production_values(tmp_path), "alipay_app_id": "2021004100000001"}
    assert production_problems(Settings(_env_file=None, **values)) == [
        "BFF_ALIPAY_APP_PRIVATE_KEY_PATH is not set",
        "BFF_ALIPAY_PUBLIC_KEY_PATH is not set",
    ]
    values["alipay_public_key_path"] = tmp_path / "nowhere.pem"
    values["alipay_app_private_key_path"] = tmp_path  # a directory
    assert production_problems(Settings(_env_file=None, **values)) == [
        f"BFF_ALIPAY_APP_PRIVATE_KEY_PATH ({tmp_path}) is not a readable file",
        f"BFF_ALIPAY_PUBLIC_KEY_PATH ({tmp_path / 'nowhere.pem'}) is not a readable file",
    ]
    values.update(alipay_key_files(tmp_path))
    assert production_problems(Settings(_env_file=None, **values)) == []


def test_the_app_id_from_the_environment_switches_alipay_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BFF_ENV", "production")
    assert Settings(_env_file=None).alipay_app_id is None
    monkeypatch.setenv("BFF_ALIPAY_APP_ID", "2021004100000001")
    monkeypatch.setenv("BFF_ALIPAY_GATEWAY_URL", "https://alipay.example/gateway.do")
    switched_on = Settings(_env_file=None)
    assert switched_on.alipay_app_id == "2021004100000001"
    assert switched_on.alipay_gateway_url == "https://alipay.example/gateway.do"
    problems = production_problems(switched_on)
    assert "BFF_ALIPAY_APP_PRIVATE_KEY_PATH is not set" in problems


async def test_production_answers_alipay_sign_in_off_and_mounts_no_simulator(
    backend: str, tmp_path: Path, clock: FrozenClock
) -> None:
    settings = make_settings(backend, tmp_path, **production_values(tmp_path))
    async with running(settings, clock) as prod:
        assert prod.runtime.alipay is None
        answer = await alipay_answer(prod.client, "0123456789abcdef0123456789abcdef")
        assert answer["code"] == "INVALID_INPUT"
        response = await prod.client.post("/sim/alipay/authorize", json={"userId": ALIPAY_USER})
        assert response.status_code == 404


async def test_production_with_an_alipay_app_uses_its_keys_and_the_real_gateway(
    backend: str, tmp_path: Path, clock: FrozenClock
) -> None:
    files = alipay_key_files(tmp_path)
    values = {
        **production_values(tmp_path),
        **files,
        "alipay_app_id": "2021004100000001",
        # Its own directory, not the run's shared demo keys: the test proves none is made.
        "bank_keys_dir": tmp_path / "keys",
    }
    settings = make_settings(backend, tmp_path, **values)
    async with running(settings, clock) as prod:
        client = prod.runtime.alipay
        assert client is not None
        assert client.base_url == "https://openapi.alipay.com/gateway.do"
        on_disk = files["alipay_public_key_path"].read_bytes()
        assert public_key_to_pem(client.alipay_public_key) == on_disk
        assert not (tmp_path / "keys" / "alipay_app_key.pem").exists(), "no demo key is made"
