"""`engage simulate`: a patient's phone in a terminal, talking to a running engage.

What you type goes through the real inbound webhook, signed as Twilio would sign it;
what the patient would receive is read back from the message log as it is sent. With --voice the
phone takes the next call instead: each step's TwiML is shown as heard, and your keys or words go to
the voice webhook as Twilio's <Gather> would post them.
"""
from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from engage.checkins.models import CheckIn
from engage.checkins.service import active_checkin, schedule_checkin
from engage.config import Settings
from engage.db import session_scope, utcnow
from engage.enums import Channel, CheckInStatus, Direction
from engage.instruments import get_instrument
from engage.outbox import quiet_hours
from engage.outbox.models import Call, Message
from engage.patients.models import Patient
from engage.patients.service import find_patient_by_phone, normalise_phone
from engage.runtime import Runtime
from engage.sms.render import item_texts

POLL_SECONDS = 0.5


def _post_text(settings: Settings, base_url: str, phone: str, body: str) -> int:
    path = "/webhooks/twilio/sms"
    params = {"MessageSid": "SMsim" + uuid.uuid4().hex[:27], "From": phone, "To": settings.sender, "Body": body,
              "AccountSid": settings.twilio_account_sid or "ACsimulator", "NumMedia": "0"}
    signed_for = (settings.public_url or base_url.rstrip("/")) + path
    signature = RequestValidator(settings.webhook_auth_token).compute_signature(signed_for, params)
    request = urllib.request.Request(base_url.rstrip("/") + path, data=urllib.parse.urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": signature})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def _latest_message_id(runtime: Runtime) -> int:
    with runtime.sessions() as session:
        return session.scalar(select(Message.id).order_by(Message.id.desc()).limit(1)) or 0


def _show_incoming(runtime: Runtime, phone: str, last: int, stop: threading.Event) -> None:
    while not stop.is_set():
        with runtime.sessions() as session:
            rows = session.scalars(select(Message).where(
                Message.id > last, Message.to_number == phone, Message.direction == Direction.OUTBOUND,
                Message.status != "queued").order_by(Message.id)).all()
        for message in rows:
            click.secho(f"\n  ◀ {message.body}", fg="cyan")
            last = max(last, message.id)
        if rows:
            click.echo("> ", nl=False)
        stop.wait(POLL_SECONDS)


def _open_checkin(session: Session, patient: Patient, now: datetime) -> CheckIn | None:
    """The conversation the patient is in, else one due and waiting to start (quiet hours, the next tick)."""
    return active_checkin(session, patient.id) or session.scalar(
        select(CheckIn).where(CheckIn.patient_id == patient.id, CheckIn.status == CheckInStatus.SCHEDULED,
                              CheckIn.scheduled_for <= now).order_by(CheckIn.scheduled_for).limit(1))


def _resume(patient: Patient, checkin: CheckIn) -> None:
    instrument = get_instrument(checkin.instrument)
    click.echo(f"{patient.first_name} is in the middle of a {instrument.code} check-in (question "
               f"{checkin.current_item + 1} of {len(instrument.items)}): it carries on, one conversation at a "
               f"time. Its current question again:")
    for text in item_texts(instrument, checkin.current_item, patient.language):
        click.secho(f"  ◀ {text.body}", fg="cyan")


def _start_checkin(runtime: Runtime, phone: str, instrument: str) -> None:
    now = utcnow()
    with session_scope(runtime.sessions) as session:
        patient = find_patient_by_phone(session, phone)
        if patient is None:
            raise click.ClickException(f"no patient has the number {phone}; try one from `engage seed-demo`")
        checkin = _open_checkin(session, patient, now)
        if checkin is None:
            checkin = schedule_checkin(session, patient, instrument, source="simulator")
        elif checkin.status is CheckInStatus.IN_PROGRESS:
            _resume(patient, checkin)
            return
        else:
            click.echo(f"{patient.first_name} already has a check-in due; that one goes out rather than a second.")
        _say_when_it_goes_out(patient, checkin.instrument, runtime.settings, now)


def _say_when_it_goes_out(patient: Patient, instrument: str, settings: Settings, now: datetime) -> None:
    hours = quiet_hours.for_patient(patient, settings)
    if not hours.is_quiet(now):
        click.echo(f"A {instrument} check-in is due now; the service's clock sends it within seconds.")
        return
    # Quiet hours hold for the simulator too: say when the phone will hear from us.
    opens = hours.next_allowed_time(now)
    click.echo(f"It is quiet hours for {patient.first_name}: the {instrument} check-in goes out at "
               f"{opens.astimezone(ZoneInfo(patient.timezone)):%H:%M} their time ({patient.timezone}). "
               f"To send it now, run a pass as if then: engage tick --at {opens:%Y-%m-%dT%H:%MZ}")


def _require_service(base_url: str) -> None:
    """The simulator texts through the running service; without it nothing would answer."""
    try:
        urllib.request.urlopen(base_url.rstrip("/") + "/healthz", timeout=5).close()
    except urllib.error.HTTPError:
        return  # it answers, even if unwell; what the patient receives will show the rest
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise click.ClickException(f"engage is not answering at {base_url} ({exc}); start it with `make run` "
                                   f"or pass --url") from None


def run(runtime: Runtime, raw_phone: str, base_url: str, instrument: str | None = None) -> None:
    settings = runtime.settings
    phone = normalise_phone(raw_phone, settings)
    _require_service(base_url)
    stop = threading.Event()
    last = _latest_message_id(runtime)
    threading.Thread(target=_show_incoming, args=(runtime, phone, last, stop), daemon=True).start()
    if instrument:
        _start_checkin(runtime, phone, instrument)
    click.echo(f"Phone {phone}: type a reply and press Enter (Ctrl-D to hang up).")
    try:
        while True:
            try:
                body = click.prompt("", prompt_suffix="> ", default="", show_default=False)
            except (EOFError, click.Abort):
                break
            if not body.strip():
                continue
            try:
                _post_text(settings, base_url, phone, body)
            except (urllib.error.URLError, OSError) as exc:
                click.secho(f"engage is not answering at {base_url} ({exc}); start it with `make run`.", fg="red")
            time.sleep(POLL_SECONDS)
    finally:
        stop.set()


def _signed_post(settings: Settings, base_url: str, public: str, params: dict) -> bytes:
    """Posts as Twilio would to `public` (a URL engage gave out), signed for it, sent to the running service."""
    parts = urllib.parse.urlsplit(public)
    signature = RequestValidator(settings.webhook_auth_token).compute_signature(public, params)
    target = base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
    request = urllib.request.Request(target, data=urllib.parse.urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": signature})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def _next_call(runtime: Runtime, phone: str, after: int) -> Call:
    """Waits for the service to place a call to the phone (the console gateway records it)."""
    click.echo("Waiting for the next call (Ctrl-C to stop)...")
    while True:
        with runtime.sessions() as session:
            call = session.scalar(select(Call).where(Call.id > after, Call.to_number == phone,
                                                     Call.call_sid.is_not(None)).order_by(Call.id).limit(1))
        if call is not None:
            return call
        time.sleep(POLL_SECONDS)


def _play(twiml: bytes) -> tuple[str | None, str | None]:
    """Shows what the caller hears; returns where the next answer goes (a Gather's or Dial's action)
    and the number dialled, if any."""
    root = ElementTree.fromstring(twiml)
    for say in root.iter("Say"):
        click.secho(f"  ♪ {say.text}", fg="cyan")
    dial, gather = next(root.iter("Dial"), None), next(root.iter("Gather"), None)
    if dial is not None:
        number = "".join(n.text or "" for n in dial.iter("Number"))
        click.secho(f"  ☎ connecting you to {number}", fg="yellow")
        return dial.get("action"), number
    return (gather.get("action") if gather is not None else None), None


def run_voice(runtime: Runtime, raw_phone: str, base_url: str, instrument: str | None = None) -> None:
    """The patient's phone takes the next call: every step is posted to the voice webhook as Twilio would."""
    settings = runtime.settings
    phone = normalise_phone(raw_phone, settings)
    _require_service(base_url)
    with runtime.sessions() as session:
        last = session.scalar(select(Call.id).order_by(Call.id.desc()).limit(1)) or 0
    if instrument:
        _start_call(runtime, phone, instrument)
    call = _next_call(runtime, phone, last)
    public = settings.public_url or base_url.rstrip("/")
    params = {"CallSid": call.call_sid, "AccountSid": settings.twilio_account_sid or "ACsimulator",
              "From": call.from_number, "To": phone, "Direction": "outbound-api", "CallStatus": "in-progress"}
    click.echo("Ring ring. Press keys (digits) or type what you would say; Enter alone is silence.")
    action, dialled = _play(_signed_post(settings, base_url, f"{public}/webhooks/twilio/voice?c={call.id}",
                                         {**params, "AnsweredBy": "human"}))
    while action:
        if dialled:
            answered = click.confirm(f"  Did {dialled} answer?", default=False)
            reply = {"DialCallStatus": "completed" if answered else "no-answer"}
        else:
            said = click.prompt("", prompt_suffix="> ", default="", show_default=False).strip()
            reply = {"Digits": said} if said.isdigit() else {"SpeechResult": said} if said else {}
        action, dialled = _play(_signed_post(settings, base_url, action, {**params, **reply}))
    _signed_post(settings, base_url, f"{public}/webhooks/twilio/status?c={call.id}",
                 {**params, "CallStatus": "completed"})
    click.echo("The call has ended.")


def _start_call(runtime: Runtime, phone: str, instrument: str) -> None:
    with session_scope(runtime.sessions) as session:
        patient = find_patient_by_phone(session, phone)
        if patient is None:
            raise click.ClickException(f"no patient has the number {phone}; try one from `engage seed-demo`")
        if not patient.voice_consent:
            raise click.ClickException(f"{patient.first_name} has not agreed to calls")
        now = utcnow()
        checkin = _open_checkin(session, patient, now)
        if checkin is None:
            checkin = schedule_checkin(session, patient, instrument, channel=Channel.VOICE, source="simulator")
        elif checkin.channel is not Channel.VOICE:
            # One conversation at a time: the call would never come while the text check-in is open.
            raise click.ClickException(
                f"{patient.first_name} already has a {checkin.instrument} check-in by text; answer it with "
                f"`engage simulate --phone {phone}` (one conversation at a time)")
        _say_when_it_goes_out(patient, checkin.instrument, runtime.settings, now)
