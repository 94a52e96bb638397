"""Many workers over one outbox: every due message is sent exactly once, even when a worker dies."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from engage import migrate
from engage.checkins.models import CheckIn
from engage.checkins.service import START, schedule_checkin
from engage.config import load_settings
from engage.db import session_scope, utcnow
from engage.enums import DispatchStatus, MessageStatus
from engage.outbox.models import Dispatch, Message
from engage.outbox.queue import SEND_MESSAGES
from engage.patients.service import create_patient
from engage.runtime import build_runtime
from engage.scheduling.dispatcher import claim_due
from engage.sms.checkins import start_checkin
from tests.databases import fresh_database, postgres_or_skip
from tests.phone import Phone
from tests.twilio_loopback import ACCOUNT_SID, AUTH_TOKEN

PATIENTS = 120
# Mid-morning in the patients' zone, clear of quiet hours, and years ahead of the real clock.
DAYTIME = datetime(2037, 12, 1, 16, 0, tzinfo=timezone.utc)
# Each worker imports engage first, then waits for the start file, so all four race from the same instant.
WORKER = """
import sys, time
from datetime import datetime
from pathlib import Path
from engage.config import load_settings
from engage.runtime import build_runtime
from engage.scheduling.tick import tick
runtime = build_runtime(load_settings())
while not Path(sys.argv[1]).exists():
    time.sleep(0.01)
print(tick(runtime, datetime.fromisoformat(sys.argv[3]), worker=sys.argv[2]))
"""


def _seed_due_checkins(url: str) -> None:
    runtime = build_runtime(load_settings({"ENGAGE_DATABASE_URL": url}))
    with session_scope(runtime.sessions) as session:
        for n in range(PATIENTS):
            patient = create_patient(session, {"first_name": "Race", "last_name": str(n), "phone": f"+1312777{n:04d}",
                                               "consent": {"sms": True}}, runtime.settings)
            schedule_checkin(session, patient, "phq2", at=DAYTIME)
    runtime.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_four_workers_racing_send_every_message_exactly_once(backend, twilio, tmp_path_factory, tmp_path):
    base = postgres_or_skip() if backend == "postgresql" else "sqlite://"
    url, drop = fresh_database(base, tmp_path_factory)
    try:
        migrate.upgrade(load_settings({"ENGAGE_DATABASE_URL": url}))
        _seed_due_checkins(url)
        env = {**os.environ, "ENGAGE_DATABASE_URL": url, "ENGAGE_GATEWAY": "twilio",
               "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
               "ENGAGE_TWILIO_FROM": "+13125550100", "ENGAGE_TWILIO_API_URL": twilio.base_url,
               "ENGAGE_PUBLIC_URL": "https://engage.test", "ENGAGE_SMS_PER_SECOND": "0"}
        go = tmp_path / "go"
        workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(go), f"worker-{n}", DAYTIME.isoformat()], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
        time.sleep(2)
        go.touch()
        handled = []
        for worker in workers:
            out, err = worker.communicate(timeout=300)
            assert worker.returncode == 0, err
            handled.append(int(out.strip()))
        # One start and one send per patient, each carried out by exactly one worker.
        assert sum(handled) == 2 * PATIENTS
        assert sum(1 for n in handled if n) >= 2, f"the workers did not overlap: {handled}"
        sent = [(r.to, r.body) for r in twilio.received]
        assert len(sent) == len(set(sent)) == 2 * PATIENTS
        assert {to for to, _ in sent} == {f"+1312777{n:04d}" for n in range(PATIENTS)}
    finally:
        drop()


def test_rows_claimed_by_a_worker_that_died_are_taken_over_when_the_lease_ends(client, auth, factory, twilio,
                                                                                runtime):
    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9", "at": DAYTIME.isoformat()},
                headers=auth())
    now = DAYTIME
    claimed = claim_due(runtime, now, "worker-that-dies")  # claimed, then the worker is killed
    assert [kind for _, kind in claimed] == [START]
    phone = Phone(client, twilio, runtime, patient.phone)
    assert phone.deliveries(now + timedelta(seconds=30)) == []  # its lease still holds
    intro, first = phone.deliveries(now + timedelta(minutes=3))
    assert first.startswith("Q1/9:")
    assert phone.deliveries(now + timedelta(minutes=10)) == []


def test_a_worker_killed_mid_send_never_causes_a_second_copy(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9", "at": DAYTIME.isoformat()},
                headers=auth())
    now = DAYTIME
    with session_scope(runtime.sessions) as session:
        start_checkin(session, runtime.settings, session.scalar(select(CheckIn)), now)
    assert [kind for _, kind in claim_due(runtime, now, "worker-that-dies")] == [START, SEND_MESSAGES]
    with session_scope(runtime.sessions) as session:
        # The worker had handed the intro to the provider when it was killed: nobody knows if it left.
        intro = session.scalar(select(Message).where(Message.kind == "checkin_intro"))
        intro.status, in_doubt = MessageStatus.SENDING, intro.id
    Phone(client, twilio, runtime, patient.phone).deliveries(now + timedelta(minutes=3))
    sent = twilio.sms_to(patient.phone)
    assert [r.body[:5] for r in sent] == ["Q1/9:"]
    with runtime.sessions() as session:
        assert session.get(Message, in_doubt).status == MessageStatus.FAILED
        assert session.scalar(select(func.count()).select_from(Dispatch)
                              .where(Dispatch.status == DispatchStatus.PENDING)) == 2  # reminder, expiry


def test_an_urgent_notice_goes_out_before_a_backlog_due_earlier(client, auth, factory, twilio, runtime):
    on_call = factory.staff("care_manager", phone="+13125550199", on_call=True)
    patients = [factory.patient() for _ in range(3)]
    # The patient's text carries the real clock, so the backlog is due an hour before now.
    for patient in patients:
        client.post(f"/api/v1/patients/{patient.id}/checkins", headers=auth(),
                    json={"instrument": "phq9", "at": (utcnow() - timedelta(hours=1)).isoformat()})
    Phone(client, twilio, runtime, patients[0].phone).text("I want to end my life")  # raises an urgent flag
    claimed = claim_due(runtime, utcnow(), "worker", batch=1)
    with runtime.sessions() as session:
        first = session.get(Dispatch, claimed[0][0])
        assert (len(claimed), first.kind, first.urgent) == (1, SEND_MESSAGES, True)
        notices = [session.get(Message, message_id) for message_id in first.payload["message_ids"]]
        assert [(notice.kind, notice.to_number) for notice in notices] == [("staff_notice", on_call.phone)]
