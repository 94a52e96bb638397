"""SMS consent is the patient's (TCPA, CTIA): staff record what a patient tells them, but once the
patient has opted out only the patient gives consent back, by texting START. A patient who asks in
person to be texted again gets one text asking for that START, and nothing else until they send it."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, object_session

from engage.auth.models import StaffUser
from engage.config import Settings
from engage.enums import Channel, ConsentAction
from engage.errors import Conflict
from engage.outbox.queue import outbound, queue_for_delivery
from engage.patients.models import ConsentEvent, Patient
from messages import translate
from messages.sms import SMS_OPT_IN_INVITATION

OPT_IN_INVITATION = "sms_opt_in_invitation"  # the message kind
IN_PERSON = "staff_in_person"  # the consent event's source
# One invitation a day at most, however often staff are asked: a request is not consent to be texted.
INVITATION_INTERVAL = timedelta(hours=24)


def _has_opted_out(session: Session, patient: Patient) -> bool:
    """Not consenting now, after a revocation: an opt-out, as against consent never asked for."""
    return not patient.sms_consent and bool(session.scalar(select(exists().where(
        ConsentEvent.patient_id == patient.id, ConsentEvent.channel == Channel.SMS,
        ConsentEvent.action == ConsentAction.REVOKED))))


def refuse_consent_given_back_for_the_patient(session: Session, patient: Patient, consent: dict | None) -> None:
    """A change from staff or an integration may record an opt-out, never undo one."""
    if not (consent or {}).get(Channel.SMS.value) or not _has_opted_out(session, patient):
        return
    raise Conflict("only the patient can opt back in to texts, by texting START", {"consent": {"sms": [
        f"The patient opted out. Only the patient can opt back in, by texting START. If they asked you in "
        f"person, POST /api/v1/patients/{patient.id}/consent/sms/requests sends them one text asking for it."]}})


def refuse_texts_to_an_opted_out_number(session: Session, phone: str, wants_texts: bool) -> None:
    """An opt-out stops texts to that number (CTIA), whichever record carries it: a new patient with
    the number, or the number moved onto another patient, does not bring texts back. Only a START
    from the number does."""
    if not wants_texts:
        return
    latest = session.scalar(
        select(ConsentEvent.action)
        .where(ConsentEvent.phone == phone, ConsentEvent.channel == Channel.SMS,
               ConsentEvent.action.in_((ConsentAction.GRANTED, ConsentAction.REVOKED)))
        .order_by(ConsentEvent.id.desc()).limit(1))
    if latest is ConsentAction.REVOKED:
        raise Conflict("this number opted out of texts", {"phone": [
            "This number opted out of texts. Only a START texted from it brings them back; record the "
            "patient without SMS consent, or ask them in person and send the one text asking for START."]})


def request_sms_opt_in(session: Session, settings: Settings, patient: Patient, staff: StaffUser,
                       now: datetime) -> ConsentEvent:
    """Records that the patient asked in person to be texted again and queues the one text asking them
    to reply START. Consent itself does not change."""
    # Locked, so two requests at once cannot both pass the daily limit and send two texts.
    session.refresh(patient, with_for_update=True)
    _ensure_invitation_may_be_sent(session, patient, now)
    event = ConsentEvent(patient_id=patient.id, channel=Channel.SMS, action=ConsentAction.OPT_IN_REQUESTED,
                         source=IN_PERSON, recorded_by_id=staff.id, occurred_at=now)
    session.add(event)
    body = translate(SMS_OPT_IN_INVITATION, patient.language, clinic=settings.clinic_name)
    queue_for_delivery(session, [outbound(to=patient.phone, sender=settings.sender, body=body,
                                          kind=OPT_IN_INVITATION, patient_id=patient.id)], now, patient.id)
    return event


def _ensure_invitation_may_be_sent(session: Session, patient: Patient, now: datetime) -> None:
    if not patient.active:
        raise Conflict("the patient is not active")
    if patient.sms_consent:
        raise Conflict("the patient already agreed to texts")
    if not _has_opted_out(session, patient):
        raise Conflict("the patient has not opted out: record their consent on the patient")
    if not patient.sms_reachable:
        raise Conflict("texts to this number cannot be delivered: update the patient's phone first")
    if session.scalar(select(exists().where(
            ConsentEvent.patient_id == patient.id, ConsentEvent.channel == Channel.SMS,
            ConsentEvent.action == ConsentAction.OPT_IN_REQUESTED,
            ConsentEvent.occurred_at > now - INVITATION_INTERVAL))):
        raise Conflict("the patient was asked less than 24 hours ago: one text until they reply START")


def _latest_sms_action(patient_id):
    return (select(ConsentEvent.action)
            .where(ConsentEvent.patient_id == patient_id, ConsentEvent.channel == Channel.SMS)
            .order_by(ConsentEvent.id.desc()).limit(1))


def awaits_reply_to_request(session: Session, patient_id: int) -> bool:
    """The patient's latest SMS consent event is an in-person request that no STOP or START settled yet."""
    return session.scalar(_latest_sms_action(patient_id)) is ConsentAction.OPT_IN_REQUESTED


def invitation_may_leave(messages, patients):
    """SQL for the delivery step: an invitation leaves only while the patient's latest SMS consent event
    is the request it answers (a STOP or a START since then settles it) and the number takes texts."""
    return and_(messages.c.kind == OPT_IN_INVITATION,
                exists().where(patients.c.id == messages.c.patient_id, patients.c.sms_unreachable_at.is_(None)),
                _latest_sms_action(messages.c.patient_id).scalar_subquery() == ConsentAction.OPT_IN_REQUESTED)


def invitation_may_go(patient: Patient) -> bool:
    """The same rule for a loaded patient."""
    return awaits_reply_to_request(object_session(patient), patient.id) and patient.sms_reachable
