"""The front door's decision, on a fake clock: how many requests it lets in at once, from the
rate it measured finishing them, and that a refused one is not counted."""

from __future__ import annotations

from hospital_bff.shedding import FrontDoor


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


def test_retry_after_grows_while_refusals_crowd_out_the_work_and_shrinks_after() -> None:
    clock = FakeClock()
    front = door(clock, budget=0.5, low=2, high=2)
    assert front.retry_after == 1

    def second(refusals: int) -> None:
        # 2 in flight finishing every 1/16 s (32 a second), `refusals` refused meanwhile.
        for _ in range(16):
            assert front.enter() and front.enter()
            for _ in range(refusals // 16):
                assert not front.enter()
            clock.t += 1 / 16
            front.leave()
            front.leave()

    second(refusals=16 * 40)  # 640 refused for 32 finished: 4x the refusals accepted
    first_hint = front.retry_after
    assert 4 <= first_hint <= 5  # the window closes with the first to finish past 1 s
    second(refusals=16 * 40)  # as many still: the crowd is larger than the hint assumed
    assert front.retry_after >= 4 * first_hint
    second(refusals=16 * 2)  # few now: back to asking for a second
    second(refusals=16 * 2)
    assert front.retry_after == 1


def test_retry_after_stays_one_second_while_refusals_are_few() -> None:
    clock = FakeClock()
    front = door(clock, budget=0.5, low=2, high=2)
    for _ in range(40):
        assert front.enter() and front.enter()
        assert not front.enter()  # 1 refused per 2 finished
        clock.t += 1 / 16
        front.leave()
        front.leave()
    assert front.rate > 0
    assert front.retry_after == 1
