"""Garbage-collection pauses (gc_pauses.py): start-up's own full collection, before anything
is served, is not reported as a pause; later collections are."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from hospital_bff import gc_pauses


@pytest.fixture
def thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    frozen_before = gc.get_freeze_count() > 0
    yield
    gc.unfreeze()
    gc.set_threshold(*before)
    if frozen_before:  # the run's own freeze (conftest.py) stays
        gc.freeze()


def test_the_start_up_collection_is_not_a_pause_and_later_ones_are(thresholds: None) -> None:
    gc_pauses.watch_pauses()
    gc_pauses.reset_pauses()
    gc_pauses.freeze_start_up_heap()
    assert gc_pauses.pause_summary()["count"] == 0
    gc.collect()
    summary = gc_pauses.pause_summary()
    assert summary["count"] == 1 and summary["full"] == 1
