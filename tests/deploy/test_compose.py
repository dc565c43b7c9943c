"""compose.yaml holds what it promises, without a Docker engine: it validates against the
compose specification's JSON schema, each role has its health check, nothing starts before
what it needs is healthy (or done), and no secret is written in it.

tests/fixtures/deploy/compose-spec.json is `schema/compose-spec.json` of
github.com/compose-spec/compose-spec (Apache-2.0), commit 170098ba07d9 (2026-06-23).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from dotenv import dotenv_values

from hospital_bff.config import Settings
from hospital_bff.production import KEY_FILES, SECRETS, production_problems

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "deploy" / "compose-spec.json"
EXAMPLE = ROOT / "deploy" / "production.env.example"
# The image's roles: the command each service of our image runs.
ROLES = {"serve", "worker", "sim", "migrate"}
INFRA = {"postgres", "redis", "rabbitmq"}
SECRET_WORDS = re.compile(r"PASS|SECRET|KEY|TOKEN", re.IGNORECASE)


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))
    return document


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def role(service: dict[str, Any]) -> str | None:
    command = service.get("command") or []
    return command[0] if service.get("build") and command else None


def by_role(name: str) -> dict[str, dict[str, Any]]:
    return {key: s for key, s in services().items() if role(s) == name}


def validation_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_validates_against_the_compose_specification() -> None:
    assert validation_errors(compose()) == []


def test_the_schema_check_catches_a_mistake() -> None:
    broken = compose()
    broken["services"]["worker"]["healthcheck"]["intervall"] = "15s"
    broken["services"]["redis"]["depends_on"] = {"postgres": {"condition": "when_ready"}}
    assert len(validation_errors(broken)) == 2


def test_every_role_of_the_image_runs() -> None:
    assert {role(s) for s in services().values()} - {None} == ROLES
    assert len(by_role("serve")) == 2, "two API replicas behind the proxy"
    assert set(services()) >= INFRA


def test_every_long_running_service_has_a_health_check() -> None:
    for name, service in services().items():
        check = service.get("healthcheck", {})
        if role(service) == "migrate":
            assert check == {"disable": True}, "one-shot: its exit status is its health"
            assert service["restart"] == "no"
            continue
        assert check.get("test") and not check.get("disable"), name
    for name, service in services().items():
        if role(service) in {"serve", "worker", "sim"}:
            # The probe reads how the role declared itself: /readyz, heartbeat, port.
            assert service["healthcheck"]["test"] == [
                "CMD",
                "python",
                "-m",
                "hospital_bff.probe",
            ], name


def test_nothing_starts_before_what_it_needs() -> None:
    for name, service in services().items():
        for needed, how in (service.get("depends_on") or {}).items():
            assert isinstance(how, dict) and "condition" in how, f"{name} -> {needed}"
            expected = (
                "service_completed_successfully"
                if role(services()[needed]) == "migrate"
                else "service_healthy"
            )
            assert how["condition"] == expected, f"{name} -> {needed}"
    for name in [*by_role("serve"), *by_role("worker")]:
        assert set(services()[name]["depends_on"]) >= {*INFRA, "migrate"}, name
    assert set(services()["proxy"]["depends_on"]) == set(by_role("serve"))
    assert services()["sim"]["profiles"] == ["demo"]


def test_the_proxy_sends_to_every_api_replica_and_checks_readiness() -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text("utf-8")
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert upstreams is not None
    assert set(upstreams.group(1).split()) == {f"{name}:8000" for name in by_role("serve")}
    assert "health_uri /readyz" in caddyfile
    proxy = services()["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    trusted = proxy["networks"]["backend"]["ipv4_address"]
    [pool] = compose()["networks"]["backend"]["ipam"]["config"]
    subnet, dynamic = ip_network(pool["subnet"]), ip_network(pool["ip_range"])
    assert ip_address(trusted) in subnet and ip_address(trusted) not in dynamic
    assert f"BFF_TRUSTED_PROXIES={trusted}/32" in EXAMPLE.read_text("utf-8")


def test_no_secret_is_written_in_compose() -> None:
    text = (ROOT / "compose.yaml").read_text("utf-8")
    assert not re.search(r"://[^/\s:@]+:[^/\s@$]+@", text), "a password in a URL"
    secret_vars = {s.env_var for s in SECRETS}
    for name, service in services().items():
        environment = service.get("environment") or {}
        for key, value in environment.items():
            assert key not in secret_vars, f"{name}: {key} belongs in the env file"
            assert not SECRET_WORDS.search(key), f"{name}: {key}={value}"
    for name, service in services().items():
        if role(service) or name in {"postgres", "rabbitmq"}:
            assert service.get("env_file"), f"{name} takes its settings from an env file"


def test_the_production_example_names_every_setting_production_demands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = {k: v or "" for k, v in dotenv_values(EXAMPLE).items()}
    demanded = {s.env_var for s in (*SECRETS, *KEY_FILES)}
    assert demanded <= set(example), demanded - set(example)
    unknown = [
        k
        for k in example
        if k.startswith("BFF_") and k.removeprefix("BFF_").lower() not in Settings.model_fields
    ]
    assert unknown == []
    # Filled in as an operator would, the example starts in production: it lacks nothing.
    for key, value in example.items():
        monkeypatch.setenv(key, value or _an_operators_value(key, tmp_path))
    for key in {s.env_var for s in KEY_FILES}:
        monkeypatch.setenv(key, _an_operators_value(key, tmp_path))
    monkeypatch.setenv("BFF_ENV", "production")
    assert production_problems(Settings(_env_file=None)) == []  # type: ignore[call-arg]


def _an_operators_value(key: str, tmp_path: Path) -> str:
    if key.endswith("_PATH"):
        path = tmp_path / key.lower()
        path.write_text("a key file")
        return str(path)
    if key.endswith("_URL"):
        return "https://bff.hospital.example"
    if key.endswith("JWT_KEYS"):
        kid = "k1" if key == "BFF_JWT_KEYS" else "s1"
        return json.dumps({kid: secrets.token_urlsafe(48)})
    if key == "BFF_PII_KEY":
        return base64.b64encode(secrets.token_bytes(32)).decode()
    return secrets.token_urlsafe(32)


def test_the_demo_is_only_the_demo() -> None:
    demo = dotenv_values(ROOT / "deploy" / "demo" / "bff.env")
    assert demo["BFF_ENV"] == "demo"
    assert compose()["services"]["sim"]["environment"]["BFF_ENV"] == "demo"
    # GraphiQL's demo sign-in is followed by a browser: the simulators' published address, not
    # the container name the BFF calls them at.
    sim = compose()["services"]["sim"]
    published = {str(port).split(":")[0] for port in sim["ports"]}
    web = urlsplit(demo["BFF_WECHAT_WEB_URL"] or "")
    assert web.hostname == "localhost" and str(web.port) in published, web
    assert demo["BFF_WECHAT_WEB_URL"] == sim["environment"]["BFF_SIM_PUBLIC_URL"] + "/wechat"
    gitignore = (ROOT / ".gitignore").read_text("utf-8").split()
    assert {"deploy/production.env", "deploy/infra.env"} <= set(gitignore)
