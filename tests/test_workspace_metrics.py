"""The workspace's /metrics page through Flask's test client: the measures for a chosen period, split by
language or care manager, a period that cannot be read, and the access log."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from engage.audit.models import AuditEvent
from engage.checkins.models import CheckIn
from engage.enums import CheckInStatus
from engage.flags.models import Flag
from engage.metrics.measures import MEDIAN, GroupBy, Period, program_measures
from engage.workspace.bars import WIDTH, bar_chart
from tests.factories import rows
from tests.test_metrics import add, checkin, urgent_flag
from tests.workspace_support import person, sign_in


@pytest.fixture
def manager(factory, runtime):
    return person(factory, runtime, "care_manager", name="Maria Lopez")


@pytest.fixture
def signed_in(client, manager):
    assert sign_in(client, manager.email).status_code == 303
    return client


def today(runtime):
    return datetime.now(runtime.settings.zone).date()


def seed_two_languages(runtime, factory, manager) -> None:
    """An English-speaking patient of Maria's who completes 2 of 3 check-ins and a Spanish-speaking one
    with no care manager who completes 1 of 2; urgent flags acknowledged after 4, 10 and 12 minutes, and
    one of the Spanish speaker's not yet."""
    english = factory.patient(language="en", care_manager_id=manager.id)
    spanish = factory.patient(language="es", first_name="Lucía")
    sent = datetime.now(runtime.settings.zone) - timedelta(days=2)
    done, expired = CheckInStatus.COMPLETED, CheckInStatus.EXPIRED
    add(runtime, CheckIn, checkin(english, done, sent), checkin(english, done, sent), checkin(english, expired, sent),
        checkin(spanish, done, sent), checkin(spanish, expired, sent))
    add(runtime, Flag, urgent_flag(english, sent, 4), urgent_flag(english, sent, 10),
        urgent_flag(spanish, sent, 12), urgent_flag(spanish, sent, None))


def cells(html: str, measure: str, group: str | None = None) -> list[str]:
    """A measure's numerator, denominator and value as the page shows them, for the clinic or one group."""
    marker = f'data-measure="{measure}"' + (f' data-group="{group}"' if group else ">")
    row = re.search(re.escape(marker) + r"(.*?)</tr>", html, re.S)
    assert row, f"no row for {measure} {group or ''}"
    return re.findall(r"<td>(.*?)</td>", row.group(1))


def last_week(client, runtime, by: str) -> str:
    return client.get("/metrics", query_string={"from": (today(runtime) - timedelta(days=7)).isoformat(),
                                                "to": today(runtime).isoformat(), "by": by}).text


def test_the_page_opens_on_the_last_90_days_of_the_clinics_calendar(signed_in, runtime):
    response = signed_in.get("/metrics")
    assert response.status_code == 200
    last = today(runtime)
    assert f'id="from" name="from" value="{(last - timedelta(days=89)).isoformat()}"' in response.text
    assert f'id="to" name="to" value="{last.isoformat()}"' in response.text
    assert '<option value="" selected>None</option>' in response.text
    assert "By language" not in response.text and "<svg" not in response.text


def test_split_by_language_shows_what_program_measures_counts(signed_in, runtime, factory, manager):
    seed_two_languages(runtime, factory, manager)
    first, last = today(runtime) - timedelta(days=7), today(runtime)
    html = signed_in.get("/metrics", query_string={"from": first.isoformat(), "to": last.isoformat(),
                                                    "by": "language"}).text
    assert cells(html, "checkin_completion") == ["3", "5", "60 %"]
    assert cells(html, "checkin_completion", "English") == ["2", "3", "66.7 %"]
    assert cells(html, "checkin_completion", "Spanish") == ["1", "2", "50 %"]
    assert cells(html, "urgent_flag_ack_median_minutes") == ["3", "4", "10 min"]
    assert cells(html, "urgent_flag_ack_median_minutes", "English") == ["2", "2", "7 min"]
    assert cells(html, "urgent_flag_ack_median_minutes", "Spanish") == ["1", "2", "12 min"]
    assert cells(html, "opt_out") == ["0", "0", "—"]
    with runtime.sessions() as session:
        counted = program_measures(session, runtime.settings, Period.of_days(first, last, runtime.settings),
                                   GroupBy.LANGUAGE)
    for name, measure in counted["measures"].items():
        assert cells(html, name)[:2] == [str(measure.numerator), str(measure.denominator)]
    for group, name in zip(counted["groups"], ("English", "Spanish")):
        for key, measure in group["measures"].items():
            assert cells(html, key, name)[:2] == [str(measure.numerator), str(measure.denominator)]


def test_each_measure_has_a_chart_whose_text_says_what_its_bars_show(signed_in, runtime, factory, manager):
    seed_two_languages(runtime, factory, manager)
    html = last_week(signed_in, runtime, "language")
    assert html.count('role="img"') == 15
    completion = re.search(r'<svg[^>]*data-measure="checkin_completion".*?</svg>', html, re.S).group(0)
    assert "<title id=\"bars-checkin_completion-title\">Check-in completion by language</title>" in completion
    assert "English: 66.7 % (2 of 3); Spanish: 50 % (1 of 2)." in completion
    assert len(re.findall(r'<rect class="bar" ', completion)) == 2
    opt_outs = re.search(r'<svg[^>]*data-measure="opt_out".*?</svg>', html, re.S).group(0)
    assert "English: no value (0 of 0)" in opt_outs and '<rect class="bar" ' not in opt_outs


def test_split_by_care_manager_names_them(signed_in, runtime, factory, manager):
    seed_two_languages(runtime, factory, manager)
    html = last_week(signed_in, runtime, "care_manager")
    assert cells(html, "checkin_completion", "Maria Lopez") == ["2", "3", "66.7 %"]
    assert cells(html, "checkin_completion", "No care manager") == ["1", "2", "50 %"]


@pytest.mark.parametrize("query, field, reason", [
    ({"from": "2026-13-01", "to": "2026-12-31"}, "from", "Not a valid date."),
    ({"from": "", "to": "2026-12-31"}, "from", "Not a valid date."),
    ({"from": "2026-03-01", "to": "2026-02-28"}, "to", "Must not be before from."),
    ({"from": "2026-01-01", "to": "9999-12-31"}, "to", "Must be between 1900 and 2200."),
    ({"from": "2026-01-01", "to": "2026-03-31", "by": "zip"}, "by", "Must be one of"),
    ({"from": "2026-01-01\x00", "to": "2026-03-31"}, "from", "Must not contain NUL characters."),
])
def test_a_period_that_cannot_be_read_shows_the_form_again_with_the_reason(signed_in, query, field, reason):
    response = signed_in.get("/metrics", query_string=query)
    assert response.status_code == 422
    assert 'role="alert"' in response.text and f'<a href="#{field}">' in response.text
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', response.text).group(1)
    assert error.startswith(reason)
    assert f'aria-describedby="{field}-error"' in response.text
    assert "Whole clinic" not in response.text and "<table" not in response.text


@pytest.mark.parametrize("role", ["consultant", "clinician", "admin"])
def test_everyone_who_reads_the_measures_sees_the_page(client, factory, runtime, role):
    reader = person(factory, runtime, role)
    sign_in(client, reader.email)
    response = client.get("/metrics", query_string={"from": "2026-01-01", "to": "2026-03-31"})
    assert response.status_code == 200 and 'data-measure="delivery_failure"' in response.text


def test_every_view_of_the_page_is_in_the_access_log(signed_in, manager, runtime):
    signed_in.get("/metrics", query_string={"from": "2026-01-01", "to": "2026-03-31", "by": "language"})
    signed_in.get("/metrics", query_string={"from": "2026-04-01", "to": "2026-03-31"})
    logged = rows(runtime, AuditEvent, AuditEvent.resource == "metrics")
    assert [(e.actor_id, e.action, e.patient_id) for e in logged] == [(manager.id, "view", None)] * 2
    assert logged[0].detail == {"from": "2026-01-01", "to": "2026-03-31", "by": "language"}


def test_bars_of_a_rate_run_to_100_percent_and_of_a_median_to_the_longest():
    rate = bar_chart("opt_out", "Opt-outs by language", [("English", 0.5), ("Spanish", None)], top=1.0)
    median = bar_chart(MEDIAN, "Median by language", [("English", 7.0), ("Spanish", 14.0)])
    full = WIDTH - 8
    assert [bar.length for bar in rate.bars] == [full / 2, None]
    assert [bar.length for bar in median.bars] == [full / 2, full]
    assert rate.description == "English; Spanish."
