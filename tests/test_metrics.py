"""Program measures over a period: each a numerator over a denominator, for the clinic and per group."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, insert, update

from engage.audit.models import AuditEvent
from engage.checkins.models import CheckIn
from engage.db import session_scope
from engage.enums import CheckInStatus, FlagKind, FlagPriority, MessageStatus
from engage.flags.models import Flag, FlagEvent
from engage.outbox.models import Message
from engage.outreach.campaigns import ensure_default_campaigns
from engage.outreach.models import CampaignRun
from tests.factories import rows
from tests.phone import Phone
from tests.test_caseload import _seed, in_treatment, scored

NOW = datetime.now(timezone.utc)
TODAY = NOW.date()


def metrics(client, headers, first: date, last: date = TODAY, **query) -> dict:
    response = client.get("/api/v1/metrics", headers=headers,
                          query_string={"from": first.isoformat(), "to": last.isoformat(), **query})
    assert response.status_code == 200, response.json
    return response.json


def figures(measure: dict) -> tuple:
    return measure["numerator"], measure["denominator"], measure["value"]


def add(runtime, model, *values: dict) -> None:
    with session_scope(runtime.sessions) as session:
        session.execute(insert(model), list(values))


def checkin(patient, status: CheckInStatus, started_at: datetime | None) -> dict:
    return {"patient_id": patient.id, "instrument": "phq9", "channel": "sms", "status": status,
            "scheduled_for": started_at or NOW, "started_at": started_at}


def test_checkin_completion_counts_checkins_sent_in_the_period(client, auth, factory, runtime):
    patient = factory.patient()
    inside, before = NOW - timedelta(days=3), NOW - timedelta(days=40)
    add(runtime, CheckIn, checkin(patient, CheckInStatus.COMPLETED, inside),
        checkin(patient, CheckInStatus.COMPLETED, inside), checkin(patient, CheckInStatus.EXPIRED, inside),
        checkin(patient, CheckInStatus.STOPPED, inside), checkin(patient, CheckInStatus.COMPLETED, before),
        checkin(patient, CheckInStatus.CANCELLED, None))
    measures = metrics(client, auth(), TODAY - timedelta(days=30))["measures"]
    assert figures(measures["checkin_completion"]) == (2, 4, 0.5)


def test_positive_screens_count_a_care_managers_action_within_seven_days(client, auth, factory, runtime):
    headers = auth()
    acted, late, untouched, negative = (factory.patient() for _ in range(4))
    item9 = [0] * 8 + [1]
    for patient, answers in ((acted, item9), (late, item9)):
        client.post(f"/api/v1/patients/{patient.id}/outcomes", headers=headers, json={
            "instrument": "phq9", "answers": answers, "completed_at": NOW.isoformat(), "source": "clinic"})
    scored(client, headers, untouched, 12, NOW)  # moderate: positive, but nobody acted
    scored(client, headers, untouched, 13, NOW, instrument="gad7")
    scored(client, headers, negative, 6, NOW)
    client.post(f"/api/v1/patients/{negative.id}/outcomes", headers=headers, json={
        "instrument": "phq2", "answers": [3, 3], "completed_at": NOW.isoformat(), "source": "clinic"})
    flags = {f["patient_id"]: f["id"] for f in client.get("/api/v1/flags", headers=headers).json["data"]}
    for patient in (acted, late):
        assert client.post(f"/api/v1/flags/{flags[patient.id]}/acknowledge", headers=headers).status_code == 200
    with session_scope(runtime.sessions) as session:
        session.execute(update(FlagEvent).where(FlagEvent.flag_id == flags[late.id],
                                                FlagEvent.action == "acknowledged")
                        .values(occurred_at=NOW + timedelta(days=8)))
    measures = metrics(client, headers, TODAY - timedelta(days=1))["measures"]
    assert figures(measures["positive_screen_action_within_7_days"]) == (1, 4, 0.25)


def urgent_flag(patient, raised: datetime, minutes: float | None) -> dict:
    return {"patient_id": patient.id, "kind": FlagKind.SUICIDE_RISK, "priority": FlagPriority.URGENT,
            "reason": "self-harm question above 0", "created_at": raised,
            "acknowledged_at": None if minutes is None else raised + timedelta(minutes=minutes)}


def test_median_minutes_from_urgent_flag_to_acknowledgment(client, auth, factory, runtime):
    english, spanish = factory.patient(), factory.patient(language="es")
    raised = NOW - timedelta(days=2)
    add(runtime, Flag, urgent_flag(english, raised, 4), urgent_flag(english, raised, 30),
        urgent_flag(english, raised, 10), urgent_flag(english, raised, None),
        urgent_flag(spanish, raised, 6), urgent_flag(spanish, raised, 9),
        urgent_flag(spanish, raised - timedelta(days=60), 1),
        {**urgent_flag(spanish, raised, 1), "priority": FlagPriority.HIGH})
    answer = metrics(client, auth(), TODAY - timedelta(days=7), by="language")
    assert figures(answer["measures"]["urgent_flag_ack_median_minutes"]) == (5, 6, 9.0)
    by_language = {g["group"]: figures(g["measures"]["urgent_flag_ack_median_minutes"]) for g in answer["groups"]}
    assert by_language == {"en": (3, 4, 10.0), "es": (2, 2, 7.5)}


def test_response_and_remission_at_30_60_and_90_days(client, auth, factory, runtime):
    headers = auth()
    improving, steady, mild = factory.patient(), factory.patient(), factory.patient()
    for patient in (improving, steady, mild):
        in_treatment(client, headers, runtime, patient, weeks_ago=16)
    baseline_at = NOW - timedelta(days=110)
    scored(client, headers, improving, 20, baseline_at)
    scored(client, headers, improving, 9, baseline_at + timedelta(days=28))  # response at 30 days
    scored(client, headers, improving, 4, baseline_at + timedelta(days=62))  # remission at 60 days
    scored(client, headers, steady, 18, baseline_at)
    scored(client, headers, steady, 16, baseline_at + timedelta(days=31))
    scored(client, headers, steady, 4, baseline_at + timedelta(days=50))  # between the windows: not at 60
    scored(client, headers, steady, 12, baseline_at + timedelta(days=70))
    scored(client, headers, mild, 8, baseline_at)  # starts below 10: not in these measures
    scored(client, headers, mild, 2, baseline_at + timedelta(days=30))
    measures = metrics(client, headers, TODAY - timedelta(days=100))["measures"]
    assert figures(measures["response_30_days"]) == (1, 2, 0.5)
    assert figures(measures["remission_30_days"]) == (0, 2, 0.0)
    assert figures(measures["response_60_days"]) == (1, 2, 0.5)
    assert figures(measures["remission_60_days"]) == (1, 2, 0.5)
    assert figures(measures["response_90_days"]) == (0, 2, 0.0)  # no score near day 90 counts as none
    later = metrics(client, headers, TODAY - timedelta(days=40))["measures"]
    assert figures(later["response_30_days"])[1] == 0 and figures(later["response_90_days"])[1] == 2


def test_patients_not_improving_by_the_target_week(client, auth, factory, runtime):
    headers = auth()
    stuck, better, unscored, recent = (factory.patient() for _ in range(4))
    for patient in (stuck, better, unscored):
        opened_at = in_treatment(client, headers, runtime, patient, weeks_ago=11)
    in_treatment(client, headers, runtime, recent, weeks_ago=3)
    scored(client, headers, stuck, 20, opened_at + timedelta(days=1))
    scored(client, headers, stuck, 15, opened_at + timedelta(weeks=9))
    scored(client, headers, stuck, 6, opened_at + timedelta(weeks=10, days=3))  # after the target week
    scored(client, headers, better, 20, opened_at + timedelta(days=1))
    scored(client, headers, better, 9, opened_at + timedelta(weeks=9))
    measures = metrics(client, headers, TODAY - timedelta(days=30))["measures"]
    assert figures(measures["not_improving_by_target_week"]) == (1, 3, 0.3333)
    runtime.settings = runtime.settings.with_overrides(target_week=4)
    assert figures(metrics(client, headers, TODAY - timedelta(days=30))["measures"]
                   ["not_improving_by_target_week"]) == (0, 0, None)


def test_no_show_outreach_reached_responded_and_rescheduled(client, auth, factory, runtime):
    patient = factory.patient()
    with session_scope(runtime.sessions) as session:
        campaign_id = ensure_default_campaigns(session).id
    started = NOW - timedelta(days=5)
    run = {"campaign_id": campaign_id, "patient_id": patient.id, "started_at": started}
    add(runtime, CampaignRun, {**run, "reached_at": started, "replied_at": started, "rescheduled_at": started},
        {**run, "reached_at": started, "replied_at": started}, {**run, "reached_at": started}, run,
        {**run, "started_at": NOW - timedelta(days=90), "reached_at": started})
    measures = metrics(client, auth(), TODAY - timedelta(days=30))["measures"]
    assert figures(measures["no_show_outreach_reached"]) == (3, 4, 0.75)
    assert figures(measures["no_show_outreach_responded"]) == (2, 4, 0.5)
    assert figures(measures["no_show_outreach_rescheduled"]) == (1, 4, 0.25)


def test_opt_outs_among_patients_texted_and_delivery_failures(client, auth, factory, twilio, runtime):
    headers = auth()
    patients = [factory.patient(), factory.patient(), factory.patient(language="es")]
    for patient in patients:
        client.post(f"/api/v1/patients/{patient.id}/checkins", headers=headers, json={"instrument": "phq9"})
    phones = [Phone(client, twilio, runtime, p.phone) for p in patients]
    phones[0].deliveries()
    phones[2].text("STOP")
    sent = [m.id for m in rows(runtime, Message, Message.direction == "outbound")]
    with session_scope(runtime.sessions) as session:  # as the carrier's status callbacks would have it
        session.execute(update(Message).where(Message.id.in_(sent[1:])).values(status=MessageStatus.DELIVERED))
        session.execute(update(Message).where(Message.id == sent[0]).values(status=MessageStatus.UNDELIVERED))
    answer = metrics(client, headers, TODAY - timedelta(days=1), TODAY + timedelta(days=1), by="language")
    assert figures(answer["measures"]["opt_out"]) == (1, 3, 0.3333)
    assert {g["group"]: figures(g["measures"]["opt_out"]) for g in answer["groups"]} == {
        "en": (0, 2, 0.0), "es": (1, 1, 1.0)}
    left = len(sent)
    assert figures(answer["measures"]["delivery_failure"]) == (1, left, round(1 / left, 4))


def test_grouped_by_care_manager(client, auth, factory, runtime):
    mine, theirs = factory.staff("care_manager"), factory.staff("care_manager")
    started = NOW - timedelta(days=1)
    add(runtime, CheckIn, checkin(factory.patient(care_manager_id=mine.id), CheckInStatus.COMPLETED, started),
        checkin(factory.patient(care_manager_id=theirs.id), CheckInStatus.EXPIRED, started),
        checkin(factory.patient(), CheckInStatus.COMPLETED, started))
    answer = metrics(client, auth(), TODAY - timedelta(days=7), by="care_manager")
    assert [(g["group"], figures(g["measures"]["checkin_completion"])) for g in answer["groups"]] == [
        (mine.id, (1, 1, 1.0)), (theirs.id, (0, 1, 0.0)), (None, (1, 1, 1.0))]
    assert figures(answer["measures"]["checkin_completion"]) == (2, 3, 0.6667)


def test_every_measure_is_answered_and_described(client, auth, app):
    answer = metrics(client, auth(), TODAY - timedelta(days=7))
    described = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Measures"]["properties"]
    assert set(answer["measures"]) == set(described) and len(described) == 15
    assert answer["groups"] == [] and answer["by"] is None
    assert (answer["from"], answer["to"]) == ((TODAY - timedelta(days=7)).isoformat(), TODAY.isoformat())


@pytest.mark.parametrize("query, field", [
    ({"from": "2026-13-01", "to": "2026-12-31"}, "from"),
    ({"from": "2026-01-01", "to": "yesterday"}, "to"),
    ({"from": "2026-01-01"}, "to"),
    ({"from": "2026-03-01", "to": "2026-02-28"}, "to"),
    ({"from": "0001-01-01", "to": "2026-02-28"}, "from"),
    ({"from": "2026-01-01", "to": "9999-12-31"}, "to"),
    ({"from": "2026-01-01", "to": "2026-03-31", "by": "zip"}, "by"),
])
def test_bad_periods_are_refused_naming_the_field(client, auth, query, field):
    response = client.get("/api/v1/metrics", headers=auth(), query_string=query)
    assert response.status_code == 422 and field in response.json["fields"]


@pytest.mark.parametrize("role, status", [("admin", 200), ("care_manager", 200), ("consultant", 200),
                                          ("clinician", 200), ("integration", 403)])
def test_who_may_read_the_measures_and_every_read_is_audited(client, auth, runtime, role, status):
    response = client.get("/api/v1/metrics", headers=auth(role), query_string={"from": "2026-01-01",
                                                                                "to": "2026-03-31"})
    assert response.status_code == status
    audited = rows(runtime, AuditEvent, AuditEvent.resource == "metrics")
    assert [(e.action, e.patient_id) for e in audited] == ([("read", None)] if status == 200 else [])


def test_the_measures_take_the_same_statements_for_two_patients_or_a_thousand(client, auth, runtime):
    headers = auth()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    def statements_for_a_quarter(by=None) -> int:
        statements.clear()
        event.listen(runtime.engine, "before_cursor_execute", count)
        try:
            metrics(client, headers, TODAY - timedelta(days=90), **({"by": by} if by else {}))
        finally:
            event.remove(runtime.engine, "before_cursor_execute", count)
        return len(statements)

    _seed(runtime, 1, 2, outcomes_each=1)
    few, few_grouped = statements_for_a_quarter(), statements_for_a_quarter("care_manager")
    _seed(runtime, 3, 998, outcomes_each=20)
    assert statements_for_a_quarter() == few and statements_for_a_quarter("care_manager") == few_grouped
