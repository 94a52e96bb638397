"""An urgent flag nobody acknowledges reaches every care manager with a phone (by text and by call) and the
clinic line (by text), again at each interval, until someone acknowledges it; the flag's history shows every
notice."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from engage.auth.models import StaffUser
from engage.db import session_scope, utcnow
from engage.enums import CallPurpose, FlagKind
from engage.flags.escalation import escalate_due_flags
from engage.flags.models import Flag, FlagEvent
from engage.flags.service import URGENT_NOTICE, raise_flag
from engage.outbox.models import Call, Message
from engage.runtime import build_runtime
from engage.scheduling.tick import tick
from tests.caller import Caller
from tests.factories import rows
from tests.phone import Phone

CLINIC_LINE = "+13125550111"
ON_CALL = "+13125550199"


@pytest.fixture
def settings(settings):
    """A clinic line of its own, apart from the number texts are sent from."""
    return settings.with_overrides(clinic_phone=CLINIC_LINE)


@pytest.fixture
def team(factory, runtime):
    """The on-call care manager, another care manager, one without a phone, one who left, and a consultant."""
    people = {
        "on_call": factory.staff("care_manager", phone=ON_CALL, on_call=True),
        "colleague": factory.staff("care_manager"),
        "no_phone": factory.staff("care_manager", phone=None),
        "former": factory.staff("care_manager"),
        "consultant": factory.staff("consultant"),
    }
    with session_scope(runtime.sessions) as session:
        session.get(StaffUser, people["former"].id).active = False
    return people


def crisis_text(client, factory, twilio, runtime) -> Flag:
    patient = factory.patient(first_name="Dana")
    Phone(client, twilio, runtime, patient.phone).text("i want to die")
    flag, = rows(runtime, Flag, Flag.kind == FlagKind.CRISIS_LANGUAGE)
    return flag


def notices_to(twilio) -> list[str]:
    return sorted(r.to for r in twilio.received if r.kind == "sms" and r.body == URGENT_NOTICE)


def history(runtime, flag: Flag) -> list[tuple[str, str | None]]:
    with runtime.sessions() as session:
        return [(event.action, event.note) for event in session.get(Flag, flag.id).events]


def test_an_unacknowledged_urgent_flag_reaches_every_care_manager_and_the_clinic_line(
        client, factory, twilio, runtime, settings, team):
    flag = crisis_text(client, factory, twilio, runtime)
    tick(runtime, utcnow())
    assert notices_to(twilio) == [ON_CALL]
    tick(runtime, utcnow() + timedelta(minutes=14))
    assert notices_to(twilio) == [ON_CALL]

    # A worker started afresh finds the escalation due: it lives in the database, not in a process.
    restarted = build_runtime(settings)
    try:
        tick(restarted, utcnow() + timedelta(minutes=16))
    finally:
        restarted.close()
    assert notices_to(twilio) == sorted([ON_CALL, ON_CALL, team["colleague"].phone, CLINIC_LINE])
    assert history(runtime, flag)[-1] == ("escalated", "level 1: notified 2 staff by text and call and the clinic line by text")


def test_escalation_repeats_at_each_interval_until_acknowledged(client, auth, factory, twilio, runtime, team):
    flag = crisis_text(client, factory, twilio, runtime)
    for minutes in (16, 20, 31, 46):
        tick(runtime, utcnow() + timedelta(minutes=minutes))
    # The on-call notice, then three escalations (16, 31, 46 minutes); the pass at 20 minutes was not due.
    assert notices_to(twilio).count(CLINIC_LINE) == 3
    assert notices_to(twilio).count(ON_CALL) == 4
    acknowledged = client.post(f"/api/v1/flags/{flag.id}/acknowledge", json={"note": "calling the patient"},
                               headers=auth())
    assert acknowledged.status_code == 200
    assert (acknowledged.json["escalation_level"], acknowledged.json["next_escalation_at"]) == (3, None)
    tick(runtime, utcnow() + timedelta(hours=3))
    assert notices_to(twilio).count(CLINIC_LINE) == 3
    assert [action for action, _ in history(runtime, flag)] == [
        "raised", "notified", "escalated", "escalated", "escalated", "acknowledged"]
    assert [note for action, note in history(runtime, flag) if action == "escalated"] == [
        f"level {n}: notified 2 staff by text and call and the clinic line by text" for n in (1, 2, 3)]


def test_an_urgent_flag_acknowledged_in_time_never_escalates(client, auth, factory, twilio, runtime, team):
    flag = crisis_text(client, factory, twilio, runtime)
    client.post(f"/api/v1/flags/{flag.id}/acknowledge", headers=auth())
    tick(runtime, utcnow() + timedelta(hours=2))
    assert notices_to(twilio) == [ON_CALL]
    assert "escalated" not in [action for action, _ in history(runtime, flag)]


def test_notices_name_no_patient_and_no_score(client, factory, twilio, runtime, team):
    crisis_text(client, factory, twilio, runtime)
    tick(runtime, utcnow() + timedelta(minutes=16))
    staff_lines = {ON_CALL, team["colleague"].phone, CLINIC_LINE}
    assert {r.body for r in twilio.received if r.to in staff_lines and r.kind == "sms"} == {URGENT_NOTICE}
    # Each care manager with a phone is also called, the clinic line is not; what the call says is heard
    # in tests/test_voice_calls.py.
    assert sorted(r.to for r in twilio.received if r.kind == "call") == sorted([ON_CALL, ON_CALL,
                                                                               team["colleague"].phone])
    assert "Dana" not in URGENT_NOTICE and not any(character.isdigit() for character in URGENT_NOTICE)


def test_with_nobody_on_call_everyone_hears_at_the_next_pass(client, factory, twilio, runtime):
    colleague = factory.staff("care_manager")
    flag = crisis_text(client, factory, twilio, runtime)
    tick(runtime, utcnow())
    assert notices_to(twilio) == sorted([colleague.phone, CLINIC_LINE])
    assert history(runtime, flag)[1:] == [("notified", "no on-call care manager with a phone"),
                                          ("escalated", "level 1: notified 1 staff by text and call and the clinic line by text")]


def test_other_flags_never_escalate(factory, twilio, runtime, team):
    patient = factory.patient()
    with session_scope(runtime.sessions) as session:
        raise_flag(session, runtime.settings, kind=FlagKind.PATIENT_MESSAGE, patient_id=patient.id,
                   reason="asked for a call")
    tick(runtime, utcnow() + timedelta(hours=2))
    assert notices_to(twilio) == []


def test_workers_racing_escalate_each_flag_once(factory, runtime, team):
    flags = 60
    patient = factory.patient()
    with session_scope(runtime.sessions) as session:
        for _ in range(flags):
            raise_flag(session, runtime.settings, kind=FlagKind.SUICIDE_RISK, patient_id=patient.id,
                       reason="item 9 answered 2")
    due, start, escalated = utcnow() + timedelta(minutes=16), threading.Barrier(4), []

    def worker():
        start.wait()
        escalated.append(escalate_due_flags(runtime.sessions, runtime.settings, due))

    workers = [threading.Thread(target=worker) for _ in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert sum(escalated) == flags
    with runtime.sessions() as session:
        assert {flag.escalation_level for flag in session.scalars(select(Flag))} == {1}
        notices = session.scalars(select(Message.to_number).where(Message.kind == "staff_notice")).all()
    # The on-call notice when raised, then one escalation each: on call, the colleague and the clinic line.
        calls = session.scalars(select(Call.to_number).where(Call.purpose == CallPurpose.STAFF_NOTICE)).all()
    assert len(notices) == flags * 4
    assert notices.count(CLINIC_LINE) == flags
    # The on-call call when raised, then a call each to the on-call and the colleague.
    assert len(calls) == flags * 3 and CLINIC_LINE not in calls


def calls_to(twilio, number: str) -> list:
    return [r for r in twilio.received if r.kind == "call" and r.to == number]


def test_escalation_calls_each_care_manager_and_one_pressing_1_acknowledges_as_themselves(
        client, factory, twilio, runtime, team):
    flag = crisis_text(client, factory, twilio, runtime)
    on_call = Caller(client, twilio, runtime, ON_CALL)
    assert len(on_call.ring()) == 1  # the first notice
    colleague = Caller(client, twilio, runtime, team["colleague"].phone)
    later = utcnow() + timedelta(minutes=16)
    assert len(colleague.ring(later)) == 1
    assert len(calls_to(twilio, ON_CALL)) == 2 and calls_to(twilio, CLINIC_LINE) == []
    notice = colleague.answer()
    assert notice.said == ["This is engage. There is an urgent item in the engage queue. To say you have it, press 1."]
    assert colleague.press("1").hangs_up
    assert history(runtime, flag)[-2:] == [
        ("escalated", "level 1: notified 2 staff by text and call and the clinic line by text"),
        ("acknowledged", "acknowledged by phone")]
    acknowledged, = rows(runtime, FlagEvent, FlagEvent.action == "acknowledged")
    assert acknowledged.actor_id == team["colleague"].id
    for minutes in (31, 46, 120):
        tick(runtime, utcnow() + timedelta(minutes=minutes))
    assert len(calls_to(twilio, ON_CALL)) == 2 and len(calls_to(twilio, team["colleague"].phone)) == 1
    assert notices_to(twilio).count(CLINIC_LINE) == 1
    assert [action for action, _ in history(runtime, flag)].count("escalated") == 1
