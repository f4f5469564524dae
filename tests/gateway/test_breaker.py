"""The circuit breaker on its own, with a clock the test moves."""

from __future__ import annotations

import pytest

from gateway.upstream.breaker import BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def breaker(clock: Clock, changes: list[BreakerState] | None = None) -> CircuitBreaker:
    def on_change(_name: str, state: BreakerState) -> None:
        if changes is not None:
            changes.append(state)

    return CircuitBreaker(
        "indicators", failure_threshold=3, cooldown=10.0, clock=clock, on_change=on_change
    )


def test_opens_after_the_threshold_of_consecutive_failures(clock: Clock) -> None:
    b = breaker(clock)
    for _ in range(2):
        assert b.allow()
        b.record_failure()
    assert b.state is BreakerState.CLOSED
    assert b.allow()
    b.record_failure()
    assert b.state.value == "open"
    assert not b.allow()


def test_a_success_resets_the_count_of_failures(clock: Clock) -> None:
    b = breaker(clock)
    b.record_failure()
    b.record_failure()
    b.record_success()
    b.record_failure()
    b.record_failure()
    assert b.state is BreakerState.CLOSED


def test_after_the_cooldown_exactly_one_trial_goes_through(clock: Clock) -> None:
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 9.9
    assert not b.allow()
    assert b.retry_after() == pytest.approx(0.1)
    clock.now += 0.1
    assert b.state is BreakerState.HALF_OPEN
    assert b.allow()  # the trial
    assert not b.allow()  # everyone else waits for its outcome


def test_a_successful_trial_closes_the_breaker(clock: Clock) -> None:
    changes: list[BreakerState] = []
    b = breaker(clock, changes)
    for _ in range(3):
        b.record_failure()
    clock.now += 10
    assert b.allow()
    b.record_success()
    assert b.state is BreakerState.CLOSED
    assert b.allow() and b.allow()
    assert changes == [
        BreakerState.CLOSED,
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
    ]


def test_a_failed_trial_opens_it_again_for_a_full_cooldown(clock: Clock) -> None:
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 10
    assert b.allow()
    b.record_failure()
    assert b.state is BreakerState.OPEN
    clock.now += 9
    assert not b.allow()
    clock.now += 1
    assert b.allow()


def test_a_cancelled_trial_frees_the_slot_for_the_next_caller(clock: Clock) -> None:
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 10
    assert b.allow()
    b.release()
    assert b.allow()


def test_gauge_values_order_states_by_badness() -> None:
    assert [s.gauge_value for s in BreakerState] == [0, 1, 2]
