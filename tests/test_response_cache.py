"""The whole-response cache of the public catalogue: hits, what makes an answer go, how long
it may live, what is never kept, and ETag/304 over GET."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from starlette.applications import Starlette

from fixtures.accounts import staff_token
from fixtures.graphql import contract_document, gql, gql_data
from fixtures.journey import book, eventually, open_slot, patient_of, verified_user
from fixtures.money import cancel
from hospital_bff.config import Settings
from hospital_bff.events import RESYNC, catalogue_topic
from hospital_bff.persisted_queries import KEY_PREFIX, sha256_hex
from hospital_bff.response_cache import CDN_MAX_AGE_SECONDS, REDIS_PREFIX, Entry, ResponseCache
from hospital_bff.runtime import Runtime, open_runtime

DAY = "2026-11-28"


def counted(outcome: str) -> float:
    return REGISTRY.get_sample_value("bff_response_cache_total", {"outcome": outcome}) or 0.0


def cache_of(app: Starlette) -> ResponseCache:
    cache: ResponseCache = app.state.response_cache
    return cache


async def schedules(client: httpx.AsyncClient, department: str = "dep-yk") -> list[dict[str, Any]]:
    data = await gql_data(
        client, "DepartmentSchedules", {"departmentId": department, "from": DAY, "to": DAY}
    )
    found: list[dict[str, Any]] = data["schedules"]
    return found


def remaining_of(listed: list[dict[str, Any]], slot_id: str) -> int:
    return next(int(s["remaining"]) for sch in listed for s in sch["slots"] if s["id"] == slot_id)


def status_of(listed: list[dict[str, Any]], schedule_id: str) -> str:
    return next(str(s["status"]) for s in listed if s["id"] == schedule_id)


async def forget_shared(runtime: Runtime) -> None:
    for shared in await runtime.redis.keys(REDIS_PREFIX + "*"):
        await runtime.redis.delete(shared)


# --- hits ------------------------------------------------------------------------------------


async def test_a_repeated_public_query_is_answered_from_the_cache(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    hits = counted("hit")
    first = await client.post(
        "/graphql", json={"query": contract_document(), "operationName": "Departments"}
    )
    second = await client.post(
        "/graphql", json={"query": contract_document(), "operationName": "Departments"}
    )
    assert second.status_code == 200
    assert second.content == first.content
    assert counted("hit") == hits + 1
    assert len(cache_of(app)) == 1
    # The language of the messages is part of the question: English is another answer.
    await gql_data(client, "Departments", headers={"accept-language": "en"})
    assert len(cache_of(app)) == 2
    # So is the origin a browser sends: CORS headers answer it by name.
    await gql_data(client, "Departments", headers={"origin": "https://h5.hospital.example"})
    assert len(cache_of(app)) == 3


async def test_every_public_catalogue_operation_is_kept(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await gql_data(client, "Departments")
    await gql_data(client, "DepartmentExperts", {"departmentId": "dep-nk"})
    await gql_data(client, "ExpertDetail", {"expertId": "exp-nk-1", "from": DAY, "to": DAY})
    await schedules(client)
    assert len(cache_of(app)) == 4


async def test_a_crowd_asking_what_is_being_answered_waits_for_it_outside_the_door(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    """A public question asked while another request is answering it waits for that answer in
    front of the shedding door: a full door does not refuse it, and nothing runs twice."""
    cache = cache_of(app)
    cache.clear()
    await forget_shared(runtime)
    first = await schedules(client)
    (key,) = list(cache._entries)
    clock = [cache.now()]
    cache.now = lambda: clock[0]
    clock[0] += 3600  # the kept answer has lapsed: the next asker would run the query
    leader: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    waiting = asyncio.Event()

    class Watched(dict[bytes, "asyncio.Future[None]"]):
        def get(self, k: bytes, default: Any = None) -> Any:
            if k == key:
                waiting.set()
            return super().get(k, default)

    cache.inflight = Watched({key: leader})  # another request is running that query
    door = app.state.front_door
    door.in_flight += door.limit  # and the door is full
    shed, hits = REGISTRY.get_sample_value("bff_shed_requests_total") or 0.0, counted("hit")
    try:
        asking = asyncio.create_task(schedules(client))
        heard = asyncio.create_task(waiting.wait())
        done, _ = await asyncio.wait({asking, heard}, return_when=asyncio.FIRST_COMPLETED)
        assert asking not in done, "answered (refused) without waiting for the running query"
        clock[0] -= 3600  # the leader's answer is kept
        leader.set_result(None)
        assert await asking == first
    finally:
        door.in_flight -= door.limit
        cache.inflight = {}
    assert (REGISTRY.get_sample_value("bff_shed_requests_total") or 0.0) == shed
    assert counted("hit") == hits + 1


# --- a change shows at once ---------------------------------------------------------------


async def test_a_booking_shows_in_the_next_answer(client: httpx.AsyncClient) -> None:
    found = await open_slot(client)
    slot_id = found["slot"]["id"]
    before = remaining_of(await schedules(client), slot_id)
    assert remaining_of(await schedules(client), slot_id) == before  # from the cache
    token, _ = await verified_user(client)
    booked = await book(client, token, await patient_of(client, token), slot_id)
    assert booked["__typename"] == "BookAppointmentSuccess", booked
    assert remaining_of(await schedules(client), slot_id) == before - 1


async def test_a_cancellation_shows_once_the_place_is_back(client: httpx.AsyncClient) -> None:
    found = await open_slot(client)
    slot_id = found["slot"]["id"]
    token, _ = await verified_user(client)
    booked = await book(client, token, await patient_of(client, token), slot_id)
    held = remaining_of(await schedules(client), slot_id)
    cancelled = await cancel(client, token, booked["order"]["id"], "不去了")
    assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled

    async def released() -> bool:
        # The HIS frees the place in a job, which then announces the change.
        return remaining_of(await schedules(client), slot_id) == held + 1

    await eventually(released)


async def test_a_suspension_shows_in_the_next_answer(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    schedule_id = (await open_slot(client))["schedule"]["id"]
    assert status_of(await schedules(client), schedule_id) == "OPEN"
    data = await gql_data(
        client,
        "SuspendSchedule",
        {"scheduleId": schedule_id, "reason": "专家外出会诊"},
        token=await staff_token(runtime),
        document="staff",
    )
    assert data["suspendSchedule"]["__typename"] == "SuspendScheduleSuccess", data
    assert status_of(await schedules(client), schedule_id) == "SUSPENDED"


async def test_another_process_forgets_through_the_events(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings
) -> None:
    """A change made in one process reaches another's cache by the `catalogue` event, not by
    expiry: the other's answer here would live for ever on its own."""
    other = ResponseCache(now=lambda: 0.0)
    async with open_runtime(settings) as other_runtime, other.attached(other_runtime):
        entry = Entry(b"{}", [], b'"x"', expires=float("inf"), departments={"dep-yk": 0})
        other._put(b"k", entry)
        assert other.fresh(b"k") is entry
        await other_runtime.events.hub.wait_until(
            lambda: other_runtime.events.hub.is_listening("catalogue")
        )
        await runtime.catalogue.invalidate_schedules("dep-yk")

        async def forgotten() -> bool:
            return other.fresh(b"k") is None

        await eventually(forgotten)
        assert other.versions["dep-yk"] >= 1


async def test_a_reconnection_to_redis_forgets_every_kept_answer(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings
) -> None:
    """Pub/sub keeps no history: a change published while the events connection was down never
    arrives, so the hub's "look again" after it reconnects makes the cache forget all it kept
    (it was read as a malformed event, and the cache went on serving what it held)."""
    other = ResponseCache(now=lambda: 0.0)
    async with open_runtime(settings) as other_runtime, other.attached(other_runtime):
        hub = other_runtime.events.hub
        # A department no other test or start-up changes: only the reconnection drops it.
        await hub.wait_until(lambda: hub.is_listening("catalogue"))
        entry = Entry(b"{}", [], b'"x"', expires=float("inf"), departments={"dep-quiet": 0})
        other._put(b"k", entry)
        hub._fan_out(hub.channel(catalogue_topic()), {RESYNC: True})

        async def forgotten() -> bool:
            return other.fresh(b"k") is None

        await eventually(forgotten)
        # Still listening on the same subscription, and it still hears changes.
        other._put(b"k", entry)
        await runtime.catalogue.invalidate_schedules("dep-quiet")
        await eventually(forgotten)


# --- how long an answer lives ------------------------------------------------------------------


async def test_remaining_counts_live_no_longer_than_the_schedules_read(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, settings: Settings
) -> None:
    cache = cache_of(app)
    await schedules(client)
    assert cache.lifetimes() and max(cache.lifetimes()) <= settings.cache_remaining_ttl
    # Schedules read from an entry about to lapse: the answer lapses with it.
    cache.clear()
    await forget_shared(runtime)
    keys = await runtime.redis.keys(runtime.cache.prefix + "schedules:dep-yk:*")
    assert keys
    for key in keys:
        await runtime.redis.pexpire(key, 400)
    await schedules(client)
    assert 0 < max(cache.lifetimes()) <= 0.4
    # Once that time has passed, the schedules are read again: the same text, the same answer,
    # kept again without running the query.
    clock = [cache.now()]
    cache.now = lambda: clock[0]
    clock[0] += 0.5
    await forget_shared(runtime)  # Redis lets its copy lapse on the real clock
    revalidated, misses = counted("revalidated"), counted("miss")
    await schedules(client)
    assert (counted("revalidated"), counted("miss")) == (revalidated + 1, misses)
    # Schedules that read differently (a registration at the window): the query runs again.
    clock[0] += settings.cache_remaining_ttl + 0.1
    await forget_shared(runtime)
    for key in await runtime.redis.keys(runtime.cache.prefix + "schedules:dep-yk:*"):
        text = await runtime.redis.get(key)
        changed = json.loads(text)
        changed[0]["remaining"] -= 1
        await runtime.redis.set(key, json.dumps(changed), px=2000)
    await schedules(client)
    assert counted("miss") == misses + 1


async def test_the_catalogue_alone_lives_as_long_as_the_catalogue(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    await gql_data(client, "Departments")
    (left,) = cache_of(app).lifetimes()
    assert settings.cache_remaining_ttl < left <= settings.cache_catalogue_ttl


# --- never kept ----------------------------------------------------------------------------------


async def test_personal_answers_are_never_kept_nor_shared(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    first, _ = await verified_user(client)
    second, _ = await verified_user(client, openid="o-second", name="韩梅梅", sex="FEMALE")
    me_first = (await gql_data(client, "Me", token=first))["me"]
    me_second = (await gql_data(client, "Me", token=second))["me"]
    assert me_first["id"] != me_second["id"]
    assert me_second["maskedName"] != me_first["maskedName"]
    patient = me_first["patients"][0]["id"]
    with_patient = {"departmentId": "dep-yk", "from": DAY, "to": DAY, "patientId": patient}
    mine = await gql_data(client, "DepartmentSchedules", with_patient, token=first)
    theirs = await gql_data(client, "DepartmentSchedules", with_patient, token=second)
    assert {s["eligibility"]["code"] for s in theirs["schedules"]} == {"NOT_FOUND"}
    assert mine != theirs
    await gql_data(client, "Orders", {"first": 5}, token=first)
    # Without a token the personal query is refused, not answered from anyone's copy.
    anonymous = await gql(client, "DepartmentSchedules", with_patient)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # What is kept is the public schedules the verdicts were laid over, and nothing of anyone.
    kept = [entry.body for entry in cache_of(app)._entries.values()]
    assert len(kept) == 1
    for personal in (me_first["id"], me_second["id"], patient, "NOT_FOUND", "maskedName"):
        assert all(personal.encode() not in body for body in kept), personal


async def test_answers_with_errors_are_not_kept(client: httpx.AsyncClient, app: Starlette) -> None:
    too_long = {"expertId": "exp-nk-1", "from": "2026-11-27", "to": "2027-03-01"}
    for _ in range(2):
        body = await gql(client, "ExpertDetail", too_long)
        assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert len(cache_of(app)) == 0


async def test_mutations_are_not_kept(client: httpx.AsyncClient, app: Starlette) -> None:
    body = await gql(client, "SignIn", {"code": "not-a-code"})
    assert body["data"]["signIn"]["__typename"] != "SignInSuccess"
    assert len(cache_of(app)) == 0


async def test_no_other_process_is_asked_for_what_is_never_kept(
    client: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bytes] = []
    real = ResponseCache.shared

    async def shared(self: ResponseCache, key: bytes) -> Entry | None:
        asked.append(key)
        return await real(self, key)

    monkeypatch.setattr(ResponseCache, "shared", shared)
    token, _ = await verified_user(client)
    slot_id = (await open_slot(client))["slot"]["id"]
    patient = await patient_of(client, token)
    asked.clear()  # finding a slot asked public questions
    personal = counted("personal")
    # Each with its own key (its variables): a mutation, and a personal query.
    booked = await book(client, token, patient, slot_id)
    assert booked["__typename"] == "BookAppointmentSuccess", booked
    await gql_data(client, "Orders", {"first": 5}, token=token)
    assert asked == [], "neither can be kept, so nobody's copy was asked for"
    assert counted("personal") == personal + 2, "counted as before, once each had run"
    await gql_data(client, "ExpertDetail", {"expertId": "exp-nk-1", "from": DAY, "to": DAY})
    assert len(asked) == 1, "a public question still takes another process's answer"


async def test_a_booking_sent_again_while_it_runs_waits_for_it(client: httpx.AsyncClient) -> None:
    token, _ = await verified_user(client)
    slot_id = (await open_slot(client))["slot"]["id"]
    patient = await patient_of(client, token)
    last = await client.post(f"/sim/his/slots/{slot_id}/capacity", json={"capacity": 1})
    assert last.status_code == 200, last.text
    # The app sent it again (a timeout on a bad network) while the first is still running:
    # racing it for the last place, the second would hear SLOT_FULL of the patient's own order.
    first, again = await asyncio.gather(
        book(client, token, patient, slot_id, key="once"),
        book(client, token, patient, slot_id, key="once"),
    )
    assert first["__typename"] == again["__typename"] == "BookAppointmentSuccess", (first, again)
    assert first["order"]["id"] == again["order"]["id"]


# --- over GET ------------------------------------------------------------------------------------


async def test_a_get_carries_an_etag_and_answers_304_when_unchanged(
    client: httpx.AsyncClient,
) -> None:
    query = "query Departments { departments { id name } }"
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}
    registered = await client.post("/graphql", json={"query": query, "extensions": extensions})
    assert registered.status_code == 200, registered.text
    params = {"extensions": json.dumps(extensions)}
    first = await client.get("/graphql", params=params, headers={"accept": "*/*"})
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert first.json()["data"]["departments"]
    again = await client.get(
        "/graphql", params=params, headers={"accept": "*/*", "if-none-match": etag}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = await client.get(
        "/graphql", params=params, headers={"accept": "*/*", "if-none-match": '"stale"'}
    )
    assert other.status_code == 200
    assert other.content == first.content


async def test_a_hash_only_get_is_cdn_cacheable_and_a_signed_in_answer_never(
    client: httpx.AsyncClient,
) -> None:
    query = "query Departments { departments { id name } }"
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}
    registered = await client.post("/graphql", json={"query": query, "extensions": extensions})
    assert registered.status_code == 200, registered.text
    params = {"extensions": json.dumps(extensions)}
    for _ in range(2):  # the answer that fills the cache, then one from it
        public = await client.get("/graphql", params=params, headers={"accept": "*/*"})
        assert public.status_code == 200, public.text
        cache_control = public.headers["cache-control"]
        assert cache_control.startswith("public, max-age="), cache_control
        # A few seconds, never longer than the app's own cache keeps it.
        assert 0 < int(cache_control.rsplit("=", 1)[1]) <= CDN_MAX_AGE_SECONDS
    # The document in the URL: a long, per-client URL no CDN is asked to keep.
    with_document = await client.get("/graphql", params={"query": query}, headers={"accept": "*/*"})
    assert not with_document.headers["cache-control"].startswith("public")

    token, _ = await verified_user(client)
    signed_in = {"accept": "*/*", "authorization": f"Bearer {token}"}
    mine = await client.get("/graphql", params=params, headers=signed_in)
    assert mine.status_code == 200, mine.text
    assert mine.headers["cache-control"] == "private, no-store"
    me = await client.post("/graphql", json={"query": "{ me { id } }"}, headers=signed_in)
    assert me.json()["data"]["me"]["id"], me.text
    assert me.headers["cache-control"] == "private, no-store"


async def test_a_changed_answer_has_another_etag(client: httpx.AsyncClient) -> None:
    found = await open_slot(client)
    params = {
        "query": "query S($d: ID!, $f: Date!) { schedules(departmentId: $d, from: $f, to: $f)"
        " { id slots { id remaining } } }",
        "variables": json.dumps({"d": "dep-yk", "f": DAY}),
    }
    first = await client.get("/graphql", params=params, headers={"accept": "*/*"})
    token, _ = await verified_user(client)
    await book(client, token, await patient_of(client, token), found["slot"]["id"])
    after = await client.get(
        "/graphql", params=params, headers={"accept": "*/*", "if-none-match": first.headers["etag"]}
    )
    assert after.status_code == 200
    assert after.headers["etag"] != first.headers["etag"]


# Answers are shared between processes through Redis only: the PostgreSQL-and-Redis backend.
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_another_process_takes_a_shared_answer_until_its_department_changes(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, settings: Settings
) -> None:
    assert settings.redis_url is not None
    await schedules(client)
    (key,) = list(cache_of(app)._entries)
    other = ResponseCache(share=True, namespace=cache_of(app).namespace)
    async with open_runtime(settings) as other_runtime, other.attached(other_runtime):
        shared = await other.shared(key)
        assert shared is not None
        assert shared.body == cache_of(app).fresh(key).body  # type: ignore[union-attr]
        await runtime.catalogue.invalidate_schedules("dep-yk")
        assert await other.shared(key) is None


async def test_a_kept_answer_carries_a_request_id(client: httpx.AsyncClient) -> None:
    payload = {"query": contract_document(), "operationName": "Departments"}
    await client.post("/graphql", json=payload)
    hits = counted("hit")
    fresh = await client.post("/graphql", json=payload)
    echoed = await client.post("/graphql", json=payload, headers={"x-request-id": "support-42"})
    assert counted("hit") == hits + 2
    assert len(fresh.headers["x-request-id"]) == 32
    assert echoed.headers["x-request-id"] == "support-42"


async def test_a_request_that_registers_a_persisted_query_always_runs(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    query = "query Departments { departments { id } }"
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}
    payload = {"query": query, "extensions": extensions}
    assert (await client.post("/graphql", json=payload)).status_code == 200
    # The registration lapsed (its TTL) while the answer could still be kept: sending the
    # query with its hash again registers it again, as Apollo's link expects.
    await runtime.redis.delete(KEY_PREFIX + sha256_hex(query))
    assert (await client.post("/graphql", json=payload)).status_code == 200
    assert await runtime.redis.exists(KEY_PREFIX + sha256_hex(query))


async def test_a_kept_answer_is_sent_before_starlette_runs(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    payload = {"query": contract_document(), "operationName": "Departments"}
    await client.post("/graphql", json=payload)
    stack, calls = app.middleware_stack, []

    async def counted_stack(scope: Any, receive: Any, send: Any) -> None:
        calls.append(scope["path"])
        assert stack is not None
        await stack(scope, receive, send)

    app.middleware_stack = counted_stack  # type: ignore[assignment]
    hits = counted("hit")
    assert (await client.post("/graphql", json=payload)).status_code == 200
    assert counted("hit") == hits + 1
    assert calls == []
    await client.get("/healthz")
    assert calls == ["/healthz"]


async def test_requests_keys_are_remembered_within_bounds(
    client: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hospital_bff import response_cache_http

    monkeypatch.setattr(response_cache_http, "KEY_MEMO_ENTRIES", 2)
    monkeypatch.setattr(response_cache_http, "KEY_MEMO_REQUEST_BYTES", 4096)
    memo: dict[bytes, bytes] = app.front._keys  # type: ignore[attr-defined]
    small = {"query": contract_document(), "operationName": "Departments"}
    large = {**small, "variables": {"padding": "x" * 4096}}
    for payload in (small, large):
        hits = counted("hit")
        first = await client.post("/graphql", json=payload)
        again = await client.post("/graphql", json=payload)
        assert again.content == first.content
        assert counted("hit") == hits + 1
    assert all(len(asked) <= 4096 for asked in memo), "a large request was remembered"
    # Languages that come to the same one share the answer; the memo starts afresh when full.
    for language in ("en", "en-GB", "en-US,en;q=0.9"):
        await gql_data(client, "Departments", headers={"accept-language": language})
        assert len(memo) <= 2
    assert len(cache_of(app)) == 3  # no language named (Chinese), English, the padded one


async def test_an_answer_too_big_to_keep_is_not_shared_either(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    """A stream of distinct large documents was written to the shared Redis though no process
    kept them, filling the Redis every process relies on."""
    cache = cache_of(app)
    cache.clear()
    await forget_shared(runtime)
    cache.share, budget = True, cache.max_bytes
    cache.max_bytes = 8  # every answer is over an eighth of it
    await gql_data(client, "Departments")
    assert len(cache) == 0
    assert await runtime.redis.keys(REDIS_PREFIX + "*") == []
    cache.max_bytes = budget
    await gql_data(client, "Departments")
    assert len(cache) == 1
    assert len(await runtime.redis.keys(REDIS_PREFIX + "*")) == 1
