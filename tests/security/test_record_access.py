"""Who reads a patient's records: the patient, a minor's guardian, or whom the patient grants.

The attack (issue 9): knowing 李娜's name, ID number and phone, 张伟 bound her as SPOUSE and read
her gynaecological ultrasound, and heard of her reports, without her knowing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlmodel import select
from starlette.applications import Starlette

from fixtures.accounts import ZHANG_WEI, bind, user_id_of, verified_as
from fixtures.graphql import gql_data
from fixtures.journey import register_person, sign_in
from hospital_bff.clock import FrozenClock
from hospital_bff.runtime import Runtime
from hospital_bff.simulators.his.id_numbers import resident_id
from hospital_bff.store.models import AuditEntry, Notice, RecordRead

LI_NA = {
    "id": "pat-0002",
    "name": "李娜",
    "idNumber": resident_id("110105", date(1990, 7, 21), 2, "FEMALE"),
    "phone": "13800138002",
}

ACCESS = """
query MyRecordAccess {
  myRecordAccess {
    patientId
    boundBy { bindingId userName relation grant { id scopes endsOn inForce } }
    grants { id inForce revokedAt }
    reads { readerName byPatient kind recordIds basis at }
  }
}
"""
GRANT = """
mutation Grant($input: GrantRecordAccessInput!) {
  grantRecordAccess(input: $input) {
    __typename
    ... on GrantRecordAccessSuccess { grant { id scopes endsOn inForce } }
    ... on UserError { code }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  revokeRecordAccess(grantId: $id) {
    __typename
    ... on RevokeRecordAccessSuccess { grant { id inForce revokedAt } }
    ... on UserError { code }
  }
}
"""


async def raw(
    client: httpx.AsyncClient, query: str, token: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def new_report(client: httpx.AsyncClient, app: Starlette, patient_id: str) -> str:
    created = await client.post(
        "/sim/his/reports",
        json={
            "patientId": patient_id,
            "kind": "EXAM",
            "title": "妇科超声",
            "conclusion": "未见异常",
            "items": [],
        },
    )
    assert created.status_code in (200, 201), created.text
    await app.state.simulators["his"].state.his.drain()  # REPORT_READY delivered
    report_id: str = created.json()["id"]
    return report_id


async def what_they_see(
    client: httpx.AsyncClient, token: str, patient_id: str, report_id: str
) -> Any:
    return (
        await gql_data(client, "Reports", {"patientId": patient_id, "first": 10}, token=token),
        await gql_data(client, "Report", {"id": report_id}, token=token),
        await gql_data(client, "Prescriptions", {"patientId": patient_id}, token=token),
    )


NOTHING = (
    {"reports": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}},
    {"report": None},
    {"prescriptions": []},
)


async def report_ready_users(runtime: Runtime, report_id: str) -> set[str]:
    async with runtime.sessions() as session:
        rows = await session.exec(select(Notice).where(Notice.kind == "REPORT_READY"))
        return {n.user_id for n in rows.all() if report_id in n.dedupe_key}


async def user_of(runtime: Runtime, token: str, client: httpx.AsyncClient) -> str:
    return await user_id_of(client, token)


async def test_a_spouse_without_a_grant_reads_nothing_and_hears_nothing(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    zhang = await verified_as(client, ZHANG_WEI, "o-zw")
    assert (await bind(client, zhang, LI_NA, "SPOUSE"))["__typename"] == "BindPatientSuccess"
    li = await verified_as(client, LI_NA, "o-ln")
    report_id = await new_report(client, app, LI_NA["id"])

    seen = await what_they_see(client, zhang, LI_NA["id"], report_id)
    missing = await what_they_see(client, zhang, LI_NA["id"], "rpt-9999-1")
    assert seen == missing
    assert seen[1] == {"report": None} and seen[0]["reports"]["edges"] == []
    assert seen[2] == {"prescriptions": []}
    # She reads her own.
    own = (await gql_data(client, "Report", {"id": report_id}, token=li))["report"]
    assert own is not None and own["id"] == report_id
    # Only she heard of it.
    assert await report_ready_users(runtime, report_id) == {await user_of(runtime, li, client)}
    # She sees who bound her, and that only she read it.
    access = (await raw(client, ACCESS, li))["myRecordAccess"]
    assert access["patientId"] == LI_NA["id"]
    assert [b["relation"] for b in access["boundBy"]] == ["SPOUSE"]
    assert access["boundBy"][0]["grant"] is None
    assert access["reads"] and all(r["byPatient"] for r in access["reads"])


async def test_a_grant_opens_revoking_closes_and_so_does_its_end_date(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    zhang = await verified_as(client, ZHANG_WEI, "o-zw2")
    await bind(client, zhang, LI_NA, "SPOUSE")
    li = await verified_as(client, LI_NA, "o-ln2")
    first = await new_report(client, app, LI_NA["id"])
    binding_id = (await raw(client, ACCESS, li))["myRecordAccess"]["boundBy"][0]["bindingId"]

    # Only the patient grants: 张伟 cannot grant himself access with his own binding.
    forged = await raw(
        client,
        GRANT,
        zhang,
        {"input": {"bindingId": binding_id, "scopes": ["REPORTS"], "endsOn": "2026-12-31"}},
    )
    assert forged["grantRecordAccess"] == {"__typename": "NotFoundError", "code": "NOT_FOUND"}
    past = await raw(
        client,
        GRANT,
        li,
        {"input": {"bindingId": binding_id, "scopes": ["REPORTS"], "endsOn": "2026-11-01"}},
    )
    assert past["grantRecordAccess"]["code"] == "INVALID_INPUT"

    granted = await raw(
        client,
        GRANT,
        li,
        {"input": {"bindingId": binding_id, "scopes": ["REPORTS"], "endsOn": "2026-11-28"}},
    )
    assert granted["grantRecordAccess"]["__typename"] == "GrantRecordAccessSuccess", granted
    grant_id = granted["grantRecordAccess"]["grant"]["id"]
    found = (await gql_data(client, "Report", {"id": first}, token=zhang))["report"]
    assert found is not None and found["id"] == first
    # REPORTS only: prescriptions stay closed.
    assert (await gql_data(client, "Prescriptions", {"patientId": LI_NA["id"]}, token=zhang)) == {
        "prescriptions": []
    }
    # A new report now reaches him too.
    second = await new_report(client, app, LI_NA["id"])
    assert await report_ready_users(runtime, second) == {
        await user_of(runtime, li, client),
        await user_of(runtime, zhang, client),
    }
    # She sees his read, and the audit holds the grant.
    reads = (await raw(client, ACCESS, li))["myRecordAccess"]["reads"]
    his = [r for r in reads if not r["byPatient"]]
    assert his and his[0]["basis"] == "GRANT" and his[0]["readerName"]
    assert any(r["kind"] == "REPORT" and r["recordIds"] == [first] for r in his)
    async with runtime.sessions() as session:
        actions = {a.action for a in (await session.exec(select(AuditEntry))).all()}
        trail = (await session.exec(select(RecordRead))).all()
    assert "GRANT_RECORD_ACCESS" in actions
    assert {(t.his_patient_id, t.kind) for t in trail} >= {(LI_NA["id"], "REPORT")}

    # The day after the end date, it is closed.
    clock.advance(days=2)
    assert (await gql_data(client, "Report", {"id": first}, token=zhang)) == {"report": None}
    clock.advance(days=-2)

    revoked = await raw(client, REVOKE, li, {"id": grant_id})
    assert revoked["revokeRecordAccess"]["grant"]["inForce"] is False
    assert (await gql_data(client, "Report", {"id": first}, token=zhang)) == {"report": None}
    # Someone else's grant cannot be revoked by him, nor seen to exist.
    assert (await raw(client, REVOKE, zhang, {"id": grant_id}))["revokeRecordAccess"][
        "code"
    ] == "NOT_FOUND"
    async with runtime.sessions() as session:
        actions = {a.action for a in (await session.exec(select(AuditEntry))).all()}
    assert "REVOKE_RECORD_ACCESS" in actions


async def test_a_parent_reads_a_minor_childs_records_but_not_an_adult_childs(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    parent = await verified_as(client, ZHANG_WEI, "o-parent")
    minor = await register_person(
        client, name="张小明", birth=date(2015, 6, 1), phone="13800138001"
    )
    adult = await register_person(
        client, name="张大明", birth=date(2004, 6, 1), phone="13800138001"
    )
    minor_id = (await bind(client, parent, minor, "CHILD"))["patient"]["id"]
    adult_id = (await bind(client, parent, adult, "CHILD"))["patient"]["id"]
    minor_report = await new_report(client, app, minor_id)
    adult_report = await new_report(client, app, adult_id)

    found = (await gql_data(client, "Report", {"id": minor_report}, token=parent))["report"]
    assert found is not None and found["id"] == minor_report
    assert (await gql_data(client, "Report", {"id": adult_report}, token=parent)) == {
        "report": None
    }
    parent_id = await user_of(runtime, parent, client)
    assert parent_id in await report_ready_users(runtime, minor_report)
    assert parent_id not in await report_ready_users(runtime, adult_report)
    # Booking for the adult child is as before: the binding stays good for that.
    assert adult_id in {
        p["id"] for p in (await gql_data(client, "Me", token=parent))["me"]["patients"]
    }


async def test_an_unverified_account_has_no_record_access_view(client: httpx.AsyncClient) -> None:
    token = await sign_in(client, "o-nobody")
    assert (await raw(client, ACCESS, token)) == {"myRecordAccess": None}
