"""A call, step by step: what the caller pressed or said is stored with what it was answered, in one
transaction keyed by the call and the step, so any worker takes the next step and a step Twilio
posts twice gets the same answer and changes nothing; a step that cannot be acted on is still kept.

Each answer's <Gather> posts to the step `<stage>-<turn>`; the call's row says which stage it is in.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engage.auth.models import StaffUser
from engage.checkins import conversation
from engage.checkins import service as checkins
from engage.checkins.conversation import Ask, Closing, CrisisResources
from engage.clinic import clinic
from engage.config import Settings
from engage.db import log_failure, session_scope, utcnow
from engage.enums import CallPurpose, CallStatus, CheckInStatus, FlagKind, FlagPriority, FlagStatus
from engage.flags import service as flags
from engage.flags.crisis import CrisisLevel, classify
from engage.flags.models import Flag
from engage.instruments import get_instrument
from engage.instruments.parsing import normalise
from engage.outbox.models import Call
from engage.patients.models import Patient
from engage.runtime import Runtime
from engage.voice import state
from engage.voice.render import (
    Connect, ConnectLifeline, CrisisOffer, Goodbye, IdentityCheck, InboundGreeting, InboundIdentityCheck,
    InboundOffer, NoShowMessage, NotThePatient, StaffAcknowledged, StaffNotice, Voice, Voicemail, no_words, render,
    yes_words,
)
from engage.voice.render import VoiceStep as Said

log = logging.getLogger(__name__)
ANSWER = "answer"
DONE = "done"
# The call ended before the caller said they are the patient: nothing of the check-in may follow it.
NOT_CONFIRMED = "notconfirmed"
VOICE_PATH = "/webhooks/twilio/voice"
MACHINE_ANSWERS = ("machine", "fax")


@dataclass(frozen=True)
class CallRequest:
    """What Twilio posts about a call: who, which call, and what was pressed or said."""

    call_sid: str
    from_number: str
    to_number: str
    inbound: bool
    call_id: int | None = None  # ours, carried in the answer URL: it arrives before we may know the CallSid
    answered_by: str | None = None
    digits: str = ""
    speech: str = ""
    dial_status: str | None = None

    @property
    def reply(self) -> str:
        return self.digits or self.speech


def take_step(runtime: Runtime, step: str, request: CallRequest, base_url: str) -> str:
    """TwiML for this step of the call; the first answer again when the step was taken before."""
    try:
        with session_scope(runtime.sessions) as session:
            call = _call_for(session, request, step)
            earlier = call.earlier if call is not None else state.earlier_answer(session, request.call_sid, step)
            if earlier is not None:
                return earlier
            twiml = _act(session, runtime.settings, call, step, request, base_url)
            # Kept with its answer in the same transaction: if acting fails, _fault keeps it on its own.
            state.store_step(session, call.id if call else None, request.call_sid, step, request.digits,
                             request.speech, twiml)
            return twiml
    except IntegrityError:
        # The same step delivered twice at once: the other delivery stored it and its answer stands.
        with runtime.sessions() as session:
            earlier = state.earlier_answer(session, request.call_sid, step)
        if earlier is not None:
            return earlier
        log.error("voice step %s of call %s could not be stored", step, request.call_sid)
    except Exception:
        log_failure(log, "voice step %s of call %s could not be acted on", step, request.call_sid)
    return _fault(runtime, request, step)


def _fault(runtime: Runtime, request: CallRequest, step: str) -> str:
    """Nothing the caller said is lost: it is stored on its own and a person is told. The goodbye is in the
    patient's language when the call is theirs."""
    language = "en"
    try:
        with session_scope(runtime.sessions) as session:
            call = session.scalar(select(Call).where(Call.call_sid == request.call_sid))
            state.store_step(session, call.id if call else None, request.call_sid, step, request.digits,
                             request.speech, None)
            if call is not None and call.patient_id is not None:
                language = session.scalar(select(Patient.language).where(Patient.id == call.patient_id)) or "en"
                flags.raise_flag(session, runtime.settings, kind=FlagKind.PATIENT_MESSAGE, priority=FlagPriority.HIGH,
                                 patient_id=call.patient_id, checkin_id=call.checkin_id,
                                 reason="a call could not go on; what the caller said is kept")
    except Exception:
        log_failure(log, "voice step %s of call %s could not be kept", step, request.call_sid)
    return render([Goodbye()], _voice(runtime.settings, language))


def foreign_step(runtime: Runtime, request: CallRequest) -> str | None:
    """A goodbye for a post naming one of our calls (?c=) with another call's CallSid, storing and changing
    nothing: each call is answered for its own CallSid only. None for any other post."""
    if request.call_id is None:
        return None
    with runtime.sessions() as session:
        stored = session.scalar(select(Call.call_sid).where(Call.id == request.call_id))
    if stored is None or stored == request.call_sid:
        return None
    log.warning("a voice webhook for call %s came with another call's CallSid; refused", request.call_id)
    return render([Goodbye()], _voice(runtime.settings, "en"))


def _call_for(session: Session, request: CallRequest, step: str) -> state.CallState | None:
    """The call's row, locked so its steps are taken one at a time; an inbound call gets one on answer."""
    call = state.locked_call(session, request.call_sid, request.call_id, step)
    if call is not None or step != ANSWER or not request.inbound:
        return call
    patient_id = session.scalar(select(Patient.id).where(Patient.phone == request.from_number))
    return state.new_inbound_call(session, request.call_sid, request.from_number, request.to_number, patient_id)


@lru_cache(maxsize=16)
def _voice(settings: Settings, language: str) -> Voice:
    return Voice(language, clinic(settings), settings.clinic_phone, settings.default_region,
                 settings.twilio_from or settings.clinic_phone)


def _act(session: Session, settings: Settings, call: state.CallState | None, step: str, request: CallRequest,
         base_url: str) -> str:
    if call is None:
        return render([InboundGreeting(settings.clinic_phone)], _voice(settings, "en"))
    person, checkin = state.on_the_line(session, call)
    context = _Context(session, settings, call, person, checkin, request, utcnow())
    stage = ANSWER if step == ANSWER else step.rpartition("-")[0]
    handler = _STAGES.get(stage) if stage == call.stage else None
    said, next_stage = handler(context) if handler else ([Goodbye()], DONE)
    call.stage = next_stage
    action = None
    if next_stage not in (DONE, NOT_CONFIRMED):
        call.turn += 1
        action = f"{base_url}{VOICE_PATH}/{next_stage}-{call.turn}"
    state.save(session, call, request.call_sid)
    return render(said, _voice(settings, context.language), action)


@dataclass
class _Context:
    session: Session
    settings: Settings
    call: state.CallState
    person: state.OnTheLine | None
    checkin: state.CheckInState | None  # as it stood when the step began
    request: CallRequest
    now: datetime

    @property
    def language(self) -> str:
        return self.person.language if self.person else "en"


Outcome = tuple[list[Said], str]


def _answered(ctx: _Context) -> Outcome:
    call, request = ctx.call, ctx.request
    call.answered_at = ctx.now
    if call.purpose is CallPurpose.INBOUND:
        if ctx.person is not None and checkins.checkin_to_offer(ctx.session, call.patient_id, ctx.now) is not None:
            # Whoever holds the patient's phone hears nothing about a check-in until they say who they are.
            return [InboundIdentityCheck(ctx.person.first_name)], "identity"
        return [InboundGreeting(ctx.settings.clinic_phone)], DONE
    if (request.answered_by or "").startswith(MACHINE_ANSWERS):
        call.status, call.answered_by = CallStatus.MACHINE, request.answered_by[:32]
        return [Voicemail()], DONE
    call.status, call.answered_by = CallStatus.IN_PROGRESS, (request.answered_by or None)
    if call.purpose is CallPurpose.STAFF_NOTICE:
        return [StaffNotice()], "notice"
    # Nothing about the check-in is said before the patient confirms it is them.
    return [IdentityCheck(ctx.person.first_name)], "identity"


def _asked_again(ctx: _Context, step: Said, stage: str) -> Outcome | None:
    """Silence gets the question once more; after that the call moves on (or ends)."""
    if ctx.request.reply or ctx.call.repeats:
        return None
    ctx.call.repeats = 1
    return [step], stage


def _identity(ctx: _Context) -> Outcome:
    inbound = ctx.call.purpose is CallPurpose.INBOUND
    if ctx.request.digits != "1":
        # Whoever answered, crisis words get help at once; the offer names nobody.
        if _crisis_words(ctx, ctx.call.checkin_id) is CrisisLevel.URGENT:
            ctx.call.repeats = 0
            return [CrisisResources(), CrisisOffer()], "identitycrisis"
        if inbound:
            again, otherwise = InboundIdentityCheck(ctx.person.first_name), InboundGreeting(ctx.settings.clinic_phone)
        else:
            again, otherwise = IdentityCheck(ctx.person.first_name), NotThePatient()
        return _asked_again(ctx, again, "identity") or ([otherwise], NOT_CONFIRMED)
    ctx.call.repeats = 0
    if inbound:
        return [InboundOffer()], "offer"
    if ctx.call.purpose is CallPurpose.OUTREACH:
        return [NoShowMessage()], DONE
    return _open_checkin(ctx, ctx.checkin)


def _open_checkin(ctx: _Context, checkin: state.CheckInState | None) -> Outcome:
    if checkin is None or checkin.status is not CheckInStatus.IN_PROGRESS:
        return [Goodbye()], DONE
    return list(conversation.take_up(get_instrument(checkin.instrument), checkin.current_item)), "items"


def _item(ctx: _Context) -> Outcome:
    checkin = ctx.checkin
    if checkin.status is not CheckInStatus.IN_PROGRESS:
        return [Goodbye()], DONE
    if _crisis_words(ctx, checkin.id) is CrisisLevel.URGENT:
        # Crisis resources at once; the question is asked again once the caller chooses to go on.
        return [CrisisResources(), CrisisOffer()], "crisis"
    open_checkin = checkins.OpenCheckIn(checkin.id, checkin.instrument, checkin.current_item, checkin.failed_replies)
    steps = checkins.take_reply(ctx.session, ctx.settings, open_checkin, ctx.call.patient_id, ctx.language, None,
                                ctx.request.reply, ctx.now, repeats=checkins.CALL_REPEATS)
    if any(isinstance(step, CrisisResources) for step in steps):
        return [CrisisResources(), CrisisOffer()], "crisis"
    return list(steps), DONE if any(isinstance(step, Closing) for step in steps) else "items"


def _crisis_words(ctx: _Context, checkin_id: int | None) -> CrisisLevel:
    """Spoken crisis wording at any prompt, read as a text would be, and flagged for a person."""
    if not ctx.request.speech:
        return CrisisLevel.NONE
    crisis = classify(ctx.request.speech, ctx.language)
    if crisis.level is CrisisLevel.NONE:
        return crisis.level
    urgent = crisis.level is CrisisLevel.URGENT
    where = ("on a call, before the caller said who they are" if ctx.call.stage in UNCONFIRMED_STAGES
             else "on a call")
    reason = (f'crisis wording {where}: "{crisis.matched}"' if urgent
              else f'possible crisis wording {where}, for review: "{crisis.matched}"')
    flags.raise_flag(ctx.session, ctx.settings, kind=FlagKind.CRISIS_LANGUAGE, patient_id=ctx.call.patient_id,
                     checkin_id=checkin_id, reason=reason[:200],
                     priority=FlagPriority.URGENT if urgent else FlagPriority.HIGH)
    return crisis.level


def _wants_connection(ctx: _Context) -> bool:
    """Only a clear no (key 2, or words of no and none of yes) goes on: at a crisis offer an unclear
    answer, a plea for help or crisis wording is a reason to put a person on the line. Negated or
    uncertain crisis wording ("no, I don't want to die") is flagged for review and read for its no."""
    if ctx.request.digits:
        return ctx.request.digits != "2"
    if _crisis_words(ctx, ctx.call.checkin_id) is CrisisLevel.URGENT:
        return True
    spoken = f" {normalise(ctx.request.speech)} "
    return _says_any(spoken, yes_words(ctx.language)) or not _says_any(spoken, no_words(ctx.language))


def _says_any(spoken: str, phrases: tuple[str, ...]) -> bool:
    """Whole words anywhere in what was said: "yes I need help" says yes, "yesterday" does not."""
    return any(f" {normalise(phrase)} " in spoken for phrase in phrases if normalise(phrase))


def _crisis(ctx: _Context) -> Outcome:
    return _crisis_answer(ctx, "crisis", "dial", _go_on)


def _identity_crisis(ctx: _Context) -> Outcome:
    return _crisis_answer(ctx, "identitycrisis", "identitydial", _identity_again)


def _crisis_answer(ctx: _Context, stage: str, dial_stage: str, go_on: Callable[[_Context], Outcome]) -> Outcome:
    """The answer to the offer of a person: silence hears the offer once more, and a second silence
    is connected, since someone who cannot answer may be the one most in need."""
    if not ctx.request.reply and not ctx.call.repeats:
        ctx.call.repeats = 1
        return [CrisisOffer()], stage
    ctx.call.repeats = 0
    if ctx.request.reply and not _wants_connection(ctx):
        return go_on(ctx)
    on_call = ctx.session.scalar(select(StaffUser.phone).where(
        StaffUser.on_call, StaffUser.active, StaffUser.phone.is_not(None)).order_by(StaffUser.id).limit(1))
    if on_call is None:
        return [ConnectLifeline()], _ended(ctx)
    return [Connect(on_call)], dial_stage


def _dialled(ctx: _Context) -> Outcome:
    return _after_dial(ctx, _go_on)


def _identity_dialled(ctx: _Context) -> Outcome:
    return _after_dial(ctx, _identity_again)


def _after_dial(ctx: _Context, go_on: Callable[[_Context], Outcome]) -> Outcome:
    if ctx.request.dial_status != "completed":
        return [ConnectLifeline()], _ended(ctx)
    return go_on(ctx)


def _ended(ctx: _Context) -> str:
    """How a call sent on to 988 ends: still unconfirmed when the caller never said who they are."""
    return NOT_CONFIRMED if ctx.call.stage in UNCONFIRMED_STAGES else DONE


def _identity_again(ctx: _Context) -> Outcome:
    """Nothing about the check-in before the caller says who they are, crisis or not."""
    if ctx.call.purpose is CallPurpose.INBOUND:
        return [InboundIdentityCheck(ctx.person.first_name)], "identity"
    return [IdentityCheck(ctx.person.first_name)], "identity"


def _go_on(ctx: _Context) -> Outcome:
    """Back to the check-in after the crisis offer: the question it stopped at, or the closing."""
    checkin = ctx.checkin
    if checkin.status is CheckInStatus.COMPLETED:
        return [Closing()], DONE
    if checkin.status is not CheckInStatus.IN_PROGRESS:
        return [Goodbye()], DONE
    return [Ask(get_instrument(checkin.instrument), checkin.current_item)], "items"


def _notice(ctx: _Context) -> Outcome:
    if ctx.request.digits != "1":
        return _asked_again(ctx, StaffNotice(), "notice") or ([Goodbye()], DONE)
    flag, staff = ctx.session.get(Flag, ctx.call.flag_id), ctx.session.get(StaffUser, ctx.call.staff_id)
    if flag is None or staff is None or not staff.active or flag.status is FlagStatus.RESOLVED:
        # Nothing was recorded, so nothing is confirmed.
        return [Goodbye()], DONE
    flags.acknowledge(ctx.session, flag, staff, note="acknowledged by phone")
    return [StaffAcknowledged()], DONE


def _offer(ctx: _Context) -> Outcome:
    """A caller who said who they are chose to answer their questions (1) or to reach the clinic."""
    if ctx.request.digits == "1":
        checkin = checkins.checkin_to_offer(ctx.session, ctx.call.patient_id, ctx.now)
        if checkin is not None and (checkin.status is CheckInStatus.IN_PROGRESS
                                    or checkins.start_on_call(ctx.session, ctx.settings, checkin, ctx.now)):
            ctx.session.flush()
            ctx.call.checkin_id = checkin.id
            return _open_checkin(ctx, state.checkin_state(ctx.session, checkin.id))
    return [Connect(ctx.settings.clinic_phone)], DONE


_STAGES = {ANSWER: _answered, "identity": _identity, "items": _item, "crisis": _crisis, "dial": _dialled,
           "notice": _notice, "offer": _offer, "identitycrisis": _identity_crisis, "identitydial": _identity_dialled}
# Stages before the caller said who they are: a hang-up there says nothing about the patient.
UNCONFIRMED_STAGES = frozenset({"identity", "identitycrisis", "identitydial", NOT_CONFIRMED})
