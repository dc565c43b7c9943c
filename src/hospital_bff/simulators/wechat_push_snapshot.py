"""The WeChat push simulator's records as bytes (JSON) and back: which templates each user
accepted (long-term, and one-off acceptances left), the access tokens it issued and the messages
phones received, so that a demo's subscriptions survive a restart. Faults are not kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter

from hospital_bff.simulators.wechat_push import PushState, ReceivedMessage


@dataclass
class PushSnapshot:
    """Everything a restarted WeChat push must still know; (openid, template) pairs as lists,
    since JSON objects take only string keys."""

    long_term: list[tuple[str, str]]
    one_off_left: list[tuple[str, str, int]]
    tokens: dict[str, datetime]
    messages: list[ReceivedMessage]
    token_fetches: int


_SNAPSHOT = TypeAdapter(PushSnapshot)


def dump_push(state: PushState) -> bytes:
    return _SNAPSHOT.dump_json(
        PushSnapshot(
            long_term=sorted(state.long_term),
            one_off_left=sorted((o, t, n) for (o, t), n in state.one_off_left.items()),
            tokens=state.tokens,
            messages=state.messages,
            token_fetches=state.token_fetches,
        )
    )


def load_push(state: PushState, data: bytes) -> None:
    """Take the saved acceptances, tokens and messages (raises ValueError when unreadable)."""
    saved = _SNAPSHOT.validate_json(data)
    state.long_term = set(saved.long_term)
    state.one_off_left = {(o, t): n for o, t, n in saved.one_off_left}
    state.tokens = saved.tokens
    state.messages = saved.messages
    state.token_fetches = saved.token_fetches
