"""Group commit: items arriving while a batch is applied join the next one, each caller gets
its own answer, and one bad item fails only its own caller."""

import asyncio
from collections.abc import Sequence

import pytest

from hospital_bff.services.group_commit import GroupCommit


async def test_items_waiting_together_are_applied_in_one_batch_each_answered_its_own() -> None:
    batches: list[list[int]] = []
    first_batch_running = asyncio.Event()
    release_first = asyncio.Event()

    async def apply(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        if len(batches) == 1:
            first_batch_running.set()
            await release_first.wait()
        return [item * 10 for item in items]

    group: GroupCommit[int, int] = GroupCommit("test", apply)
    first = asyncio.create_task(group.submit(1))
    await first_batch_running.wait()
    # These arrive while the first batch is being applied: they make the next batch together.
    later = [asyncio.create_task(group.submit(i)) for i in range(2, 7)]
    await asyncio.sleep(0)
    release_first.set()
    assert await first == 10
    assert [await task for task in later] == [20, 30, 40, 50, 60]
    assert batches == [[1], [2, 3, 4, 5, 6]]


async def test_a_batch_that_fails_is_applied_one_by_one_and_only_the_bad_item_fails() -> None:
    batches: list[list[int]] = []
    gate = asyncio.Event()

    async def apply(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        await gate.wait()
        if 3 in items:
            raise ValueError("bad item")
        return list(items)

    group: GroupCommit[int, int] = GroupCommit("test", apply)
    tasks = [asyncio.create_task(group.submit(i)) for i in range(1, 6)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[:2] == [1, 2] and results[3:] == [4, 5]
    assert isinstance(results[2], ValueError)
    assert batches == [[1, 2, 3, 4, 5], [1], [2], [3], [4], [5]]


async def test_no_task_outlives_the_work() -> None:
    async def apply(items: Sequence[int]) -> list[int]:
        return list(items)

    group: GroupCommit[int, int] = GroupCommit("test", apply)
    assert await group.submit(7) == 7
    await asyncio.sleep(0)
    assert group._task is None


@pytest.mark.parametrize("max_batch", [1, 2])
async def test_a_batch_holds_at_most_max_batch_items(max_batch: int) -> None:
    batches: list[list[int]] = []

    async def apply(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        await asyncio.sleep(0)
        return list(items)

    group: GroupCommit[int, int] = GroupCommit("test", apply, max_batch=max_batch)
    assert await asyncio.gather(*(group.submit(i) for i in range(5))) == [0, 1, 2, 3, 4]
    assert all(len(batch) <= max_batch for batch in batches)
    assert [i for batch in batches for i in batch] == [0, 1, 2, 3, 4]


async def test_with_a_gather_gap_items_on_their_way_join_the_batch_before_it_starts() -> None:
    batches: list[list[int]] = []

    async def apply(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        return list(items)

    # A gap far longer than the test: only a full batch ends the gathering here.
    group: GroupCommit[int, int] = GroupCommit(
        "test", apply, max_batch=3, gather_gap=60, gather_max=60
    )
    first = asyncio.create_task(group.submit(1))
    for _ in range(5):
        await asyncio.sleep(0)  # without the gap, the batch [1] would be applied by now
    assert batches == []
    later = [asyncio.create_task(group.submit(i)) for i in (2, 3)]
    assert [await first, *[await task for task in later]] == [1, 2, 3]
    assert batches == [[1, 2, 3]]


async def test_with_a_gather_gap_a_lone_item_is_applied_once_nothing_more_comes() -> None:
    async def apply(items: Sequence[int]) -> list[int]:
        return [item * 10 for item in items]

    group: GroupCommit[int, int] = GroupCommit("test", apply, gather_gap=0.001, gather_max=0.005)
    assert await group.submit(7) == 70
