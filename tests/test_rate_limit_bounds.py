"""The speed limit is a ceiling as well as a pace: at the default of one text a second no two texts
from a sender leave less than a second apart, and a worker that loses the race to create the
sender's row still gets a slot of its own."""
from __future__ import annotations

import pytest
from sqlalchemy import event, insert, select

from engage.outbox.models import SendRate
from engage.outbox.rate_limit import SendRateLimiter
from tests.test_rate_limit import FrozenClock


@pytest.mark.parametrize("per_second, interval", [(0.5, 2.0), (2, 0.5)])
def test_back_to_back_sends_are_held_a_whole_interval_apart(runtime, per_second, interval):
    clock = FrozenClock()
    limiter = SendRateLimiter(runtime.engine, "sms:+13125550100", per_second, clock, clock.sleep)
    slots = [limiter.wait_for_slot() for _ in range(4)]
    assert slots == pytest.approx([clock.now + n * interval for n in range(4)])
    assert clock.slept == pytest.approx([n * interval for n in range(1, 4)])


def test_at_one_per_second_no_more_than_one_text_leaves_in_any_second(runtime):
    clock = FrozenClock()
    limiter = SendRateLimiter(runtime.engine, "sms:+13125550100", 1, clock, clock.sleep)
    departures = []
    for _ in range(6):
        slot = limiter.wait_for_slot()
        clock.now = max(clock.now, slot) + 0.25  # the send itself takes a moment
        departures.append(slot)
    assert all(later - earlier >= 1.0 for earlier, later in zip(departures, departures[1:]))


def test_a_sender_idle_for_part_of_an_interval_waits_only_for_the_rest(runtime):
    clock = FrozenClock()
    limiter = SendRateLimiter(runtime.engine, "sms:+13125550100", 1, clock, clock.sleep)
    first = limiter.wait_for_slot()
    clock.now += 0.4
    assert limiter.wait_for_slot() == pytest.approx(first + 1.0)
    assert clock.slept == pytest.approx([0.6])


def test_the_slot_after_a_long_pause_is_now_not_a_backlog_of_missed_slots(runtime):
    clock = FrozenClock()
    limiter = SendRateLimiter(runtime.engine, "sms:+13125550100", 1, clock, clock.sleep)
    limiter.wait_for_slot()
    clock.now += 10
    assert [limiter.wait_for_slot(), limiter.wait_for_slot()] == pytest.approx([clock.now, clock.now + 1])
    with runtime.sessions() as session:
        assert session.get(SendRate, "sms:+13125550100").next_slot == pytest.approx(clock.now + 2)


def test_a_worker_that_loses_the_race_to_create_the_senders_row_takes_the_next_slot(runtime):
    clock = FrozenClock()
    limiter = SendRateLimiter(runtime.engine, "sms:race", 1, clock, clock.sleep)
    raced = []

    def another_worker_creates_the_row_in_between(*_):
        # The limiter's UPDATE found no row and its connection went back to the pool; before its
        # INSERT, another worker creates the row for the same sender and takes the slot at `now`.
        if not raced:
            raced.append(True)
            with runtime.engine.begin() as other:
                other.execute(insert(SendRate.__table__).values(key="sms:race", next_slot=clock.now + 1))

    event.listen(runtime.engine, "checkin", another_worker_creates_the_row_in_between)
    assert limiter.wait_for_slot() == pytest.approx(clock.now + 1)
    assert clock.slept == pytest.approx([1.0])
    with runtime.sessions() as session:
        assert session.scalars(select(SendRate.next_slot)).all() == pytest.approx([clock.now + 2])
