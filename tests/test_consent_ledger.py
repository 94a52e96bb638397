"""The consent ledger: each decision a patient or the clinic makes about a channel is one row, in
order, and the patient's current consent is the last of them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engage.enums import Channel
from engage.patients.models import ConsentEvent, Patient
from engage.patients.service import record_consent


def ledger(session, patient) -> list[tuple[str, str, str, str | None]]:
    events = session.scalars(select(ConsentEvent).where(ConsentEvent.patient_id == patient.id)
                             .order_by(ConsentEvent.id))
    return [(e.channel, e.action, e.source, e.detail) for e in events]


def test_intake_records_each_decision_given_even_a_refusal(factory, session):
    patient = session.get(Patient, factory.patient(consent={"sms": True, "voice": False}).id)
    assert ledger(session, patient) == [("sms", "granted", "api", None), ("voice", "revoked", "api", None)]


def test_intake_without_a_decision_for_a_channel_records_none_for_it(factory, session):
    patient = session.get(Patient, factory.patient(consent={"sms": True}).id)
    assert ledger(session, patient) == [("sms", "granted", "api", None)]
    assert (patient.sms_consent, patient.voice_consent) == (True, False)


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.VOICE])
def test_a_change_is_one_row_with_its_source_and_words_and_moves_only_that_channel(factory, session, channel):
    patient = session.get(Patient, factory.patient(consent={"sms": True, "voice": True}).id)
    event = record_consent(session, patient, channel, False, "keyword", "STOP please")
    session.flush()
    assert ledger(session, patient)[-1] == (channel, "revoked", "keyword", "STOP please")
    assert event.id is not None and event.patient_id == patient.id
    assert patient.has_consent(channel) is False
    other = Channel.VOICE if channel is Channel.SMS else Channel.SMS
    assert patient.has_consent(other) is True


@pytest.mark.parametrize("granted", [True, False])
def test_repeating_the_current_decision_adds_nothing(factory, session, granted):
    patient = session.get(Patient, factory.patient(consent={"sms": granted, "voice": granted}).id)
    before = ledger(session, patient)
    for channel in Channel:
        assert record_consent(session, patient, channel, granted, "keyword", "again") is None
    session.flush()
    assert ledger(session, patient) == before
    assert (patient.sms_consent, patient.voice_consent) == (granted, granted)


def test_opting_back_in_is_a_grant_after_the_revocation(factory, session):
    patient = session.get(Patient, factory.patient(consent={"sms": True}).id)
    record_consent(session, patient, Channel.SMS, False, "keyword", "STOP")
    record_consent(session, patient, Channel.SMS, True, "keyword", "START")
    session.flush()
    assert ledger(session, patient)[-2:] == [("sms", "revoked", "keyword", "STOP"),
                                             ("sms", "granted", "keyword", "START")]
    assert patient.sms_consent is True
