"""Enrollments: an instrument every N days, planned at each tick, through months of time travel."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from engage.audit.models import AuditEvent
from engage.checkins import service
from engage.checkins.models import Answer, CheckIn, Enrollment
from engage.db import session_scope, utcnow
from engage.enums import CheckInStatus, DispatchStatus, MessageStatus
from engage.instruments import get_instrument
from engage.outbox.models import Dispatch, Message
from engage.outbox.quiet_hours import next_allowed_time
from engage.patients.models import Patient
from engage.scheduling import planner
from engage.scheduling.planner import plan_due_enrollments
from tests.factories import rows
from tests.phone import Phone

UTC, CHICAGO = timezone.utc, ZoneInfo("America/Chicago")
EVENING, MORNING = time(20, 0), time(8, 0)


@pytest.fixture
def settings(settings):
    """The clinic's real quiet hours, 20:00-08:00, which the rest of the suite switches off."""
    return settings.with_overrides(quiet_start=EVENING, quiet_end=MORNING)


def chicago(*fields, fold=0) -> datetime:
    return datetime(*fields, tzinfo=CHICAGO, fold=fold).astimezone(UTC)


def enroll(client, auth, patient, **body):
    body = {"instrument": "phq9", "interval_days": 14, **body}
    if isinstance(body.get("start_at"), datetime):
        body["start_at"] = body["start_at"].isoformat()
    response = client.post(f"/api/v1/patients/{patient.id}/enrollments", json=body, headers=auth())
    assert response.status_code == 201, response.json
    return response.json


def enrollment_now(client, auth, patient) -> dict:
    listed = client.get(f"/api/v1/patients/{patient.id}/enrollments", headers=auth())
    assert listed.status_code == 200
    return listed.json["data"][0]


def answer_every_item(runtime, checkin_id: int, at: datetime) -> None:
    """The patient answers all items (0, not at all) at `at`; replies themselves carry no clock to travel."""
    with session_scope(runtime.sessions) as session:
        checkin = session.get(CheckIn, checkin_id)
        items = get_instrument(checkin.instrument).items
        checkin.answers.extend(Answer(item_index=n, item_code=item.code, value=0, answered_at=at)
                               for n, item in enumerate(items))
        service.complete(session, runtime.settings, checkin, session.get(Patient, checkin.patient_id), at)


def test_enrollments_are_created_listed_and_ended_through_the_api_and_audited(client, auth, factory, runtime):
    patient = factory.patient()
    created = enroll(client, auth, patient, instrument="gad7", interval_days=28,
                     start_at=chicago(2026, 5, 4, 10, 0))
    assert (created["instrument"], created["interval_days"], created["channel"]) == ("gad7", 28, "sms")
    assert (created["status"], created["paused_reason"]) == ("active", None)
    assert created["next_due_at"].startswith("2026-05-04T15:00:00")
    assert [e["id"] for e in client.get(f"/api/v1/patients/{patient.id}/enrollments",
                                        headers=auth()).json["data"]] == [created["id"]]
    ended = client.post(f"/api/v1/patients/{patient.id}/enrollments/{created['id']}/end", headers=auth())
    assert ended.status_code == 200 and ended.json["status"] == "ended" and ended.json["ended_at"]
    again = client.post(f"/api/v1/patients/{patient.id}/enrollments/{created['id']}/end", headers=auth())
    assert again.status_code == 409
    audited = [(e.action, e.resource, e.patient_id) for e in rows(runtime, AuditEvent,
                                                                  AuditEvent.resource == "enrollment")]
    assert audited == [("create", "enrollment", patient.id), ("list", "enrollment", patient.id),
                       ("end", "enrollment", patient.id)]
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/patients/{patient_id}/enrollments"])
    assert "post" in paths["/api/v1/patients/{patient_id}/enrollments/{enrollment_id}/end"]


def test_invalid_enrollments_are_refused_with_the_field_named(client, auth, factory):
    patient, other = factory.patient(), factory.patient()
    url = f"/api/v1/patients/{patient.id}/enrollments"
    cases = [({"instrument": "phq9", "interval_days": 0}, 422, "interval_days"),
             ({"instrument": "bdi", "interval_days": 7}, 422, "instrument"),
             ({"instrument": "phq9", "interval_days": 7, "channel": "fax"}, 422, "channel"),
             ({"instrument": "phq9", "interval_days": 7, "start_at": "2026-05-04T10:00:00"}, 422, "start_at")]
    for body, status, field in cases:
        response = client.post(url, json=body, headers=auth())
        assert (response.status_code, field in response.json["fields"]) == (status, True), body
    enroll(client, auth, patient, instrument="phq2")
    duplicate = client.post(url, json={"instrument": "phq2", "interval_days": 7}, headers=auth())
    assert duplicate.status_code == 409
    theirs = enroll(client, auth, other)
    assert client.post(f"{url}/{theirs['id']}/end", headers=auth()).status_code == 404
    assert client.post(url, json={"instrument": "phq9", "interval_days": 7},
                       headers=auth("consultant")).status_code == 403


def test_every_14_days_for_four_months_each_checkin_follows_the_last_completion(client, auth, factory, twilio,
                                                                                runtime):
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    enroll(client, auth, patient, start_at=chicago(2026, 1, 6, 10, 0))
    due = chicago(2026, 1, 6, 10, 0)
    # How long the patient takes to answer each one: late answers push the next one later; None: never.
    answer_after = [timedelta(hours=1), timedelta(hours=20), timedelta(hours=3), None, timedelta(hours=6),
                    timedelta(minutes=30), timedelta(hours=22), timedelta(hours=2), timedelta(hours=4),
                    timedelta(hours=1)]
    deferred = 0
    for answered_after in answer_after:
        sent_at = next_allowed_time(due, CHICAGO, EVENING, MORNING)
        if sent_at != due:
            deferred += 1
            assert phone.deliveries(due) == []  # due in quiet hours: waits for the morning
        intro, first = phone.deliveries(sent_at)
        assert "Riverside Family Medicine" in intro and first.startswith("Q1/9:")
        checkin = rows(runtime, CheckIn)[-1]
        assert (checkin.started_at, checkin.source) == (sent_at, "schedule")
        assert enrollment_now(client, auth, patient)["next_due_at"] is None  # nothing more until this one ends
        if answered_after is None:
            reminder, _ = phone.deliveries(sent_at + timedelta(hours=24))
            assert "still have questions" in reminder
            due = sent_at + timedelta(days=14)  # unanswered: the next is due 14 days after this one was sent
        else:
            answer_every_item(runtime, checkin.id, sent_at + answered_after)
            due = sent_at + answered_after + timedelta(days=14)
        enrollment, = rows(runtime, Enrollment)
        assert enrollment.next_due_at == due
    statuses = [c.status for c in rows(runtime, CheckIn)]
    assert statuses == [CheckInStatus.COMPLETED] * 3 + [CheckInStatus.EXPIRED] + [CheckInStatus.COMPLETED] * 6
    assert rows(runtime, CheckIn)[-1].started_at > chicago(2026, 5, 6, 10, 0)  # four months on
    assert deferred == 2  # the answers at 06:00 and 08:00 made the next ones due before the clinic opens
    assert rows(runtime, Message, Message.status == MessageStatus.CANCELED) == []
    assert rows(runtime, Dispatch, Dispatch.status.not_in([DispatchStatus.DONE, DispatchStatus.PENDING])) == []


@pytest.mark.parametrize("due, opening", [
    (chicago(2026, 3, 8, 7, 30), datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),   # clocks spring forward
    (chicago(2026, 11, 1, 7, 30), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),  # clocks fall back
])
def test_a_checkin_due_at_0730_on_the_sunday_clocks_change_is_sent_at_0800_local(client, auth, factory, twilio,
                                                                                  runtime, due, opening):
    patient = factory.patient(timezone="America/Chicago")
    phone = Phone(client, twilio, runtime, patient.phone)
    enroll(client, auth, patient, start_at=due)
    assert phone.deliveries(due) == []
    assert phone.deliveries(opening - timedelta(seconds=1)) == []
    intro, _ = phone.deliveries(opening)
    checkin, = rows(runtime, CheckIn)
    assert checkin.started_at == opening and opening.astimezone(CHICAGO).time() == MORNING
    assert checkin.expires_at == opening + timedelta(hours=24)


def test_opting_out_pauses_the_enrollment_and_start_resumes_it(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    due = datetime.combine(utcnow().date() + timedelta(days=1), time(12, 0), CHICAGO).astimezone(UTC)
    enroll(client, auth, patient, instrument="phq2", interval_days=7, start_at=due)
    phone.text("STOP")
    assert phone.deliveries(due) == []
    paused = enrollment_now(client, auth, patient)
    assert (paused["status"], paused["paused_reason"]) == ("paused", "opted_out")
    assert paused["paused_at"].startswith(due.strftime("%Y-%m-%dT%H:%M"))
    assert phone.deliveries(due + timedelta(hours=1)) == []  # still opted out: looked at again, still paused
    assert enrollment_now(client, auth, patient)["paused_at"] == paused["paused_at"]
    assert rows(runtime, CheckIn) == []
    phone.text("START")
    intro, first = phone.deliveries(due + timedelta(hours=1, minutes=15))
    assert first.startswith("Q1/2:")
    resumed = enrollment_now(client, auth, patient)
    assert (resumed["status"], resumed["paused_reason"], resumed["paused_at"]) == ("active", None, None)
    checkin, = rows(runtime, CheckIn)
    assert checkin.status == CheckInStatus.IN_PROGRESS


def test_a_checkin_cancelled_by_an_opt_out_before_it_was_sent_is_planned_again_after_start(client, auth, factory,
                                                                                           twilio, runtime):
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    due = datetime.combine(utcnow().date() + timedelta(days=1), time(12, 0), CHICAGO).astimezone(UTC)
    enroll(client, auth, patient, instrument="gad2", interval_days=7, start_at=due)
    plan_due_enrollments(runtime, due)  # planned, not yet started
    phone.text("STOP")
    assert phone.deliveries(due) == []
    cancelled, = rows(runtime, CheckIn)
    assert cancelled.status == CheckInStatus.CANCELLED
    phone.deliveries(due + timedelta(seconds=5))
    assert enrollment_now(client, auth, patient)["paused_reason"] == "opted_out"
    phone.text("START")
    assert len(phone.deliveries(due + timedelta(minutes=30))) == 2
    assert [c.status for c in rows(runtime, CheckIn)] == [CheckInStatus.CANCELLED, CheckInStatus.IN_PROGRESS]


def test_an_unreachable_number_pauses_the_enrollment_until_a_new_number_is_given(client, auth, factory, twilio,
                                                                                 runtime):
    patient = factory.patient()
    with session_scope(runtime.sessions) as session:
        session.get(Patient, patient.id).sms_unreachable_at = utcnow()
    due = datetime.combine(utcnow().date() + timedelta(days=1), time(12, 0), CHICAGO).astimezone(UTC)
    enroll(client, auth, patient, start_at=due)
    Phone(client, twilio, runtime, patient.phone).deliveries(due)
    assert enrollment_now(client, auth, patient)["paused_reason"] == "unreachable"
    new_number = "+13125559876"
    assert client.patch(f"/api/v1/patients/{patient.id}", json={"phone": new_number},
                        headers=auth()).status_code == 200
    assert len(Phone(client, twilio, runtime, new_number).deliveries(due + timedelta(minutes=15))) == 2
    assert enrollment_now(client, auth, patient)["status"] == "active"


def test_ending_an_enrollment_cancels_the_checkin_not_yet_sent_and_plans_nothing_more(client, auth, factory,
                                                                                     twilio, runtime):
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    due = chicago(2026, 5, 4, 21, 0)  # quiet hours: the check-in waits for the morning
    created = enroll(client, auth, patient, start_at=due)
    assert phone.deliveries(due) == []
    client.post(f"/api/v1/patients/{patient.id}/enrollments/{created['id']}/end", headers=auth())
    assert phone.deliveries(chicago(2026, 5, 5, 8, 0)) == []
    assert phone.deliveries(chicago(2026, 6, 30, 12, 0)) == []
    checkin, = rows(runtime, CheckIn)
    assert checkin.status == CheckInStatus.CANCELLED


def test_the_planner_looks_only_at_what_is_due_a_batch_at_a_time(client, auth, factory, runtime, monkeypatch):
    monkeypatch.setattr(planner, "BATCH", 2)
    later = chicago(2026, 5, 4, 12, 0)
    for _ in range(5):
        enroll(client, auth, factory.patient(), start_at=later)
    enroll(client, auth, factory.patient(), start_at=later - timedelta(days=1))
    assert plan_due_enrollments(runtime, later - timedelta(hours=1)) == 1
    assert plan_due_enrollments(runtime, later - timedelta(hours=1)) == 0  # planned: out of the due set
    assert plan_due_enrollments(runtime, later) == 5
    assert len(rows(runtime, CheckIn)) == 6
    assert len(rows(runtime, Dispatch, Dispatch.kind == service.START)) == 6


def test_a_positive_phq2_answered_by_text_in_quiet_hours_steps_up_to_a_phq9_in_the_morning(client, auth, factory,
                                                                                          twilio, runtime):
    # Replies carry the real clock, so this patient's own quiet hours are set around the present moment.
    now = utcnow().astimezone(CHICAGO)
    start, end = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0), (
        now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    patient = factory.patient(quiet_hours={"start": start, "end": end})
    phone = Phone(client, twilio, runtime, patient.phone)
    sent_at = utcnow() - timedelta(hours=2)  # before quiet hours began
    enroll(client, auth, patient, instrument="phq2", interval_days=14, start_at=sent_at)
    intro, first = phone.deliveries(sent_at)
    assert first.startswith("Q1/2:")
    second, = phone.text("3")
    thanks, = phone.text("3")  # replies to the patient's own texts are answered at once, even now
    assert second.startswith("Q2/2:") and "Thank" in thanks
    assert phone.deliveries(utcnow()) == []  # the PHQ-9 waits for the end of quiet hours
    morning = next_allowed_time(utcnow(), CHICAGO, start, end)
    intro, first = phone.deliveries(morning)
    assert first.startswith("Q1/9:")
    phq2, phq9 = rows(runtime, CheckIn)
    assert (phq9.instrument, phq9.source, phq9.stepped_up_from_id, phq9.started_at) == ("phq9", "step_up",
                                                                                       phq2.id, morning)
    assert rows(runtime, Enrollment)[0].next_due_at == phq2.completed_at + timedelta(days=14)
