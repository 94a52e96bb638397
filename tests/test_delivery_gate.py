"""What may leave for a patient: only with consent and a reachable phone, and only outside quiet
hours, except crisis resources, which go at once to anyone, and staff notices, which name no patient.
The exempt kinds are named here as delivery names them, so renaming one fails these tests."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engage.db import session_scope
from engage.enums import Channel, DispatchStatus, MessageStatus
from engage.outbox.models import Message
from engage.outbox.queue import outbound, queue_for_delivery
from engage.patients.models import Patient
from engage.patients.service import record_consent
from engage.outbox.models import Dispatch
from engage.scheduling.tick import tick
from tests.test_quiet_hours import EVENING, MORNING, chicago, handed_over, queue
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed_url

DAYTIME, NIGHT = chicago(2026, 5, 4, 12, 0), chicago(2026, 5, 4, 23, 0)
PATIENT_KINDS = ["checkin_intro", "checkin_item", "reprompt", "checkin_thanks", "appointment_reminder"]


@pytest.fixture
def settings(settings):
    """The clinic's quiet hours, 20:00-08:00, which the rest of the suite switches off."""
    return settings.with_overrides(quiet_start=EVENING, quiet_end=MORNING)


def status(runtime, message_id: int) -> MessageStatus:
    with runtime.sessions() as session:
        return session.get(Message, message_id).status


def queue_batch(runtime, patient, kinds: tuple[str, ...], at) -> list[int]:
    """One dispatch carrying a text of each kind, in order, with the kind as its body."""
    with session_scope(runtime.sessions) as session:
        batch = [outbound(to=patient.phone, sender="+13125550100", body=kind, kind=kind, patient_id=patient.id)
                 for kind in kinds]
        return queue_for_delivery(session, batch, at, patient.id).payload["message_ids"]


def unreachable(runtime, patient) -> None:
    with session_scope(runtime.sessions) as session:
        session.get(Patient, patient.id).sms_unreachable_at = DAYTIME


@pytest.mark.parametrize("kind, leaves", [("crisis_resources", True), *[(kind, False) for kind in PATIENT_KINDS]])
def test_after_stop_only_crisis_resources_reach_the_patient(factory, twilio, runtime, kind, leaves):
    patient = factory.patient(consent={"sms": False})
    message_id = queue(runtime, patient.id, patient.phone, kind, DAYTIME)
    tick(runtime, DAYTIME)
    assert handed_over(runtime, message_id) is leaves
    assert (status(runtime, message_id) is MessageStatus.CANCELED) is not leaves


@pytest.mark.parametrize("kind, leaves", [("crisis_resources", True), *[(kind, False) for kind in PATIENT_KINDS]])
def test_a_phone_that_cannot_take_texts_gets_only_crisis_resources(factory, twilio, runtime, kind, leaves):
    patient = factory.patient()
    unreachable(runtime, patient)
    message_id = queue(runtime, patient.id, patient.phone, kind, DAYTIME)
    tick(runtime, DAYTIME)
    assert handed_over(runtime, message_id) is leaves


@pytest.mark.parametrize("kind", ["crisis_resources", *PATIENT_KINDS])
def test_a_consenting_reachable_patient_gets_every_kind_by_day(factory, twilio, runtime, kind):
    patient = factory.patient()
    message_id = queue(runtime, patient.id, patient.phone, kind, DAYTIME)
    tick(runtime, DAYTIME)
    assert handed_over(runtime, message_id)


def test_a_staff_notice_goes_out_at_night(factory, twilio, runtime):
    notice = queue(runtime, None, "+13125550199", "staff_notice", NIGHT)
    tick(runtime, NIGHT)
    assert handed_over(runtime, notice)
    assert [m.body for m in twilio.sms_to("+13125550199")] == ["a staff_notice text"]


@pytest.mark.parametrize("report, code", [("delivered", None), ("undelivered", 30003), ("undelivered", 30006)])
def test_a_delivery_report_on_a_staff_notice_touches_no_patient(client, factory, twilio, runtime, report, code):
    patient = factory.patient()
    with session_scope(runtime.sessions) as session:
        session.get(Patient, patient.id).sms_soft_failures = 1
    notice = queue(runtime, None, "+13125550199", "staff_notice", DAYTIME)
    tick(runtime, DAYTIME)
    url, params = twilio.status_callback(twilio.sms_to("+13125550199")[0].sid, report, code)
    assert post_signed_url(client, AUTH_TOKEN, url, params).status_code == 204
    assert status(runtime, notice) is MessageStatus.known(report)
    with runtime.sessions() as session:
        after = session.get(Patient, patient.id)
        assert (after.sms_reachable, after.sms_soft_failures) == (True, 1)


@pytest.mark.parametrize("code", [21211, 30003, 21610])  # invalid number, unreachable handset, carrier opt-out
def test_a_staff_notice_the_provider_refuses_fails_and_touches_no_patient(factory, twilio, runtime, code):
    patient = factory.patient()
    twilio.refuse_number("+13125550199", code)
    notice = queue(runtime, None, "+13125550199", "staff_notice", DAYTIME)
    tick(runtime, DAYTIME)
    assert status(runtime, notice) is MessageStatus.FAILED
    with runtime.sessions() as session:
        after = session.get(Patient, patient.id)
        assert (after.sms_consent, after.sms_reachable, after.sms_soft_failures) == (True, True, 0)


@pytest.mark.parametrize("kind", PATIENT_KINDS)
def test_a_batch_carrying_crisis_resources_goes_at_night_whole(factory, twilio, runtime, kind):
    # Resources, then the next question: holding the question back would split what the patient reads.
    patient = factory.patient()
    ids = queue_batch(runtime, patient, ("crisis_resources", kind), NIGHT)
    tick(runtime, NIGHT)
    assert all(handed_over(runtime, message_id) for message_id in ids)
    assert [m.body for m in twilio.sms_to(patient.phone)] == ["crisis_resources", kind]


def dispatch_of(runtime, message_id: int) -> Dispatch:
    with runtime.sessions() as session:
        return next(d for d in session.scalars(select(Dispatch)) if message_id in d.payload["message_ids"])


def test_a_text_for_a_patient_who_opted_out_is_cancelled_at_night_not_held_for_the_morning(factory, twilio,
                                                                                             runtime):
    patient = factory.patient(consent={"sms": False})
    message_id = queue(runtime, patient.id, patient.phone, "checkin_item", NIGHT)
    tick(runtime, NIGHT)
    assert status(runtime, message_id) is MessageStatus.CANCELED
    assert dispatch_of(runtime, message_id).status is DispatchStatus.DONE


@pytest.mark.parametrize("resources", [(MessageStatus.SENT, "SM" + "0" * 32), (MessageStatus.SENDING, None)],
                         ids=["sent", "in doubt after a worker died"])
def test_a_retried_batch_whose_crisis_resources_already_went_holds_the_rest_for_the_morning(factory, twilio,
                                                                                              runtime, resources):
    # The resources left (or may have): what is left is an ordinary text, and waits.
    patient = factory.patient()
    crisis, item = queue_batch(runtime, patient, ("crisis_resources", "checkin_item"), NIGHT)
    with session_scope(runtime.sessions) as session:
        sent = session.get(Message, crisis)
        sent.status, sent.provider_sid = resources
    tick(runtime, NIGHT)
    assert twilio.sms_to(patient.phone) == [] and not handed_over(runtime, item)
    held = dispatch_of(runtime, item)
    assert (held.status, held.due_at) == (DispatchStatus.PENDING, chicago(2026, 5, 5, 8, 0))


class OptOutWhileWaiting:
    """The sender's speed limit: the patient's STOP arrives while the batch waits for its first slot."""

    def __init__(self, runtime, patient_id: int):
        self.runtime, self.patient_id, self.waits = runtime, patient_id, 0

    def wait_for_slot(self) -> float:
        self.waits += 1
        if self.waits == 1:
            with session_scope(self.runtime.sessions) as session:
                record_consent(session, session.get(Patient, self.patient_id), Channel.SMS, False, "keyword", "STOP")
        return DAYTIME.timestamp()


def test_a_stop_that_arrives_mid_batch_cancels_the_rest_but_not_crisis_resources(factory, twilio, runtime):
    patient = factory.patient()
    item, crisis, thanks = queue_batch(runtime, patient, ("checkin_item", "crisis_resources", "checkin_thanks"),
                                       DAYTIME)
    runtime.services["limiter:sms"] = OptOutWhileWaiting(runtime, patient.id)
    tick(runtime, DAYTIME)
    assert [m.body for m in twilio.sms_to(patient.phone)] == ["crisis_resources"]
    assert handed_over(runtime, crisis)
    assert [status(runtime, m) for m in (item, thanks)] == [MessageStatus.CANCELED, MessageStatus.CANCELED]
