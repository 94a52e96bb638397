"""The per-sender speed limit holds across workers, because the slots live in the database."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from engage.config import load_settings
from engage.outbox.models import SendRate
from engage.outbox.rate_limit import SendRateLimiter, send_limiter
from engage.runtime import build_runtime
from tests.phone import Phone


class FrozenClock:
    def __init__(self, start: float = 1_000_000.0):
        self.now, self.slept = start, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def test_workers_sharing_a_sender_get_distinct_slots_spaced_by_the_rate(runtime):
    clock = FrozenClock()
    workers = [SendRateLimiter(runtime.engine, "sms:+13125550100", 10, clock, clock.sleep) for _ in range(3)]
    slots = [workers[n % 3].wait_for_slot() for n in range(12)]
    assert slots == pytest.approx([clock.now + n * 0.1 for n in range(12)])
    assert clock.slept == pytest.approx([n * 0.1 for n in range(1, 12)])


def test_the_default_speed_of_one_text_a_second_is_a_limit(runtime):
    clock = FrozenClock()
    rate = load_settings({}).sms_per_second
    limiter = SendRateLimiter(runtime.engine, "sms:+13125550100", rate, clock, clock.sleep)
    assert rate == 1
    assert [limiter.wait_for_slot() for _ in range(3)] == [clock.now, clock.now + 1, clock.now + 2]
    assert clock.slept == [1, 2]


def test_an_idle_sender_sends_at_once(runtime):
    clock = FrozenClock()
    limiter = SendRateLimiter(runtime.engine, "sms:+13125550100", 1, clock, clock.sleep)
    limiter.wait_for_slot()
    clock.now += 60
    assert limiter.wait_for_slot() == clock.now and clock.slept == []


def test_each_sender_has_its_own_limit(runtime):
    clock = FrozenClock()
    first = SendRateLimiter(runtime.engine, "sms:+13125550100", 1, clock, clock.sleep)
    second = SendRateLimiter(runtime.engine, "sms:+13125550101", 1, clock, clock.sleep)
    slots = [limiter.wait_for_slot() for limiter in (first, second, first, second)]
    assert slots == [clock.now, clock.now, clock.now + 1, clock.now + 1]


def test_no_limit_touches_nothing(runtime):
    clock = FrozenClock()
    assert SendRateLimiter(runtime.engine, "sms:x", 0, clock, clock.sleep).wait_for_slot() == clock.now
    assert clock.slept == []
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SendRate)) == 0


def test_concurrent_workers_in_real_time_stay_under_the_limit(runtime):
    limiters = [SendRateLimiter(runtime.engine, "sms:race", 20) for _ in range(4)]
    sends: list[tuple[float, float]] = []  # (slot, when it went)

    def send(limiter):
        for _ in range(5):
            slot = limiter.wait_for_slot()
            sends.append((slot, time.time()))

    threads = [threading.Thread(target=send, args=(limiter,)) for limiter in limiters]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 20 sends at 20 per second: each has a slot of its own, at least an interval after the one before,
    # and none goes before its slot; so the last goes 19 intervals after the first, no sooner.
    slots = sorted(slot for slot, _ in sends)
    gaps = [later - earlier for earlier, later in zip(slots, slots[1:])]
    assert len(gaps) == 19 and min(gaps) >= 0.05 - 1e-6
    assert all(went >= slot - 0.002 for slot, went in sends)
    assert max(went for _, went in sends) - started >= 19 * 0.05 - 0.01


def test_texts_and_calls_are_each_paced_at_their_own_configured_speed(runtime):
    paced = build_runtime(runtime.settings.with_overrides(sms_per_second=4, calls_per_second=2))
    try:
        for channel, interval in (("sms", 0.25), ("voice", 0.5)):
            limiter = send_limiter(paced, channel)
            first, second = limiter.wait_for_slot(), limiter.wait_for_slot()
            assert second - first == pytest.approx(interval), channel
    finally:
        paced.close()


def test_dispatcher_sends_at_the_configured_speed(client, auth, factory, twilio, runtime):
    runtime.services["limiter:sms"] = SendRateLimiter(runtime.engine, "sms:test", 8)
    patients = [factory.patient() for _ in range(4)]
    for patient in patients:
        client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq2"}, headers=auth())
    started = time.monotonic()
    Phone(client, twilio, runtime, patients[0].phone).deliveries()
    elapsed = time.monotonic() - started
    assert len(twilio.received) == 8
    assert elapsed >= 7 / 8 - 0.02


def test_a_claimed_batch_goes_out_well_inside_its_lease_at_the_configured_speed():
    from engage.scheduling.dispatcher import LEASE, MAX_BATCH, batch_size

    for rate in (0.2, 1, 10):
        # About two texts a row: the batch must not outlast half a lease.
        assert batch_size(rate) * 2 / rate <= LEASE.total_seconds() / 2
    assert batch_size(0) == batch_size(1000) == MAX_BATCH
