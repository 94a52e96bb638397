"""Replies about appointments and outreach, sent as real texts through the signed webhook."""
from __future__ import annotations

from datetime import timedelta

import pytest


from engage.checkins.models import CheckIn
from engage.enums import AppointmentStatus, CampaignRunStatus
from engage.flags.models import Flag
from engage.outreach.models import Appointment, CampaignRun
from tests.factories import rows
from tests.phone import Phone
from tests.test_appointments import START, book
from tests.test_campaigns import NOTED, missed
from tests.test_campaigns import book as book_visit


def test_c_after_a_reminder_confirms_the_appointment(client, auth, factory, twilio, runtime):
    patient = factory.patient(language="es")
    book(client, auth, patient)
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries(START - timedelta(hours=24))
    confirmed, = phone.text("c")
    assert "confirmada" in confirmed
    appointment, = rows(runtime, Appointment)
    assert appointment.status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize("answer", ["1", "1."])
def test_an_answer_during_an_open_checkin_answers_the_question_not_the_reminder(client, auth, factory, twilio,
                                                                                 runtime, answer):
    patient = factory.patient()
    book(client, auth, patient)
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries(START - timedelta(hours=24))
    client.post(f"/api/v1/patients/{patient.id}/checkins", headers=auth(),
                json={"instrument": "phq9", "at": (START - timedelta(hours=23)).isoformat()})
    phone.deliveries(START - timedelta(hours=23))
    next_question, = phone.text(answer)
    assert next_question.startswith("Q2/9:")
    assert rows(runtime, Appointment)[0].status == AppointmentStatus.SCHEDULED
    assert [a.value for a in rows(runtime, CheckIn)[0].answers] == [1]


def test_r_after_a_no_show_asks_the_front_desk_and_stops_outreach(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    missed(runtime, book_visit(client, auth, patient))
    phone = Phone(client, twilio, runtime, patient.phone)
    no_show, = phone.deliveries(NOTED + timedelta(hours=1))
    assert "We missed you" in no_show
    acknowledgment, = phone.text("R")
    assert "new time" in acknowledgment
    assert [f.kind for f in rows(runtime, Flag)] == ["reschedule_request"]
    run, = rows(runtime, CampaignRun)
    assert run.status == CampaignRunStatus.STOPPED and run.replied_at is not None
    assert phone.deliveries(NOTED + timedelta(days=4)) == []


def test_stop_during_outreach_ends_it_as_an_opt_out(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    missed(runtime, book_visit(client, auth, patient))
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.text("STOP")
    run, = rows(runtime, CampaignRun)
    assert run.status == CampaignRunStatus.STOPPED and run.stop_reason == "opted_out"
    assert phone.deliveries(NOTED + timedelta(days=4)) == []
    assert rows(runtime, Flag) == []

