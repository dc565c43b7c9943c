"""A personal question asked again while it is being answered waits for that answer instead
of running the query again (the stampede at a kept answer's lapse), and is given it only if
it is still true, as any kept answer."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from starlette.applications import Starlette

from fixtures.accounts import bind
from fixtures.graphql import gql_data
from fixtures.journey import register_person, verified_user
from hospital_bff import personal_answers
from hospital_bff.personal_answers import PersonalAnswers

JOINERS = 4
BOUND = 30.0  # a hang fails the test instead of stalling the run; nothing is timed by it

Asked = asyncio.Task[dict[str, Any]]


def counted(outcome: str) -> float:
    return REGISTRY.get_sample_value("bff_personal_answers_total", {"outcome": outcome}) or 0.0


class Paused:
    """Holds the first query's answer after it read the generations (its `before`), and tells
    when the other requests are all waiting for it."""

    def __init__(self, answers: PersonalAnswers, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read_before = asyncio.Event()
        self.go = asyncio.Event()
        self.joined = asyncio.Event()
        self.waiting = 0
        self.queries = 0
        real_read = answers.read
        paused = self

        async def read(keys: list[str]) -> list[Any] | None:
            values = await real_read(keys)
            if not paused.read_before.is_set():
                paused.queries += 1
                paused.read_before.set()
                await paused.go.wait()
            return values

        class CountedEvent(asyncio.Event):
            async def wait(self) -> Any:
                paused.waiting += 1
                if paused.waiting == JOINERS:
                    paused.joined.set()
                return await super().wait()

        monkeypatch.setattr(answers, "read", read)
        monkeypatch.setattr(personal_answers, "Event", CountedEvent, raising=False)

    async def crowd(self, client: httpx.AsyncClient, token: str) -> tuple[Asked, list[Asked]]:
        """`Me` asked once and held after its first read, then asked by JOINERS more, all of
        them waiting when this returns."""
        first = asyncio.create_task(gql_data(client, "Me", token=token))
        await asyncio.wait_for(self.read_before.wait(), BOUND)
        joiners = [asyncio.create_task(gql_data(client, "Me", token=token)) for _ in range(JOINERS)]
        await asyncio.wait_for(self.joined.wait(), BOUND)
        return first, joiners


async def lapsed(
    client: httpx.AsyncClient, app: Starlette, token: str
) -> tuple[PersonalAnswers, dict[str, Any]]:
    """The account's `Me` kept once (the process learnt whose it is), then lapsed."""
    for _ in range(2):
        data = await gql_data(client, "Me", token=token)
    answers: PersonalAnswers = app.state.personal_answers
    assert len(answers) == 1
    for entry in list(answers._entries.values()):
        entry.expires = 0.0
    return answers, data


async def test_requests_asked_during_an_answer_are_given_it_and_run_no_query(
    client: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, _ = await verified_user(client)
    answers, _ = await lapsed(client, app, token)
    paused = Paused(answers, monkeypatch)
    misses, hits = counted("miss"), counted("hit")
    first, joiners = await paused.crowd(client, token)
    paused.go.set()
    answered = await asyncio.wait_for(asyncio.gather(first, *joiners), BOUND)
    assert all(a == answered[0] for a in answered)
    assert paused.queries == 1
    assert (counted("miss"), counted("hit")) == (misses + 1, hits + JOINERS)
    assert answers.flights == {}, "a finished question leaves nothing behind"


async def test_a_write_while_answering_sends_the_waiters_to_run_the_query(
    client: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, _ = await verified_user(client)
    answers, before = await lapsed(client, app, token)
    paused = Paused(answers, monkeypatch)
    stale = counted("stale")
    first, joiners = await paused.crowd(client, token)
    # A patient bound after the first query read its generations, before it ran.
    child = await register_person(client, name="李小雷")
    assert (await bind(client, token, child))["__typename"] == "BindPatientSuccess"
    paused.go.set()
    await asyncio.wait_for(first, BOUND)
    answered = await asyncio.wait_for(asyncio.gather(*joiners), BOUND)
    assert counted("stale") >= stale + 1, "the waiters checked the kept answer's generations"
    bound = len(before["me"]["patients"]) + 1
    assert [len(data["me"]["patients"]) for data in answered] == [bound] * JOINERS
