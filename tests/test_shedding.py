"""The front door's decision, on a fake clock: how many requests it lets in at once, from the
rate it measured finishing them, and that a refused one is not counted."""

from __future__ import annotations

from hospital_bff.shedding import (
    CHEAP_RETURNS_PER_SECOND,
    COLD_RETURNS_PER_SECOND,
    MAX_RETRY_AFTER_SECONDS,
    MIN_RETRY_MS,
    RETURNS_PER_FINISHED,
    FrontDoor,
    milliseconds,
    whole_seconds,
)


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def door(clock: FakeClock, *, budget: float = 0.5, low: int = 4, high: int = 100) -> FrontDoor:
    return FrontDoor(budget_seconds=budget, min_in_flight=low, max_in_flight=high, now=clock)


def test_before_any_measurement_the_floor_is_let_in_and_the_next_refused() -> None:
    front = door(FakeClock(), low=4)
    assert [front.enter() for _ in range(5)] == [True] * 4 + [False]
    assert front.in_flight == 4  # the refused one is not counted


def test_a_finished_request_makes_room_for_another() -> None:
    front = door(FakeClock(), low=2)
    assert front.enter() and front.enter()
    assert not front.enter()
    front.leave()
    assert front.in_flight == 1
    assert front.enter()


def test_the_bound_is_what_the_process_finishes_within_the_budget() -> None:
    clock = FakeClock()
    front = door(clock, budget=0.5, low=8, high=100)
    # 8 at a time, each finishing 1/32 s after it came in: 256 finished in 1 s.
    for _ in range(32):
        assert all(front.enter() for _ in range(4))
        assert all(front.enter() for _ in range(4))
        clock.t += 1 / 32
        for _ in range(8):
            front.leave()
    assert 240 <= front.rate <= 256  # the window closes with the first to finish past 1 s
    assert front.limit == 100  # 256/s x 0.5 s, at most the ceiling
    assert sum(front.enter() for _ in range(120)) == 100


def test_a_slow_process_keeps_the_floor_and_a_fast_one_the_ceiling() -> None:
    clock = FakeClock()
    slow = door(clock, budget=0.5, low=8, high=64)
    slow.enter()
    clock.t += 2.0
    slow.leave()  # one finished in 2 s
    assert slow.rate == 0.5
    assert slow.limit == 8

    fast = door(clock, budget=0.5, low=8, high=64)
    for _ in range(130):  # 8 at a time, finishing in 1/128 s: about 1,000 a second
        assert all(fast.enter() for _ in range(8))
        clock.t += 1 / 128
        for _ in range(8):
            fast.leave()
    assert fast.limit == 64


def test_the_rate_is_measured_again_each_window_and_follows_a_slower_machine() -> None:
    clock = FakeClock()
    front = door(clock, budget=1.0, low=1, high=1000)
    for rate in (300, 60):
        for _ in range(rate + 2):  # a little over a second of them
            front.enter()
            clock.t += 1.0 / rate
            front.leave()
        assert abs(front.rate - rate) < rate * 0.02
        assert abs(front.limit - rate) <= rate * 0.02


def test_an_idle_gap_does_not_count_as_a_slow_window() -> None:
    clock = FakeClock()
    front = door(clock, budget=1.0, low=1, high=1000)
    for _ in range(100):
        front.enter()
        clock.t += 0.011
        front.leave()
    measured = front.rate
    clock.t += 60  # nobody asks for a minute
    for _ in range(100):
        front.enter()
        clock.t += 0.011
        front.leave()
    assert front.rate == measured


def _measured(clock: FakeClock, front: FrontDoor, per_second: int) -> None:
    """A little over a second of requests, one at a time, finishing `per_second` a second."""
    for _ in range(per_second + 2):
        assert front.enter()
        clock.t += 1.0 / per_second
        front.leave()
    assert abs(front.rate - per_second) < per_second * 0.02


def test_one_refused_while_the_door_is_briefly_full_returns_in_a_second() -> None:
    clock = FakeClock()
    front = door(clock, budget=0.5, low=1, high=1)
    _measured(clock, front, 32)
    assert front.enter()
    assert not front.enter()
    assert whole_seconds(front.refuse()) == 1
    assert front.retry_after == 1


def test_a_crowd_is_asked_to_return_in_turn_forty_for_each_finished() -> None:
    clock = FakeClock()
    front = door(clock, budget=0.5, low=1, high=1)
    _measured(clock, front, 50)  # 50 a second: 2,000 returns a second are asked for
    assert RETURNS_PER_FINISHED == 40
    assert front.enter()
    # A release: all refused at one moment.
    hints = [whole_seconds(front.refuse()) for _ in range(20_000)]
    assert hints == sorted(hints)  # each after the one before: a line, not a herd
    # 2,000 a second (give or take those at each second's edge: the rate is a measured one).
    assert all(abs(hints.count(second) - 2_000) <= 40 for second in range(1, 11))
    assert front.retry_after in (10, 11)  # what the next would hear
    clock.t += 4.0  # four seconds of the line have come back
    assert whole_seconds(front.refuse()) in (7, 8)
    clock.t += 60.0  # the line is gone: one refused now hears a second again
    assert whole_seconds(front.refuse()) == 1


def test_a_starved_process_asks_its_crowd_back_slower() -> None:
    """The pace follows what the process finishes: a neighbour taking half its CPU halves the
    returns it asks for, rather than filling its loop with refusals (the floor is lower)."""
    paces = []
    for per_second in (50, 25):
        clock = FakeClock()
        front = door(clock, budget=0.5, low=1, high=1)
        _measured(clock, front, per_second)
        assert front.enter()
        turns = [front.refuse() for _ in range(1_000)]
        paces.append(1_000 / turns[-1])
    assert abs(paces[0] - 2_000) < 50 and abs(paces[1] - 1_000) < 25


def test_a_crowd_beyond_the_longest_wait_hears_the_longest_wait() -> None:
    clock = FakeClock()
    front = door(clock, budget=2.0, low=1, high=1)
    _measured(clock, front, 1)
    pace = round(CHEAP_RETURNS_PER_SECOND)  # the slowest pace, whatever the rate
    crowd = (MAX_RETRY_AFTER_SECONDS + 5) * pace
    hints = [whole_seconds(front.refuse()) for _ in range(crowd)]
    assert max(hints) == MAX_RETRY_AFTER_SECONDS
    assert hints.count(MAX_RETRY_AFTER_SECONDS) > crowd - MAX_RETRY_AFTER_SECONDS * pace


def test_before_a_rate_is_measured_returns_come_at_the_cold_pace() -> None:
    front = door(FakeClock(), budget=0.5, low=8)
    pace = round(COLD_RETURNS_PER_SECOND)  # as many as 10% of a core refuses again
    assert 800 <= pace <= 1_500
    assert 400 <= CHEAP_RETURNS_PER_SECOND <= 600  # once measured: 5% at the least
    hints = [whole_seconds(front.refuse()) for _ in range(2 * pace)]
    # A second's worth each second (give or take the one on the edge, in floating point).
    assert abs(hints.count(1) - pace) <= 1 and abs(hints.count(2) - pace) <= 1
    assert set(hints) <= {1, 2, 3}


def test_a_slow_rate_does_not_stretch_a_crowd_beyond_the_cheap_pace() -> None:
    # A cold start's first window closes on its first finish, 2 s in: 0.5 a second measured.
    clock = FakeClock()
    front = door(clock, budget=0.5, low=8)
    assert front.enter()
    clock.t += 2.0
    front.leave()
    assert front.rate == 0.5
    # A release's crowd of 2,000 hears 1 s to 4 s: not 20 returns a second (the crowd sent
    # to the longest wait while the process, warm, could have served them).
    hints = [whole_seconds(front.refuse()) for _ in range(2_000)]
    assert set(hints) == {1, 2, 3, 4}


def test_the_turn_is_told_to_the_millisecond_as_the_line_has_it() -> None:
    """`Retry-After` rounds a turn up to whole seconds, so a crowd whose line is a fraction of
    a second long came back after a second, and heard SLOT_FULL that much later once the
    places were gone; the body's `retryAfterMs` tells each its own turn."""
    clock = FakeClock()
    front = door(clock, budget=0.5, low=1, high=1)
    _measured(clock, front, 50)  # 2,000 returns a second asked for
    assert front.enter()
    turns = [front.refuse() for _ in range(1_000)]
    assert turns == sorted(turns)
    assert abs(turns[-1] - 0.5) < 0.02  # the 1,000th returns half a second from now
    assert {milliseconds(t) for t in turns[:90]} == {MIN_RETRY_MS}  # none sooner than 50 ms
    assert 490 <= milliseconds(turns[-1]) <= 510
    assert whole_seconds(front.refuse()) == 1  # what Retry-After says of the next turn: a second
    assert milliseconds(1e9) == MAX_RETRY_AFTER_SECONDS * 1000
