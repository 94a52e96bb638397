"""`engage simulate`: a patient's phone in a terminal, talking to a running engage.

What you type goes through the real inbound webhook, signed as Twilio would sign it;
what the patient would receive is read back from the message log as it is sent.
"""
from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from engage.config import Settings
from engage.enums import Direction
from engage.messaging.models import Message
from engage.checkins.service import schedule_checkin
from engage.db import session_scope, utcnow
from engage.patients.service import find_patient_by_phone, normalise_phone
from engage.runtime import Runtime, build_runtime
from engage.scheduling import quiet_hours

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


def _start_checkin(runtime: Runtime, phone: str, instrument: str) -> None:
    with session_scope(runtime.sessions) as session:
        patient = find_patient_by_phone(session, phone)
        if patient is None:
            raise click.ClickException(f"no patient has the number {phone}; try one from `engage seed-demo`")
        schedule_checkin(session, patient, instrument, source="simulator")
        hours, now = quiet_hours.for_patient(patient, runtime.settings), utcnow()
        if hours.is_quiet(now):
            # Quiet hours hold for the simulator too: say when the phone will hear from us.
            opens = hours.next_allowed_time(now).astimezone(ZoneInfo(patient.timezone))
            click.echo(f"It is quiet hours for this patient: the {instrument} check-in goes out at "
                       f"{opens:%H:%M} their time ({patient.timezone}). Try `engage tick --at` to move the clock.")
            return
    click.echo(f"A {instrument} check-in is due now; the service's clock sends it within seconds.")


def run(settings: Settings, raw_phone: str, base_url: str, instrument: str | None = None) -> None:
    phone = normalise_phone(raw_phone, settings)
    runtime = build_runtime(settings)
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
