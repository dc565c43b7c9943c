"""Reads of /fhir: each answer validates with fhir.resources' R4B models; a Patient or an
Appointment only to its owner (another's looks missing); records through the access rules."""

from __future__ import annotations

import httpx
from sqlmodel import select

from fixtures.fhir import error_code, fhir_get, resources, seed_patient
from fixtures.journey import book, open_slot, patient_of, verified_user
from hospital_bff.runtime import Runtime
from hospital_bff.store.models import RecordRead


async def test_a_patient_is_read_only_by_its_owner(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    patient_id = await patient_of(client, token)
    other, _ = await verified_user(client, openid="o-other", name="韩梅梅", sex="FEMALE")
    other_patient = await patient_of(client, other)

    mine = await fhir_get(client, f"Patient/{patient_id}", token)
    assert mine["id"] == patient_id and mine["name"][0]["text"] == "李雷"
    assert mine["gender"] == "male"
    # Another's patient and one that does not exist answer alike.
    theirs = await fhir_get(client, f"Patient/{other_patient}", token, expect=404)
    missing = await fhir_get(client, "Patient/pat-none", token, expect=404)
    assert error_code(theirs) == error_code(missing) == "NOT_FOUND"
    assert theirs == missing
    listed = resources(await fhir_get(client, "Patient", token))
    assert [p["id"] for p in listed] == [patient_id]


async def test_the_catalogue_reads_as_practitioners_organizations_schedules_slots(
    client: httpx.AsyncClient,
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client)
    schedule, slot = found["schedule"], found["slot"]
    expert_id = schedule["expert"]["id"]

    departments = resources(await fhir_get(client, "Organization", token))
    assert "dep-yk" in {d["id"] for d in departments}
    assert (await fhir_get(client, "Organization/dep-yk", token))["name"]
    experts = resources(
        await fhir_get(client, "Practitioner", token, organization="Organization/dep-yk")
    )
    assert expert_id in {e["id"] for e in experts}
    assert (await fhir_get(client, f"Practitioner/{expert_id}", token))["id"] == expert_id

    schedules = resources(
        await fhir_get(
            client, "Schedule", token, actor=f"Practitioner/{expert_id}", date="2026-11-28"
        )
    )
    assert schedule["id"] in {s["id"] for s in schedules}
    assert (await fhir_get(client, f"Schedule/{schedule['id']}", token))["id"] == schedule["id"]

    free = resources(
        await fhir_get(
            client,
            "Slot",
            token,
            schedule=f"Schedule/{schedule['id']}",
            start="ge2026-11-28",
            status="free",
        )
    )
    assert slot["id"] in {s["id"] for s in free}
    assert all(s["status"] == "free" for s in free)
    later = resources(
        await fhir_get(
            client, "Slot", token, schedule=f"Schedule/{schedule['id']}", start="ge2026-11-29"
        )
    )
    assert later == []
    read = await fhir_get(client, f"Slot/{slot['id']}", token)
    assert read["schedule"]["reference"] == f"Schedule/{schedule['id']}"


async def test_an_appointment_is_read_only_by_its_owner(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    patient_id = await patient_of(client, token)
    slot_id = (await open_slot(client))["slot"]["id"]
    order = (await book(client, token, patient_id, slot_id))["order"]
    appointment_id = order["id"].replace("_", "-")
    other, _ = await verified_user(client, openid="o-other", name="韩梅梅", sex="FEMALE")

    mine = await fhir_get(client, f"Appointment/{appointment_id}", token)
    assert mine["status"] == "pending"
    assert mine["slot"][0]["reference"] == f"Slot/{slot_id}"
    listed = resources(
        await fhir_get(client, "Appointment", token, patient=f"Patient/{patient_id}")
    )
    assert [a["id"] for a in listed] == [appointment_id]

    theirs = await fhir_get(client, f"Appointment/{appointment_id}", other, expect=404)
    assert theirs == await fhir_get(client, "Appointment/ord-0000", other, expect=404)
    assert resources(await fhir_get(client, "Appointment", other)) == []
    assert (
        resources(await fhir_get(client, "Appointment", other, patient=f"Patient/{patient_id}"))
        == []
    )


async def test_records_follow_the_access_rules_and_are_audited(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # 张伟 (pat-0001) of the HIS seed has reports and a prescription.
    token = await seed_patient(client)
    patient_id = await patient_of(client, token)
    reports = resources(
        await fhir_get(client, "DiagnosticReport", token, patient=f"Patient/{patient_id}")
    )
    assert reports, "the seed patient has reports"
    one = await fhir_get(client, f"DiagnosticReport/{reports[0]['id']}", token)
    assert one["subject"]["reference"] == f"Patient/{patient_id}"
    drugs = resources(
        await fhir_get(client, "MedicationRequest", token, patient=f"Patient/{patient_id}")
    )
    assert drugs and all(d["intent"] == "order" for d in drugs)
    async with runtime.sessions() as session:
        trail = (await session.exec(select(RecordRead))).all()
    assert {r.kind for r in trail} >= {"REPORT_LIST", "REPORT", "PRESCRIPTION_LIST"}

    # Someone who may not read them sees none, and the report itself is not found.
    other, _ = await verified_user(client, openid="o-other", name="韩梅梅", sex="FEMALE")
    assert (
        resources(
            await fhir_get(client, "DiagnosticReport", other, patient=f"Patient/{patient_id}")
        )
        == []
    )
    assert (
        resources(
            await fhir_get(client, "MedicationRequest", other, patient=f"Patient/{patient_id}")
        )
        == []
    )
    refused = await fhir_get(client, f"DiagnosticReport/{reports[0]['id']}", other, expect=404)
    assert error_code(refused) == "NOT_FOUND"
