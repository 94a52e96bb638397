"""Calls that are not a check-in asked by us: a staff urgent notice, and calls into the clinic's number."""
from __future__ import annotations

from engage.checkins.models import Outcome
from engage.enums import FlagStatus
from engage.flags.models import Flag, FlagEvent
from engage.outbox.models import Call
from tests.caller import Caller
from tests.factories import rows
from tests.phone import Phone


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


def test_a_patient_calling_with_questions_waiting_is_offered_them(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq2"}, headers=auth())
    assert response.status_code == 201
    texts = Phone(client, twilio, runtime, patient.phone)
    texts.deliveries()
    texts.text("2")
    caller = Caller(client, twilio, runtime, patient.phone)
    offer = caller.call_in("CA" + "7" * 32)
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
