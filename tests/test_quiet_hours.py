"""Quiet-hour arithmetic: properties over many zones and times, and hand-checked clock changes."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from sqlalchemy import select

from engage.checkins.models import CheckIn
from engage.config import Settings
from engage.db import session_scope
from engage.enums import DispatchStatus, MessageStatus
from engage.outbox.models import Dispatch, Message
from engage.outbox.queue import outbound, queue_for_delivery
from engage.outbox.quiet_hours import QuietHours, _offset_change, for_patient, is_quiet, next_allowed_time
from engage.scheduling.tick import tick
from tests.phone import Phone

UTC = timezone.utc
CHICAGO = ZoneInfo("America/Chicago")
EVENING, MORNING = time(20, 0), time(8, 0)

instants = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2045, 12, 31),
                        timezones=st.just(UTC))
wall_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
zones = st.timezone_keys(allow_prefix=False)


def _clock_changes(zone: str, year: int) -> list[tuple[str, datetime]]:
    """The hours in which the zone's clocks change in a year, found by looking hour by hour."""
    hours = [datetime(year, 1, 1, tzinfo=UTC) + timedelta(hours=n) for n in range(24 * 366)]
    offsets = [hour.astimezone(ZoneInfo(zone)).utcoffset() for hour in hours]
    return [(zone, hours[n]) for n in range(1, len(hours)) if offsets[n] != offsets[n - 1]]


# Random instants rarely land on a day clocks change, so these cases are drawn around such changes:
# whole hours (Chicago, London), half hours (Lord Howe), at midnight (Santiago, Havana), south of
# the equator (Sydney), and a zone that moved its standard time (Pacific/Apia, 2011).
CLOCK_CHANGES = [change for zone, year in [("America/Chicago", 2026), ("Europe/London", 2026),
                                           ("Australia/Lord_Howe", 2026), ("America/Santiago", 2026),
                                           ("America/Havana", 2026), ("Australia/Sydney", 2026),
                                           ("Pacific/Apia", 2011)]
                 for change in _clock_changes(zone, year)]
near_clock_changes = st.sampled_from(CLOCK_CHANGES).flatmap(lambda change: st.tuples(
    st.just(change[0]), st.integers(-30 * 3600, 30 * 3600).map(lambda s: change[1] + timedelta(seconds=s))))


def _is_first_allowed_instant(when: datetime, zone: str, start: time, end: time) -> None:
    allowed = next_allowed_time(when, zone, start, end)
    assert allowed.tzinfo is UTC
    assert allowed >= when
    assert not is_quiet(allowed, zone, start, end)
    if not is_quiet(when, zone, start, end):
        assert allowed == when
        return
    assert is_quiet(allowed - timedelta(microseconds=1), zone, start, end)
    step = timedelta(minutes=7)
    moment = when
    while moment < allowed:
        assert is_quiet(moment, zone, start, end), f"{moment} is allowed but {allowed} was chosen"
        moment += step


@hypothesis_settings(max_examples=300, deadline=None)
@given(when=instants, zone=zones, start=wall_times, end=wall_times)
def test_the_next_allowed_time_is_the_first_allowed_instant_at_or_after_the_due_time(when, zone, start, end):
    _is_first_allowed_instant(when, zone, start, end)


@hypothesis_settings(max_examples=300, deadline=None)
@given(case=near_clock_changes, start=wall_times, end=wall_times)
def test_the_next_allowed_time_is_the_first_allowed_instant_around_clock_changes(case, start, end):
    zone, when = case
    _is_first_allowed_instant(when, zone, start, end)


@given(when=instants, zone=zones, start=wall_times)
def test_a_window_that_starts_where_it_ends_is_never_quiet(when, zone, start):
    assert not is_quiet(when, zone, start, start)
    assert next_allowed_time(when, zone, start, start) == when


@given(when=instants, zone=zones, start=wall_times, end=wall_times)
def test_allowed_and_quiet_follow_the_local_clock(when, zone, start, end):
    clock = when.astimezone(ZoneInfo(zone)).time()
    inside = start <= clock < end if start <= end else (clock >= start or clock < end)
    assert is_quiet(when, zone, start, end) == inside


def local(*fields, fold=0, zone=CHICAGO):
    return datetime(*fields, tzinfo=zone, fold=fold)


@pytest.mark.parametrize("due, opening", [
    # Spring forward (2026-03-08): the 08:00 opening is 08:00 CDT, 13:00 UTC.
    (local(2026, 3, 8, 7, 30), local(2026, 3, 8, 8, 0)),
    (local(2026, 3, 7, 23, 0), local(2026, 3, 8, 8, 0)),
    (local(2026, 3, 8, 1, 59), local(2026, 3, 8, 8, 0)),
    # Fall back (2026-11-01): 08:00 CST, 14:00 UTC, from either reading of the repeated 01:30.
    (local(2026, 11, 1, 7, 30), local(2026, 11, 1, 8, 0)),
    (local(2026, 11, 1, 1, 30, fold=0), local(2026, 11, 1, 8, 0)),
    (local(2026, 11, 1, 1, 30, fold=1), local(2026, 11, 1, 8, 0)),
    (local(2026, 10, 31, 20, 0), local(2026, 11, 1, 8, 0)),
])
def test_the_clinic_opening_on_days_clocks_change_is_eight_local(due, opening):
    allowed = next_allowed_time(due, "America/Chicago", EVENING, MORNING)
    assert allowed == opening
    assert allowed.astimezone(CHICAGO).time() == MORNING


def test_hand_checked_utc_of_the_openings_on_the_days_clocks_change():
    assert next_allowed_time(local(2026, 3, 8, 7, 30), CHICAGO, EVENING, MORNING) == datetime(2026, 3, 8, 13, 0,
                                                                                              tzinfo=UTC)
    assert next_allowed_time(local(2026, 11, 1, 7, 30), CHICAGO, EVENING, MORNING) == datetime(2026, 11, 1, 14, 0,
                                                                                               tzinfo=UTC)


def test_a_window_ending_in_the_skipped_hour_opens_when_the_clock_jumps_past_it():
    # 02:30 never appears on 2026-03-08 in Chicago: the clock goes 01:59:59 CST -> 03:00 CDT (08:00 UTC).
    assert next_allowed_time(local(2026, 3, 8, 1, 0), CHICAGO, EVENING, time(2, 30)) == local(2026, 3, 8, 3, 0)


def test_a_window_ending_in_the_repeated_hour_opens_each_time_the_clock_reads_the_end():
    # 01:00-01:59 happens twice on 2026-11-01; the first 01:30 (CDT) opens the window, and after the
    # clock falls back to 01:00 CST it is quiet again until the second 01:30. (Python never finds a
    # repeated wall time equal to an instant in another zone, so these compare in UTC.)
    end = time(1, 30)
    first, second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC), datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    assert local(2026, 11, 1, 1, 30, fold=0).astimezone(UTC) == first
    assert local(2026, 11, 1, 1, 30, fold=1).astimezone(UTC) == second
    assert next_allowed_time(local(2026, 11, 1, 0, 45), CHICAGO, EVENING, end) == first
    assert next_allowed_time(local(2026, 11, 1, 1, 10, fold=1), CHICAGO, EVENING, end) == second


def test_a_half_hour_clock_change_is_followed_too():
    # Lord Howe Island moves from +10:30 to +11:00 at 02:00 on 2026-10-04; 02:15 is skipped.
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    allowed = next_allowed_time(local(2026, 10, 4, 1, 0, zone=lord_howe), lord_howe, time(22, 0), time(2, 15))
    assert allowed == datetime(2026, 10, 3, 15, 30, tzinfo=UTC)
    assert allowed.astimezone(lord_howe).time() == time(2, 30)


def test_a_window_ending_a_second_into_the_skipped_hour_opens_the_moment_the_clock_jumps():
    # 01:59:59 CST is 07:59:59 UTC; at 08:00:00 UTC the clock reads 03:00 CDT, past the 02:00:01 end.
    assert next_allowed_time(local(2026, 3, 8, 1, 59, 59), CHICAGO, EVENING, time(2, 0, 1)) == datetime(
        2026, 3, 8, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("zone, change", [
    ("America/Chicago", datetime(2026, 3, 8, 8, 0, tzinfo=UTC)),
    ("America/Chicago", datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 10, 3, 15, 30, tzinfo=UTC)),
])
@pytest.mark.parametrize("before, after", [(1, 1), (1, 2), (2, 1), (3, 3), (3599, 1), (1, 5400), (40_000, 40_001)])
def test_the_instant_clocks_change_is_found_to_the_second_whatever_the_bounds(zone, change, before, after):
    found = _offset_change(change - timedelta(seconds=before), change + timedelta(seconds=after), ZoneInfo(zone))
    assert found == change


@pytest.mark.parametrize("due, expected", [
    (local(2026, 5, 4, 12, 0), local(2026, 5, 4, 12, 0)),
    (local(2026, 5, 4, 13, 0), local(2026, 5, 4, 14, 0)),
    (local(2026, 5, 4, 13, 59), local(2026, 5, 4, 14, 0)),
    (local(2026, 5, 4, 14, 0), local(2026, 5, 4, 14, 0)),
])
def test_a_window_within_one_day(due, expected):
    assert next_allowed_time(due, CHICAGO, time(13, 0), time(14, 0)) == expected


def test_a_window_crossing_midnight_covers_both_sides():
    assert is_quiet(local(2026, 5, 4, 20, 0), CHICAGO, EVENING, MORNING)
    assert is_quiet(local(2026, 5, 4, 7, 59), CHICAGO, EVENING, MORNING)
    assert not is_quiet(local(2026, 5, 4, 8, 0), CHICAGO, EVENING, MORNING)
    assert not is_quiet(local(2026, 5, 4, 19, 59), CHICAGO, EVENING, MORNING)


def test_the_same_instant_is_quiet_for_one_patient_and_not_for_another_by_their_zones():
    instant = datetime(2026, 5, 4, 13, 30, tzinfo=UTC)  # 08:30 in Chicago, 06:30 in Los Angeles
    assert not is_quiet(instant, "America/Chicago", EVENING, MORNING)
    assert next_allowed_time(instant, "America/Los_Angeles", EVENING, MORNING) == datetime(2026, 5, 4, 15, 0,
                                                                                           tzinfo=UTC)


def test_a_patient_window_overrides_the_clinic_window_only_when_both_ends_are_set():
    clinic = Settings(quiet_start=EVENING, quiet_end=MORNING, timezone="America/Chicago")
    own = SimpleNamespace(timezone="America/Denver", quiet_start=time(21, 30), quiet_end=time(9, 0))
    half = SimpleNamespace(timezone="America/Denver", quiet_start=time(21, 30), quiet_end=None)
    assert for_patient(own, clinic) == QuietHours("America/Denver", time(21, 30), time(9, 0))
    assert for_patient(half, clinic) == QuietHours("America/Denver", EVENING, MORNING)


# Applied centrally: check-in starts and reminders are re-planned, and the delivery guard holds any other
# patient text due in quiet hours; nothing is dropped.

@pytest.fixture
def settings(settings):
    """The clinic's real quiet hours, 20:00-08:00, which the rest of the suite switches off."""
    return settings.with_overrides(quiet_start=EVENING, quiet_end=MORNING)


def chicago(*fields) -> datetime:
    return local(*fields).astimezone(UTC)


def start_checkin_at(client, auth, patient, at: datetime) -> None:
    response = client.post(f"/api/v1/patients/{patient.id}/checkins",
                           json={"instrument": "phq9", "at": at.isoformat()}, headers=auth())
    assert response.status_code == 201, response.json


def checkin_row(runtime) -> CheckIn:
    with runtime.sessions() as session:
        return session.scalars(select(CheckIn)).one()


def test_a_checkin_due_in_quiet_hours_starts_at_eight_and_its_reminder_and_expiry_count_from_then(
        client, auth, factory, twilio, runtime):
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    start_checkin_at(client, auth, patient, chicago(2026, 5, 4, 21, 15))
    assert phone.deliveries(chicago(2026, 5, 4, 21, 15)) == []
    assert phone.deliveries(chicago(2026, 5, 5, 7, 59)) == []
    intro, first = phone.deliveries(chicago(2026, 5, 5, 8, 0))
    checkin = checkin_row(runtime)
    assert (checkin.started_at, checkin.expires_at) == (chicago(2026, 5, 5, 8, 0), chicago(2026, 5, 6, 8, 0))
    assert phone.deliveries(chicago(2026, 5, 5, 11, 59)) == []
    reminder, _ = phone.deliveries(chicago(2026, 5, 5, 12, 0))
    assert "still have questions" in reminder


def test_a_reminder_due_in_quiet_hours_waits_for_the_morning(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    start_checkin_at(client, auth, patient, chicago(2026, 5, 4, 18, 30))
    assert len(phone.deliveries(chicago(2026, 5, 4, 18, 30))) == 2
    assert phone.deliveries(chicago(2026, 5, 4, 22, 30)) == []  # four hours on, but 22:30 is quiet
    assert phone.deliveries(chicago(2026, 5, 5, 7, 59)) == []
    reminder, item = phone.deliveries(chicago(2026, 5, 5, 8, 0))
    assert "still have questions" in reminder and item.startswith("Q1/9:")
    assert checkin_row(runtime).reminded_at == chicago(2026, 5, 5, 8, 0)


def test_a_patients_own_quiet_hours_and_zone_are_used(client, auth, factory, twilio, runtime):
    patient = factory.patient(timezone="America/Los_Angeles", quiet_hours={"start": time(21, 0), "end": time(9, 30)})
    phone = Phone(client, twilio, runtime, patient.phone)
    pacific = ZoneInfo("America/Los_Angeles")
    at = datetime(2026, 5, 4, 8, 0, tzinfo=pacific)  # 10:00 at the clinic in Chicago, but quiet for this patient
    start_checkin_at(client, auth, patient, at)
    assert phone.deliveries(at) == []
    assert len(phone.deliveries(datetime(2026, 5, 4, 9, 30, tzinfo=pacific))) == 2


def queue(runtime, patient_id: int | None, to: str, kind: str, at: datetime) -> int:
    with session_scope(runtime.sessions) as session:
        message = outbound(to=to, sender="+13125550100", body=f"a {kind} text", kind=kind, patient_id=patient_id)
        return queue_for_delivery(session, [message], at, patient_id).payload["message_ids"][0]


def handed_over(runtime, message_id: int) -> bool:
    """The provider took the message (it may still be queued on its side)."""
    with runtime.sessions() as session:
        return session.get(Message, message_id).provider_sid is not None


def test_the_delivery_guard_holds_a_patient_text_until_quiet_hours_end(factory, twilio, runtime):
    patient = factory.patient()
    late = chicago(2026, 5, 4, 23, 0)
    message_id = queue(runtime, patient.id, patient.phone, "appointment_reminder", late)
    tick(runtime, late)
    assert twilio.sms_to(patient.phone) == [] and not handed_over(runtime, message_id)
    with runtime.sessions() as session:
        held = session.scalars(select(Dispatch)).one()
        assert (held.status, held.due_at) == (DispatchStatus.PENDING, chicago(2026, 5, 5, 8, 0))
    tick(runtime, chicago(2026, 5, 5, 7, 59))
    assert twilio.sms_to(patient.phone) == []
    tick(runtime, chicago(2026, 5, 5, 8, 0))
    assert [m.body for m in twilio.sms_to(patient.phone)] == ["a appointment_reminder text"]
    assert handed_over(runtime, message_id)


def test_crisis_resources_and_staff_notices_are_not_held(factory, twilio, runtime):
    patient = factory.patient()
    late = chicago(2026, 5, 4, 23, 0)
    crisis = queue(runtime, patient.id, patient.phone, "crisis_resources", late)
    notice = queue(runtime, None, "+13125550199", "staff_notice", late)
    tick(runtime, late)
    assert handed_over(runtime, crisis) and handed_over(runtime, notice)


def test_an_opt_out_during_quiet_hours_still_cancels_a_held_text(factory, twilio, runtime):
    patient = factory.patient(consent={"sms": False})
    late = chicago(2026, 5, 4, 23, 0)
    message_id = queue(runtime, patient.id, patient.phone, "appointment_reminder", late)
    tick(runtime, late)
    with runtime.sessions() as session:
        assert session.get(Message, message_id).status is MessageStatus.CANCELED
