"""How a voice check-in ends: texts after its calls only for a confirmed patient, notice calls only to active staff."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engage.auth.models import StaffUser
from engage.checkins.models import CheckIn
from engage.db import session_scope, utcnow
from engage.enums import FlagKind
from engage.flags.models import Flag, FlagEvent
from engage.patients.models import Patient
from tests.caller import Caller
from tests.factories import rows
from tests.phone import Phone
from tests.test_voice_checkins import caller_for, start_call, unanswered_to_the_last_try

ON_CALL = "+13125550199"


def phones(client, twilio, runtime, patient):
    return caller_for(client, twilio, runtime, patient), Phone(client, twilio, runtime, patient.phone)


def ring_to_the_last_try(phone, now) -> None:
    """Two calls not answered, then the third and last try ringing."""
    for minutes, status in ((0, "no-answer"), (31, "busy")):
        phone.ring(now + timedelta(minutes=minutes))
        phone.hang_up(status)
    phone.ring(now + timedelta(minutes=92))


def test_someone_who_said_they_are_not_the_patient_gets_no_check_in_by_text(client, auth, factory, twilio,
                                                                             runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone, texts = phones(client, twilio, runtime, patient)
    phone.ring()
    phone.answer()
    assert "Our number is" in phone.press("2").text
    phone.hang_up("completed")
    assert texts.deliveries(utcnow() + timedelta(minutes=5)) == []


def test_crisis_words_before_identity_sent_to_988_are_not_followed_by_questions(client, auth, factory, twilio,
                                                                                runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone, texts = phones(client, twilio, runtime, patient)
    phone.ring()
    phone.answer()
    phone.say("I want to kill myself")
    phone.say("yes")
    phone.hang_up("completed")
    assert texts.deliveries(utcnow() + timedelta(minutes=5)) == []


def test_stop_between_the_last_call_and_its_report_sends_nothing_more(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start_call(client, auth, patient)
    now = utcnow()
    phone, texts = phones(client, twilio, runtime, patient)
    ring_to_the_last_try(phone, now)
    confirmation = texts.text("STOP")
    phone.hang_up("no-answer")
    assert texts.deliveries(now + timedelta(minutes=100)) == []
    assert len(twilio.sms_to(patient.phone)) == 0 and len(confirmation) == 1
    checkin, = rows(runtime, CheckIn)
    assert checkin.status == "stopped"


def test_consent_withdrawn_after_a_voicemail_in_the_morning_stops_the_text(client, auth, factory, twilio, runtime):
    """Consent lost after the check-in moved to texts but before the deferred text leaves."""
    from zoneinfo import ZoneInfo

    now = utcnow()
    local = now.astimezone(ZoneInfo("America/Chicago"))
    quiet_to = local + timedelta(hours=3)
    patient = factory.patient(quiet_hours={"start": (local - timedelta(minutes=5)).time().replace(second=0),
                                           "end": quiet_to.time().replace(second=0, microsecond=0)})
    start_call(client, auth, patient)
    phone, texts = phones(client, twilio, runtime, patient)
    assert phone.ring(now) == []  # quiet now: a call waits as well
    morning = quiet_to.replace(second=0, microsecond=0) + timedelta(minutes=1)
    phone.ring(morning)
    phone.answer(answered_by="machine_end_beep")
    with session_scope(runtime.sessions) as session:
        session.get(Patient, patient.id).sms_consent = False
    phone.hang_up("completed")
    assert texts.deliveries(morning + timedelta(minutes=5)) == []


@pytest.mark.parametrize("first, second", [("completed", "no-answer"), ("no-answer", "no-answer"),
                                           ("no-answer", "completed")])
def test_reports_twice_or_out_of_order_text_at_most_once_and_never_fail(client, auth, factory, twilio, runtime,
                                                                        first, second):
    patient = factory.patient()
    start_call(client, auth, patient)
    now = utcnow()
    phone, texts = phones(client, twilio, runtime, patient)
    ring_to_the_last_try(phone, now)
    phone.hang_up(first)
    phone.hang_up(second)
    sent = texts.deliveries(now + timedelta(minutes=100)) + texts.deliveries(now + timedelta(hours=5))
    assert len(sent) <= 2


def test_a_voicemail_report_again_after_the_check_in_went_on_by_text_sends_nothing_twice(client, auth, factory,
                                                                                        twilio, runtime):
    patient = factory.patient()
    start_call(client, auth, patient)
    now = utcnow()
    phone, texts = phones(client, twilio, runtime, patient)
    phone.ring(now)
    phone.answer(answered_by="machine_end_beep")
    phone.hang_up("completed", AnsweredBy="machine_end_beep")
    first = texts.deliveries(now + timedelta(minutes=1))
    phone.hang_up("completed", AnsweredBy="machine_end_beep")
    assert len(first) == 2 and texts.deliveries(now + timedelta(minutes=2)) == []


def test_an_inactive_patient_gets_no_text_when_the_calls_end(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start_call(client, auth, patient)
    now = utcnow()
    phone, texts = phones(client, twilio, runtime, patient)
    phone.ring(now)
    phone.answer(answered_by="machine_end_beep")
    with session_scope(runtime.sessions) as session:
        session.get(Patient, patient.id).active = False
    phone.hang_up("completed")
    assert texts.deliveries(now + timedelta(minutes=5)) == []


def urgent_flag(client, factory, twilio, runtime) -> Flag:
    patient = factory.patient(first_name="Dana")
    Phone(client, twilio, runtime, patient.phone).text("i want to die")
    flag, = rows(runtime, Flag, Flag.kind == FlagKind.CRISIS_LANGUAGE)
    return flag


def test_a_staff_user_deactivated_before_the_dial_is_not_called(client, factory, twilio, runtime):
    staff = factory.staff("care_manager", phone=ON_CALL, on_call=True)
    flag = urgent_flag(client, factory, twilio, runtime)
    with session_scope(runtime.sessions) as session:
        session.get(StaffUser, staff.id).active = False
    former = Caller(client, twilio, runtime, ON_CALL)
    placed = former.ring()
    if placed:
        former.answer()
        former.press("1")
    acknowledged = rows(runtime, FlagEvent, FlagEvent.action == "acknowledged")
    assert (len(placed), [event.actor_id for event in acknowledged], flag.id) == (0, [], flag.id)


def test_a_flag_acknowledged_before_the_dial_places_no_call(client, auth, factory, twilio, runtime):
    factory.staff("care_manager", phone=ON_CALL, on_call=True)
    flag = urgent_flag(client, factory, twilio, runtime)
    assert client.post(f"/api/v1/flags/{flag.id}/acknowledge", headers=auth()).status_code == 200
    assert Caller(client, twilio, runtime, ON_CALL).ring() == []


def test_the_staff_notice_call_names_no_patient_and_no_score(client, factory, twilio, runtime):
    factory.staff("care_manager", phone=ON_CALL, on_call=True)
    urgent_flag(client, factory, twilio, runtime)
    staff = Caller(client, twilio, runtime, ON_CALL)
    staff.ring()
    heard = staff.answer()
    assert "Dana" not in heard.xml.decode() and not any(c.isdigit() for c in heard.text.replace("press 1", ""))


def test_pressing_1_after_the_flag_was_resolved_is_not_told_it_is_theirs(client, auth, factory, twilio, runtime):
    factory.staff("care_manager", phone=ON_CALL, on_call=True)
    flag = urgent_flag(client, factory, twilio, runtime)
    staff = Caller(client, twilio, runtime, ON_CALL)
    staff.ring()
    staff.answer()
    resolved = client.post(f"/api/v1/flags/{flag.id}/resolve", json={"note": "called the patient"}, headers=auth())
    assert resolved.status_code == 200, resolved.json
    heard = staff.press("1")
    assert heard.hangs_up
    assert "marked as yours" not in heard.text
