"""Group commit: many callers' items applied in one transaction, each caller answered after it.

A command that runs one short transaction per item (a bank notification, an order whose
payment window ended) spends most of its time opening, committing and waiting for the one
SQLite writer, not on the item. A `GroupCommit` takes every item that arrives while a batch
is being applied into the next batch, and answers each caller only once the batch that
applied its item has committed: a caller that is answered knows its item is durable.

A batch that raises is applied again one item at a time, so one bad item fails only its
own caller. No task outlives its work: the first item to find no batch running starts one,
and it ends when nobody waits; a caller's own cancellation leaves the batch running for the
others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import structlog

from hospital_bff.runtime import Runtime

log = structlog.get_logger(__name__)

Item = TypeVar("Item")
Answer = TypeVar("Answer")

MAX_BATCH = 256  # bounds one transaction's statements and the rows it locks


class GroupCommit(Generic[Item, Answer]):
    """`apply` takes a batch and answers one result per item, in order, after its commit."""

    def __init__(
        self,
        name: str,
        apply: Callable[[Sequence[Item]], Awaitable[Sequence[Answer]]],
        *,
        max_batch: int = MAX_BATCH,
        gather_gap: float = 0.0,
        gather_max: float = 0.0,
    ) -> None:
        self.name = name
        self.apply = apply
        self.max_batch = max_batch
        self.gather_gap = gather_gap
        self.gather_max = gather_max
        self._waiting: list[tuple[Item, asyncio.Future[Answer]]] = []
        self._task: asyncio.Task[None] | None = None
        self._arrived: asyncio.Event | None = None

    async def submit(self, item: Item) -> Answer:
        """`item` applied with the others waiting; raises what applying it alone raised."""
        answer: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, answer))
        if self._arrived is not None:
            self._arrived.set()
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())
        return await asyncio.shield(answer)

    async def _drain(self) -> None:
        try:
            while self._waiting:
                await self._gather()
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
                await self._apply(batch)
        finally:
            self._task = None

    async def _gather(self) -> None:
        """With `gather_gap`, wait for more items as long as each comes within `gather_gap`
        seconds of the last, up to `gather_max` in all or a full batch. The callers answered
        by the last commit send their next items meanwhile: without it, 32 callers at once
        settled in two alternating batches of 16, each paying the transaction's fixed cost."""
        if self.gather_gap <= 0:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.gather_max
        arrived = self._arrived = asyncio.Event()
        try:
            while len(self._waiting) < self.max_batch:
                left = min(self.gather_gap, deadline - loop.time())
                if left <= 0:
                    return
                arrived.clear()
                try:
                    async with asyncio.timeout(left):
                        await arrived.wait()
                except TimeoutError:
                    return
        finally:
            self._arrived = None

    async def _apply(self, batch: list[tuple[Item, asyncio.Future[Answer]]]) -> None:
        try:
            answers = await self.apply([item for item, _ in batch])
        except Exception as exc:
            if len(batch) > 1:
                # Rolled back whole: each alone, so that one bad item fails only itself.
                for one in batch:
                    await self._apply([one])
                return
            log.warning("group_commit_item_failed", batch=self.name, error=repr(exc))
            _, answer = batch[0]
            if not answer.done():
                answer.set_exception(exc)
                # Read here too, so that a caller who left does not leave it unread.
                answer.add_done_callback(_read_exception)
            return
        for (_, answer), result in zip(batch, answers, strict=True):
            if not answer.done():
                answer.set_result(result)


def _read_exception(future: asyncio.Future[Any]) -> None:
    future.exception()


def group_commit(
    runtime: Runtime,
    name: str,
    apply: Callable[[Sequence[Item]], Awaitable[Sequence[Answer]]],
    *,
    gather_gap: float = 0.0,
    gather_max: float = 0.0,
) -> GroupCommit[Item, Answer]:
    """The runtime's one `GroupCommit` of this name (one per process and event loop)."""
    key = f"group_commit:{name}"
    found = runtime.extras.get(key)
    if found is None:
        found = runtime.extras[key] = GroupCommit(
            name, apply, gather_gap=gather_gap, gather_max=gather_max
        )
    return found  # type: ignore[no-any-return]
