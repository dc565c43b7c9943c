"""BFF_ENV=production: no start on the public demo secrets, nothing that reveals the schema,
no open /metrics. Demo mode keeps all of them."""

from __future__ import annotations

import base64
import functools
import json
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from conftest import BASE_URL, make_settings, reset_state
from fixtures.accounts import staff_token
from hospital_bff.app import create_app
from hospital_bff.cache import reset_fake_redis
from hospital_bff.clock import FrozenClock
from hospital_bff.config import Settings
from hospital_bff.datasources.wechatpay_crypto import (
    generate_private_key,
    private_key_to_pem,
    public_key_to_pem,
)
from hospital_bff.production import (
    DEMO_AIDS,
    KEY_FILES,
    REFUSED_AIDS,
    SECRETS,
    UnsafeProductionError,
    production_problems,
    refuse_unsafe_production,
)
from hospital_bff.runtime import Runtime
from hospital_bff.tokens import TokenService

SRC = Path(__file__).resolve().parents[2] / "src"
SECRET_VARS = [s.env_var for s in SECRETS + KEY_FILES]
METRICS_TOKEN = "metrics-" + "t" * 24


@functools.cache
def _made_up_bank_keys() -> tuple[Any, Any]:
    # Two 2048-bit keys cost a fifth of a second; one made-up pair serves the whole run.
    return generate_private_key(), generate_private_key()


def production_values(tmp_path: Path) -> dict[str, Any]:
    """Real secrets of a production deployment, made up for this test."""
    merchant, platform = _made_up_bank_keys()
    merchant_path = tmp_path / "apiclient_key.pem"
    merchant_path.write_bytes(private_key_to_pem(merchant))
    platform_path = tmp_path / "platform_public_key.pem"
    platform_path.write_bytes(public_key_to_pem(platform.public_key()))
    return {
        "env": "production",
        "public_url": "https://bff.hospital.example",
        "his_base_url": "https://his.hospital.example/webapi",
        "jwt_keys": {"k1": secrets.token_urlsafe(32)},
        "staff_jwt_keys": {"s1": secrets.token_urlsafe(32)},
        "pii_key": base64.b64encode(os.urandom(32)).decode(),
        "pii_hmac_key": secrets.token_urlsafe(32),
        "his_api_key": secrets.token_urlsafe(24),
        "his_webhook_secret": secrets.token_urlsafe(24),
        "wechat_app_secret": secrets.token_hex(16),
        "bank_apiv3_key": secrets.token_hex(16),
        "bank_merchant_key_path": merchant_path,
        "bank_platform_cert_path": platform_path,
    }


def as_environment(values: dict[str, Any]) -> dict[str, str]:
    """Settings as an operator writes them: BFF_ variables, a key map as JSON."""
    return {
        f"BFF_{field.upper()}": json.dumps(_plain(value))
        if isinstance(value, dict)
        else _plain(value)
        for field, value in values.items()
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return str(value)


# Starts `hospital-bff` as a process of its own (a second or two each): outside the fast tier.
REAL_PROCESS = pytest.mark.slow


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as an operator runs it, with nothing of this machine's BFF_ settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BFF_")}
    return subprocess.run(
        [sys.executable, "-m", "hospital_bff.cli", *args],
        env={**clean, "PYTHONPATH": str(SRC), **env},
        cwd=cwd,  # no .env file there
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class Running:
    client: httpx.AsyncClient
    runtime: Runtime


@asynccontextmanager
async def running(settings: Settings, clock: FrozenClock) -> AsyncIterator[Running]:
    """The app under its lifespan, as the `app` and `client` fixtures build it."""
    reset_fake_redis()
    app: Starlette = create_app(settings, clock=clock, self_transport=True, on_startup=reset_state)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE_URL, timeout=30
        ) as client,
    ):
        yield Running(client, app.state.runtime)


@pytest.fixture
async def production(backend: str, tmp_path: Path, clock: FrozenClock) -> AsyncIterator[Running]:
    settings = make_settings(
        backend, tmp_path, metrics_token=METRICS_TOKEN, **production_values(tmp_path)
    )
    async with running(settings, clock) as app:
        yield app


@pytest.fixture
async def demo(backend: str, tmp_path: Path, clock: FrozenClock) -> AsyncIterator[Running]:
    async with running(make_settings(backend, tmp_path), clock) as app:
        yield app


# --- the refusal ------------------------------------------------------------------------------


def test_every_row_names_its_own_variable() -> None:
    for row in SECRETS + KEY_FILES + DEMO_AIDS:
        assert row.env_var == f"BFF_{row.field.upper()}"
        assert row.field in Settings.model_fields


@REAL_PROCESS
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_production_without_secrets_names_every_one_and_exits(command: str, tmp_path: Path) -> None:
    result = run_cli(command, env={"BFF_ENV": "production"}, cwd=tmp_path)

    assert result.returncode != 0
    for var in SECRET_VARS:
        assert f"{var} is not set" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@REAL_PROCESS
def test_production_on_the_demo_values_names_every_one(tmp_path: Path) -> None:
    demo = Settings(_env_file=None)
    env = as_environment({s.field: getattr(demo, s.field) for s in SECRETS})

    result = run_cli("serve", env={**env, "BFF_ENV": "production"}, cwd=tmp_path)

    assert result.returncode != 0
    for var in (s.env_var for s in SECRETS):
        assert f"{var} is the public demo value" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_demo_key_among_real_ones_is_refused(tmp_path: Path) -> None:
    values = production_values(tmp_path)
    demo_key = Settings(_env_file=None).jwt_keys["k1"]
    values["jwt_keys"] = {"k2": secrets.token_urlsafe(32), "k1": demo_key.get_secret_value()}

    assert production_problems(Settings(_env_file=None, **values)) == [
        "BFF_JWT_KEYS is the public demo value"
    ]


def test_missing_and_unreadable_key_files_and_empty_secrets_are_named(tmp_path: Path) -> None:
    values = production_values(tmp_path)
    values["bank_platform_cert_path"] = tmp_path / "nowhere.pem"
    values["bank_merchant_key_path"] = tmp_path  # a directory
    values["his_api_key"] = ""

    assert production_problems(Settings(_env_file=None, **values)) == [
        "BFF_HIS_API_KEY is empty",
        f"BFF_BANK_MERCHANT_KEY_PATH ({tmp_path}) is not a readable file",
        f"BFF_BANK_PLATFORM_CERT_PATH ({tmp_path / 'nowhere.pem'}) is not a readable file",
    ]


@pytest.mark.parametrize("aid", REFUSED_AIDS, ids=lambda a: a.env_var)
def test_demo_aids_switched_on_are_refused(aid: Any, tmp_path: Path) -> None:
    values = {**production_values(tmp_path), aid.field: True}

    with pytest.raises(UnsafeProductionError) as refused:
        refuse_unsafe_production(Settings(_env_file=None, **values))

    assert f"{aid.env_var}=true is a demo aid" in str(refused.value.code)


def test_staff_single_sign_on_may_not_make_every_account_staff(tmp_path: Path) -> None:
    values = {
        **production_values(tmp_path),
        "staff_oidc_issuer": "https://sso.hospital.example",
        "staff_oidc_audience": "hospital-bff",
        "staff_oidc_auto_provision": True,
    }

    with pytest.raises(UnsafeProductionError) as refused:
        refuse_unsafe_production(Settings(_env_file=None, **values))

    assert "BFF_STAFF_OIDC_AUTO_PROVISION=true" in str(refused.value.code)


def test_production_turns_the_demo_aids_off_unless_set(tmp_path: Path) -> None:
    values = production_values(tmp_path)
    production = Settings(_env_file=None, **values)
    demo = Settings(_env_file=None)
    opted_in = Settings(_env_file=None, **values, graphiql=True)

    for aid in DEMO_AIDS:
        assert getattr(production, aid.field) is False
        assert getattr(demo, aid.field) is True
    assert opted_in.graphiql is True
    assert production_problems(production) == []


def test_the_app_factory_refuses_too(backend: str, tmp_path: Path) -> None:
    settings = make_settings(backend, tmp_path, env="production")

    with pytest.raises(UnsafeProductionError) as refused:
        create_app(settings)

    assert refused.value.code is not None
    assert "BFF_JWT_KEYS is not set" in str(refused.value.code)


@REAL_PROCESS
def test_uvicorn_factory_refuses_without_traceback(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BFF_")}
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "--factory", "hospital_bff.app:create_app"],
        env={**clean, "PYTHONPATH": str(SRC), "BFF_ENV": "production"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "BFF_PII_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@REAL_PROCESS
def test_the_simulators_command_is_refused_in_production(tmp_path: Path) -> None:
    result = run_cli("sim", env={"BFF_ENV": "production"}, cwd=tmp_path)

    assert result.returncode != 0
    assert "demo tool" in result.stderr
    assert "Traceback" not in result.stderr


@REAL_PROCESS
def test_serve_does_not_guess_the_public_url_in_production(tmp_path: Path) -> None:
    values = production_values(tmp_path)
    del values["public_url"]

    result = run_cli("serve", "--port", "1", env=as_environment(values), cwd=tmp_path)

    assert result.returncode != 0
    assert "BFF_PUBLIC_URL is not set" in result.stderr
    assert result.stderr.count(" is ") == 1, result.stderr


# --- a production app ----------------------------------------------------------------------------

ME = "query { me { __typename } }"


async def test_production_starts_on_real_secrets_and_answers(
    production: Running,
) -> None:
    token = await staff_token(production.runtime)

    response = await production.client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.json() == {"data": {"me": {"__typename": "Me"}}}


async def test_a_token_signed_with_the_demo_key_is_not_accepted(
    production: Running,
) -> None:
    demo = Settings(_env_file=None)
    runtime = production.runtime
    # The staff keys' public demo value, as an attacker who reads the repository has it.
    forged = TokenService.staff_from_settings(demo, runtime.clock).issue(
        "护士长王", "STAFF", None, jti="forged-session"
    )

    response = await production.client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {forged.token}"}
    )

    assert not (response.json()["data"] or {}).get("me")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


INTROSPECTION = "query { __schema { queryType { name } } }"
MISSPELT = "query { departmens { id } }"


async def test_production_refuses_introspection(production: Running) -> None:
    body = (await production.client.post("/graphql", json={"query": INTROSPECTION})).json()

    assert body["data"] is None
    assert "introspection" in body["errors"][0]["message"].lower()


async def test_production_suggests_no_field_names(production: Running) -> None:
    # In English: graphql-core's message exactly, with nothing after it.
    body = (
        await production.client.post(
            "/graphql", json={"query": MISSPELT}, headers={"accept-language": "en"}
        )
    ).json()

    [error] = body["errors"]
    assert error["message"] == "Cannot query field 'departmens' on type 'Query'."


async def test_production_suggests_no_argument_names(production: Running) -> None:
    query = 'query { department(idd: "1") { id } }'
    body = (
        await production.client.post(
            "/graphql", json={"query": query}, headers={"accept-language": "en"}
        )
    ).json()

    messages = [e["message"] for e in body["errors"]]
    assert "Unknown argument 'idd' on field 'Query.department'." in messages
    assert not any("Did you mean" in m for m in messages)


async def test_production_suggests_no_enum_values_for_a_variable(
    production: Running,
) -> None:
    # Variables are checked while executing, not validating: a second path to the messages.
    query = "query ($s: [OrderStatus!]) { orders(status: $s) { pageInfo { hasNextPage } } }"
    body = (
        await production.client.post(
            "/graphql", json={"query": query, "variables": {"s": ["PAIDD"]}}
        )
    ).json()

    [error] = body["errors"]
    assert "'PAIDD'" in error["message"]
    assert "Did you mean" not in error["message"]
    assert "'PAID'" not in error["message"]


async def test_production_serves_no_graphiql(production: Running) -> None:
    response = await production.client.get("/graphql", headers={"Accept": "text/html"})

    assert "graphiql" not in response.text.lower()
    assert response.status_code == 404, response.status_code


async def test_production_metrics_need_the_token(production: Running) -> None:
    without = await production.client.get("/metrics")
    wrong = await production.client.get("/metrics", headers={"Authorization": "Bearer nope"})
    right = await production.client.get(
        "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )

    assert without.status_code == 401
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert "bff_upstream_calls_total" in right.text


async def test_production_without_a_metrics_token_serves_no_metrics(
    backend: str, tmp_path: Path, clock: FrozenClock
) -> None:
    settings = make_settings(backend, tmp_path, **production_values(tmp_path))
    async with running(settings, clock) as app:
        assert (await app.client.get("/metrics")).status_code == 404


async def test_a_metrics_port_takes_metrics_off_the_main_port(
    backend: str, tmp_path: Path, clock: FrozenClock
) -> None:
    settings = make_settings(backend, tmp_path, metrics_port=9464, metrics_token=METRICS_TOKEN)
    async with running(settings, clock) as app:
        response = await app.client.get(
            "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
        assert response.status_code == 404


# --- demo keeps its aids --------------------------------------------------------------------------


async def test_demo_keeps_introspection_suggestions_graphiql_and_open_metrics(
    demo: Running,
) -> None:
    introspection = (await demo.client.post("/graphql", json={"query": INTROSPECTION})).json()
    misspelt = (await demo.client.post("/graphql", json={"query": MISSPELT})).json()
    graphiql = await demo.client.get("/graphql", headers={"Accept": "text/html"})
    metrics = await demo.client.get("/metrics")

    assert introspection["data"]["__schema"]["queryType"]["name"] == "Query"
    assert "Did you mean" in misspelt["errors"][0]["message"]
    assert graphiql.status_code == 200
    assert "graphiql" in graphiql.text.lower()
    assert metrics.status_code == 200
