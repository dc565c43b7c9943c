"""The CapabilityStatement lists what /fhir serves: each listed interaction answers, nothing
unlisted does; and the transport's refusals are OperationOutcomes with stable codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import make_settings
from fixtures.fhir import (
    FHIR_JSON,
    error_code,
    fhir_get,
    fhir_operation,
    resources,
    seed_patient,
    validated,
)
from fixtures.journey import book, open_slot, patient_of, verified_user
from hospital_bff.clock import FrozenClock
from hospital_bff.config import Settings
from hospital_bff.fhir import reads
from hospital_bff.tokens import TokenService
from security.test_production_mode import production_values, running


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test changes; parametrize this name to change them."""
    return {}


@pytest.fixture
def settings(backend: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    return make_settings(backend, tmp_path, **settings_overrides)


async def _one_of_each(
    client: httpx.AsyncClient, token: str
) -> dict[str, tuple[str, dict[str, Any]]]:
    """For each served type: the id of one it holds, and the search parameters it needs."""
    patient_id = await patient_of(client, token)
    found = await open_slot(client)
    schedule, slot = found["schedule"], found["slot"]
    order = (await book(client, token, patient_id, slot["id"]))["order"]
    report = await client.post(
        "/sim/his/reports",
        json={
            "patientId": patient_id,
            "kind": "LAB",
            "title": "血常规",
            "conclusion": "正常",
            "items": [],
        },
    )
    assert report.status_code in (200, 201), report.text
    mine: dict[str, Any] = {"patient": f"Patient/{patient_id}"}
    return {
        "Patient": (patient_id, {}),
        "Practitioner": (schedule["expert"]["id"], {}),
        "Organization": ("dep-yk", {}),
        "Schedule": (schedule["id"], {"actor": f"Practitioner/{schedule['expert']['id']}"}),
        "Slot": (slot["id"], {"schedule": f"Schedule/{schedule['id']}"}),
        "Appointment": (order["id"].replace("_", "-"), mine),
        "DiagnosticReport": (report.json()["id"], mine),
        "MedicationRequest": ("", mine),
    }


async def test_what_the_capability_statement_lists_answers_and_nothing_else(
    client: httpx.AsyncClient,
) -> None:
    statement = (await client.get("/fhir/metadata", headers={"Accept": FHIR_JSON})).json()
    validated(statement)
    assert statement["fhirVersion"].startswith("4.")
    listed = {r["type"]: r for r in statement["rest"][0]["resource"]}
    token = await seed_patient(client)  # 张伟 has prescriptions
    examples = await _one_of_each(client, token)
    assert set(listed) == set(examples)

    for kind, resource in listed.items():
        interactions = {i["code"] for i in resource["interaction"]}
        assert interactions <= {"read", "search-type"}
        some_id, params = examples[kind]
        if "search-type" in interactions:
            bundle = await fhir_get(client, kind, token, **params)
            assert bundle["type"] == "searchset"
            assert resources(bundle), f"{kind} search found nothing"
            some_id = some_id or resources(bundle)[0]["id"]
        if "read" in interactions:
            assert (await fhir_get(client, f"{kind}/{some_id}", token))["id"] == some_id
        else:
            refused = await fhir_get(client, f"{kind}/{some_id}", token, expect=404)
            assert error_code(refused) == "NOT_FOUND"
        for operation in resource.get("operation", []):
            # Served: it reads its parameters and says which is missing.
            answer = await fhir_operation(client, operation["name"], token, [], status=400)
            assert error_code(answer) == "INVALID_INPUT"
        # No write but the operations: create, update, delete are not served.
        headers = {"Authorization": f"Bearer {token}"}
        for method, path in (
            ("POST", kind),
            ("PUT", f"{kind}/{some_id}"),
            ("DELETE", f"{kind}/{some_id}"),
        ):
            response = await client.request(method, f"/fhir/{path}", headers=headers, json={})
            assert response.status_code in (404, 405), (method, path, response.text)
            validated(response.json())
        unknown = await fhir_get(client, kind, token, expect=400, _sort="date", **params)
        assert error_code(unknown) == "INVALID_INPUT"

    for path in ("Encounter", "Observation/x", "Appointment/$cancel", "Location"):
        refused = await fhir_get(client, path, token, expect=404)
        assert error_code(refused) == "NOT_FOUND"
    put = await client.put("/fhir/Appointment/$find", headers={"Authorization": f"Bearer {token}"})
    assert put.status_code == 405 and put.headers["allow"] == "POST"
    smart = (await client.get("/fhir/.well-known/smart-configuration")).json()
    assert smart["token_endpoint"].endswith("/graphql")


async def test_refusals_are_operation_outcomes(client: httpx.AsyncClient) -> None:
    absent = await client.get("/fhir/Patient")
    assert absent.status_code == 401
    assert absent.headers["www-authenticate"].startswith("Bearer")
    assert error_code(validated(absent.json()).model_dump()) == "UNAUTHENTICATED"
    forged = await fhir_get(client, "Organization", "not-a-token", expect=401)
    assert error_code(forged) == "UNAUTHENTICATED"

    token, _ = await verified_user(client)
    auth = {"Authorization": f"Bearer {token}"}
    xml = await client.get("/fhir/Organization", headers={**auth, "Accept": "application/fhir+xml"})
    assert xml.status_code == 406 and error_code(xml.json()) == "NOT_ACCEPTABLE"
    assert (await client.get("/fhir/Organization?_format=xml", headers=auth)).status_code == 406
    plain = await client.post(
        "/fhir/Appointment/$find", headers={**auth, "Content-Type": "text/plain"}, content=b"x"
    )
    assert plain.status_code == 415 and error_code(plain.json()) == "UNSUPPORTED_MEDIA_TYPE"
    not_json = await client.post(
        "/fhir/Appointment/$find", headers={**auth, "Content-Type": FHIR_JSON}, content=b"{"
    )
    assert not_json.status_code == 400 and error_code(not_json.json()) == "INVALID_INPUT"
    big = await client.post(
        "/fhir/Appointment/$find",
        headers={**auth, "Content-Type": FHIR_JSON},
        content=b" " * (300 * 1024),
    )
    assert big.status_code == 413 and error_code(big.json()) == "PAYLOAD_TOO_LARGE"
    bad_date = await fhir_get(
        client, "Schedule", token, expect=400, actor="Practitioner/exp-yk-1", date="tomorrow"
    )
    assert error_code(bad_date) == "INVALID_INPUT"
    # A reference to another type, in a search's query and an operation's Parameters alike.
    wrong = await fhir_get(client, "Schedule", token, expect=400, actor="Organization/dep-yk")
    assert wrong["issue"][0]["diagnostics"] == "参数 actor 应引用 Practitioner"
    wrong = await fhir_operation(
        client,
        "find",
        token,
        [
            {"name": "patient", "valueReference": {"reference": "Organization/dep-yk"}},
            {"name": "start", "valueDate": "2026-11-28"},
        ],
        status=400,
    )
    assert wrong["issue"][0]["details"]["coding"][0]["code"] == "INVALID_INPUT"
    english = await client.get("/fhir/Patient/pat-none", headers={**auth, "Accept-Language": "en"})
    assert english.json()["issue"][0]["diagnostics"] == "No such Patient"


@pytest.mark.parametrize("settings_overrides", [{"fhir_enabled": False}])
async def test_fhir_can_be_turned_off(client: httpx.AsyncClient) -> None:
    assert (await client.get("/fhir/metadata")).status_code == 404


async def test_production_serves_fhir_and_refuses_a_demo_key_token(
    backend: str, tmp_path: Path, clock: FrozenClock
) -> None:
    settings = make_settings(backend, tmp_path, **production_values(tmp_path))
    async with running(settings, clock) as production:
        statement = await production.client.get("/fhir/metadata")
        assert statement.status_code == 200
        validated(statement.json())
        # The patients' public demo key, as an attacker who reads the repository has it.
        forged = TokenService.from_settings(Settings(_env_file=None), clock).issue(
            "o-forged", "PATIENT", "acc_forged", jti="forged"
        )
        for headers in ({}, {"Authorization": f"Bearer {forged.token}"}):
            refused = await production.client.get("/fhir/Patient", headers=headers)
            assert refused.status_code == 401
            assert error_code(refused.json()) == "UNAUTHENTICATED"


async def test_a_bug_is_an_operation_outcome_with_the_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, _ = await verified_user(client)

    async def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(reads.SEARCHES, "Organization", broken)
    answer = await client.get(
        "/fhir/Organization",
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-fhir-1"},
    )
    assert answer.status_code == 500
    assert error_code(validated(answer.json()).model_dump()) == "INTERNAL"
    assert "req-fhir-1" in answer.json()["issue"][0]["diagnostics"]
    assert "a bug" not in answer.text
