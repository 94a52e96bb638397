"""Quick answers from one patient, sent at once, are each recorded exactly once and in order.

Run on PostgreSQL this races real transactions: a fix that reads the check-in's progress before it
holds the patient's lock loses answers here within a few rounds."""
from __future__ import annotations

import threading

import pytest

from engage.checkins.models import CheckIn
from engage.enums import Direction
from engage.outbox.models import Message
from engage.sms.inbound import InboundText, receive_text
from tests.factories import rows
from tests.phone import CLINIC_NUMBER, Phone, new_message_sid

ROUNDS = 30


def send_at_once(runtime, phone: str, bodies: list[str]) -> None:
    barrier = threading.Barrier(len(bodies))

    def text(body: str) -> None:
        barrier.wait()
        receive_text(runtime, InboundText(new_message_sid(), phone, CLINIC_NUMBER, body))

    threads = [threading.Thread(target=text, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.parametrize("burst", [2, 5])
def test_a_burst_of_answers_is_recorded_once_each_round_after_round(client, auth, factory, twilio, runtime, burst):
    for _ in range(ROUNDS):
        patient = factory.patient()
        response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"},
                               headers=auth())
        assert response.status_code == 201
        Phone(client, twilio, runtime, patient.phone).deliveries()
        send_at_once(runtime, patient.phone, ["1"] * burst)
        checkin = rows(runtime, CheckIn, CheckIn.patient_id == patient.id)[0]
        assert [a.item_index for a in checkin.answers] == list(range(burst))
        assert checkin.current_item == burst
        kept_for_replay = rows(runtime, Message, Message.patient_id == patient.id,
                               Message.direction == Direction.INBOUND, Message.interpreted_at.is_(None))
        assert kept_for_replay == []
