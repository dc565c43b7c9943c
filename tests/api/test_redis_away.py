"""Redis away, through the real app: what needs it (the per-address limit on identity checks)
answers a coded TRY_AGAIN and changes nothing; what does not (the catalogue, a booking, the
bank's notification) carries on. Redis is "away" by pointing every client the Runtime holds at
a port nobody listens on (the slow test in tests/server/ kills a real Redis instead)."""

from __future__ import annotations

import httpx
import pytest

from fixtures.accounts import identity
from fixtures.cluster import free_port
from fixtures.graphql import gql, gql_data
from fixtures.journey import book, open_slot, patient_of, register_person, sign_in, verified_user
from hospital_bff.cache import create_redis
from hospital_bff.runtime import Runtime


async def test_an_identity_check_answers_try_again_and_counts_nothing(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = await register_person(client)
    token = await sign_in(client, "o-away")
    live = runtime.redis
    dead = create_redis(f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setattr(runtime, "redis", dead)
    body = await gql(client, "VerifyIdentity", {"input": identity(person)}, token=token)
    assert body["data"] is None or body["data"]["verifyIdentity"] is None, body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "TRY_AGAIN"}, error
    # Back: the same check goes through, as if the refused one had never been tried.
    monkeypatch.setattr(runtime, "redis", live)
    data = await gql_data(client, "VerifyIdentity", {"input": identity(person)}, token=token)
    assert data["verifyIdentity"]["__typename"] == "VerifyIdentitySuccess", data


async def test_a_booking_and_the_schedules_go_on_without_redis(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, _person = await verified_user(client, openid="o-book-away")
    patient_id = await patient_of(client, token)
    dead = create_redis(f"redis://127.0.0.1:{free_port()}/0")
    for holder in (runtime, runtime.cache, runtime.events):
        monkeypatch.setattr(holder, "redis", dead)
    found = await open_slot(client)  # the schedules: the cache skipped, the HIS asked
    booked = await book(client, token, patient_id, found["slot"]["id"], key="away")
    assert booked["__typename"] == "BookAppointmentSuccess", booked
    assert booked["order"]["status"] == "AWAITING_PAYMENT"
