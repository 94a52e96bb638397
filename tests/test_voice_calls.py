"""Calls that are not a check-in asked by us: a staff urgent notice, and calls into the clinic's number."""
from __future__ import annotations

from engage.checkins.models import CheckIn, Outcome
from engage.enums import FlagStatus
from engage.flags.models import Flag, FlagEvent
from engage.outbox.models import Call
from tests.caller import Caller
from tests.factories import rows
from tests.phone import Phone
from tests.test_voice_checkins import caller_for, start_call


def test_an_urgent_flag_calls_the_on_call_who_acknowledges_it_by_pressing_1(client, factory, twilio, runtime):
    on_call = factory.staff("care_manager", phone="+13125550199", on_call=True)
    patient = factory.patient(first_name="Dana")
    Phone(client, twilio, runtime, patient.phone).text("I want to end my life")
    staff_phone = Caller(client, twilio, runtime, on_call.phone)
    [placed] = staff_phone.ring()
    notice = staff_phone.answer()
    assert notice.said == ["This is engage. There is an urgent item in the engage queue. To say you have it, press 1."]
    assert "Dana" not in notice.text
    done = staff_phone.press("1")
    assert done.hangs_up
    flag, = rows(runtime, Flag)
    assert flag.status == FlagStatus.ACKNOWLEDGED
    acknowledged, = rows(runtime, FlagEvent, FlagEvent.action == "acknowledged")
    assert (acknowledged.actor_id, acknowledged.note) == (on_call.id, "acknowledged by phone")


def test_a_notice_call_is_not_placed_once_someone_acknowledged_the_flag(client, auth, factory, twilio, runtime):
    factory.staff("care_manager", phone="+13125550199", on_call=True)
    patient = factory.patient()
    Phone(client, twilio, runtime, patient.phone).text("I want to end my life")
    flag, = rows(runtime, Flag)
    assert client.post(f"/api/v1/flags/{flag.id}/acknowledge", json={}, headers=auth()).status_code == 200
    assert Caller(client, twilio, runtime, "+13125550199").ring() == []
    call, = rows(runtime, Call)
    assert call.status == "canceled"


def test_a_patient_calling_with_questions_waiting_says_who_they_are_then_is_offered_them(client, auth, factory,
                                                                                        twilio, runtime):
    patient = factory.patient(first_name="Dana")
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq2"}, headers=auth())
    assert response.status_code == 201
    texts = Phone(client, twilio, runtime, patient.phone)
    texts.deliveries()
    texts.text("2")
    caller = Caller(client, twilio, runtime, patient.phone)
    hello = caller.call_in("CA" + "7" * 32)
    assert hello.said == ["Thank you for calling Riverside Family Medicine. If you are Dana, please press 1."]
    assert hello.gather is not None
    offer = caller.press("1")
    assert "You have some questions waiting" in offer.text and offer.gather is not None
    resumed = caller.press("1")
    assert "where we stopped" in resumed.text and "Question 2 of 2." in resumed.text
    closing = caller.press("0")
    assert closing.hangs_up
    outcome, = rows(runtime, Outcome)
    assert (outcome.answers, outcome.total) == ([2, 0], 2)


def test_any_other_caller_is_greeted_generically_and_put_through_to_the_clinic(client, twilio, runtime):
    heard = Caller(client, twilio, runtime, "+13125559999").call_in("CA" + "8" * 32)
    assert heard.said == ["Thank you for calling Riverside Family Medicine. "
                          "Please stay on the line while we connect you."]
    assert heard.dialled == ["+13125550100"]


def test_someone_else_on_a_patients_phone_hears_no_offer_and_is_put_through(client, auth, factory, twilio, runtime):
    patient = factory.patient(first_name="Dana")
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq2"}, headers=auth())
    assert response.status_code == 201
    caller = Caller(client, twilio, runtime, patient.phone)
    caller.call_in("CA" + "6" * 32)
    again = caller.silence()
    assert "If you are Dana" in again.text
    put_through = caller.press("2")
    assert put_through.said == ["Thank you for calling Riverside Family Medicine. "
                                "Please stay on the line while we connect you."]
    assert put_through.dialled == ["+13125550100"]
    checkin, = rows(runtime, CheckIn)
    assert checkin.status == "scheduled"


def test_a_patient_calling_in_can_answer_a_checkin_that_is_due_but_not_yet_sent(client, auth, factory, twilio,
                                                                                 runtime):
    patient = factory.patient(first_name="Dana")
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq2"}, headers=auth())
    assert response.status_code == 201
    caller = Caller(client, twilio, runtime, patient.phone)
    caller.call_in("CA" + "5" * 32)
    offer = caller.press("1")
    assert "You have some questions waiting" in offer.text
    first = caller.press("1")
    assert "I have 2 short questions" in first.text and "Question 1 of 2." in first.text
    caller.press("1")
    closing = caller.press("0")
    assert closing.hangs_up
    outcome, = rows(runtime, Outcome)
    assert (outcome.answers, outcome.total) == ([1, 0], 1)
    # The check-in was answered on the call: the pending start sends nothing afterwards.
    texts = Phone(client, twilio, runtime, patient.phone)
    assert texts.deliveries() == []


def test_a_checkin_scheduled_for_later_is_not_offered_to_a_patient_calling_in(client, auth, factory, twilio,
                                                                              runtime):
    from datetime import timedelta

    from engage.db import utcnow

    patient = factory.patient(first_name="Dana")
    later = (utcnow() + timedelta(days=2)).isoformat()
    response = client.post(f"/api/v1/patients/{patient.id}/checkins",
                           json={"instrument": "phq2", "at": later}, headers=auth())
    assert response.status_code == 201, response.json
    heard = Caller(client, twilio, runtime, patient.phone).call_in("CA" + "4" * 32)
    assert "Dana" not in heard.text and heard.dialled == ["+13125550100"]


def test_a_caller_from_the_patients_number_confirms_who_they_are_before_any_question(client, auth, factory, twilio,
                                                                                     runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    phone.hang_up("no-answer")
    hello = phone.call_in("CA" + "7" * 32)
    assert "If you are Dana, please press 1." in hello.text and "Question" not in hello.text
    offer = phone.press("1")
    assert "You have some questions waiting" in offer.text and "Question" not in offer.text
