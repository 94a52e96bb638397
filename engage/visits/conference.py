"""What each side of an audio-only visit hears when it answers: a short announcement in its own
language, then the visit's conference. The clinician opens the conference; the patient waits in it
until the clinician is there."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from twilio.twiml.voice_response import Dial, VoiceResponse

from engage.clinic import clinic
from engage.config import Settings
from engage.enums import AppointmentModality
from engage.outreach.models import UPCOMING, Appointment
from engage.outreach.visit_links import public_base
from engage.outreach.visits import SIDES, conference_name
from engage.patients.models import Patient
from messages import SOURCE_LANGUAGE, resolve_language, speakable_phone, translate, voice

# Twilio's <Say> voices by the patient's language.
SAY_LANGUAGE = {"en": "en-US", "es": "es-MX"}
_ANNOUNCEMENT = {"clinician": voice.VOICE_AUDIO_VISIT_CLINICIAN, "patient": voice.VOICE_AUDIO_VISIT_PATIENT}


def answer_url(settings: Settings, appointment_id: int, side: str) -> str:
    return f"{public_base(settings)}/webhooks/twilio/voice/visit/{appointment_id}/{side}"


def events_url(settings: Settings, appointment_id: int, side: str) -> str:
    return f"{answer_url(settings, appointment_id, side)}/events"


def answer(session: Session, settings: Settings, appointment_id: int, side: str, answered_by: str | None,
           now: datetime) -> str:
    """TwiML for one side's answered call. A machine gets the clinic's name and number only; a call
    for a visit that is not (or no longer) by phone hears a goodbye and nothing else."""
    appointment = session.get(Appointment, appointment_id)
    if side not in SIDES or not _on_the_phone(appointment, now):
        return _goodbye(SOURCE_LANGUAGE)
    language = resolve_language(session.get(Patient, appointment.patient_id).language
                                if side == "patient" else SOURCE_LANGUAGE)
    here = clinic(settings)
    if (answered_by or "").startswith(("machine", "fax")):
        response = VoiceResponse()
        _say(response, translate(voice.VOICE_VOICEMAIL, language, clinic=here.name,
                                 clinic_phone=speakable_phone(settings.clinic_phone, settings.default_region)),
             language)
        response.hangup()
        return str(response)
    response = VoiceResponse()
    _say(response, translate(_ANNOUNCEMENT[side], language, clinic=here.name), language)
    opens = side == "clinician"
    dial = Dial()
    dial.conference(conference_name(appointment), start_conference_on_enter=opens, end_conference_on_exit=opens,
                    beep=False, status_callback=events_url(settings, appointment.id, side),
                    status_callback_event="join leave", status_callback_method="POST")
    response.append(dial)
    return str(response)


def _on_the_phone(appointment: Appointment | None, now: datetime) -> bool:
    return (appointment is not None and appointment.modality_used is AppointmentModality.PHONE
            and appointment.status in UPCOMING and appointment.ends_at > now)


def _goodbye(language: str) -> str:
    response = VoiceResponse()
    _say(response, translate(voice.VOICE_GOODBYE, language), language)
    response.hangup()
    return str(response)


def _say(response: VoiceResponse, text: str, language: str) -> None:
    response.say(text, language=SAY_LANGUAGE.get(language, SAY_LANGUAGE[SOURCE_LANGUAGE]))
