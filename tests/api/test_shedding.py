"""An overloaded process refuses a GraphQL request at the door: a coded TRY_AGAIN at once,
nothing read, nothing taken; a kept catalogue answer is still sent, and the same request
sent again once there is room is served."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from conftest import make_settings
from fixtures.graphql import contract_document, gql_data
from fixtures.journey import book, open_slot, patient_of, verified_user
from hospital_bff.config import Settings
from hospital_bff.runtime import Runtime
from hospital_bff.services.slot_gate import Admission
from hospital_bff.shedding import MIN_RETRY_MS
from hospital_bff.store.models import Order, PlaceHold


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    # One GraphQL request in flight at a time, whatever the measured rate.
    return make_settings(backend, tmp_path, shed_min_in_flight=1, shed_max_in_flight=1)


class HeldAdmission(Admission):
    """A booking waits here until the test lets it go, and says when it has arrived."""

    def __init__(self) -> None:
        super().__init__(limit=1, wait_seconds=60)
        self.arrived = asyncio.Event()
        self.go = asyncio.Event()

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        self.arrived.set()
        await self.go.wait()
        async with super().admitted():
            yield


async def test_a_request_beyond_the_bound_hears_try_again_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id = (await open_slot(client))["slot"]["id"]
    first_token, _ = await verified_user(client, openid="o-shed-1")
    second_token, _ = await verified_user(client, openid="o-shed-2")
    first_patient = await patient_of(client, first_token)
    second_patient = await patient_of(client, second_token)
    await gql_data(client, "Departments")  # kept by the response cache from now on
    held = HeldAdmission()
    runtime.slot_gate.admission = held
    first = asyncio.create_task(book(client, first_token, first_patient, slot_id))
    await held.arrived.wait()  # the one request allowed in flight is in flight

    his_calls = runtime.his.calls
    refused = await client.post(
        "/graphql",
        json={
            "query": contract_document(),
            "operationName": "BookAppointment",
            "variables": {
                "input": {"patientId": second_patient, "slotId": slot_id, "idempotencyKey": "k"}
            },
        },
        headers={"Authorization": f"Bearer {second_token}", "Accept-Language": "en"},
    )
    assert refused.status_code == 200
    assert refused.headers["retry-after"] == "1"
    body = refused.json()
    assert "data" not in body or body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "TRY_AGAIN"
    # Its turn to the millisecond, for an app that can wait less than Retry-After's second.
    assert MIN_RETRY_MS <= error["extensions"]["retryAfterMs"] <= 1000
    assert error["message"] == "The service is busy; nothing was done, please try again"
    # Under graphql-response+json an answer without data is a 5xx: the server is busy.
    strict = await client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Accept": "application/graphql-response+json"},
    )
    assert strict.status_code == 503
    assert strict.json()["errors"][0]["extensions"]["code"] == "TRY_AGAIN"

    # A kept answer is sent before the door: it costs nothing, so it is never refused.
    assert (await gql_data(client, "Departments"))["departments"]

    assert runtime.his.calls == his_calls
    async with runtime.sessions() as session:
        assert not (await session.exec(select(Order))).all()
        assert not (await session.exec(select(PlaceHold))).all()

    held.go.set()
    assert (await first)["__typename"] == "BookAppointmentSuccess"
    again = await book(client, second_token, second_patient, slot_id, key="k")
    assert again["__typename"] == "BookAppointmentSuccess", again


async def test_what_is_not_graphql_over_http_is_never_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client, openid="o-shed-3")
    patient = await patient_of(client, token)
    slot_id = (await open_slot(client))["slot"]["id"]
    held = HeldAdmission()
    runtime.slot_gate.admission = held
    first = asyncio.create_task(book(client, token, patient, slot_id))
    await held.arrived.wait()
    assert (await client.get("/healthz")).status_code == 200
    held.go.set()
    # It called the HIS simulator through this very app while it filled the one place.
    assert (await first)["__typename"] == "BookAppointmentSuccess"
