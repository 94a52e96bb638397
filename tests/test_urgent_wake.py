"""An urgent notice reaches the on-call care manager without waiting for the worker's next poll."""
from __future__ import annotations

import pytest

from engage.outbox.wake import start_urgent_waker
from engage.scheduling.tick import deliver_urgent
from tests.phone import Phone


@pytest.fixture
def waker(runtime):
    stop = start_urgent_waker(runtime.engine, lambda: deliver_urgent(runtime))
    yield
    stop.set()


def test_crisis_wording_wakes_the_dispatcher_at_once(client, factory, twilio, runtime, waker):
    on_call = factory.staff("care_manager", phone="+13125550199", on_call=True)
    patient = factory.patient()
    Phone(client, twilio, runtime, patient.phone).text("i want to die")
    # No tick runs here: only the wake-up can have sent it. The deadline is generous; bench.urgent
    # measures how fast.
    notice, = twilio.wait_for(1, timeout=10)
    assert notice.to == on_call.phone and "Urgent item" in notice.body
    assert twilio.sms_to(patient.phone) == []  # the patient's resources went in the webhook's answer


def test_a_wake_up_delivers_only_urgent_rows(client, auth, factory, twilio, runtime, waker):
    factory.staff("care_manager", phone="+13125550199", on_call=True)
    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    Phone(client, twilio, runtime, factory.patient().phone).text("i want to die")
    twilio.wait_for(1, timeout=10)
    assert twilio.sms_to(patient.phone) == []  # the check-in waits for the regular pass
