"""The workspace in a real browser (Chromium, driven by Playwright) against the service on loopback.

Without a browser these skip on a developer's machine; CI sets ENGAGE_REQUIRE_BROWSER=1, and there a
missing browser fails instead."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from engage.checkins.outcomes import record_external
from engage.db import session_scope
from engage.enums import FlagOutcome, FlagPriority, FlagStatus
from engage.flags.models import Flag
from engage.patients.models import Patient
from tests.factories import rows
from tests.test_workspace_metrics import seed_two_languages, today
from tests.workspace_support import PASSWORD, flag, live_server, person

CHROMIUM = Path("/usr/bin/chromium")


def _browser_or_skip():
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright is not installed"
    if missing is None and not CHROMIUM.exists():
        missing = f"no browser at {CHROMIUM}"
    if missing:
        if os.environ.get("ENGAGE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but {missing}")
        pytest.skip(missing)
    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def base_url(app):
    with live_server(app) as url:
        yield url


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url)
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    context.close()


def _sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_signing_in_and_out(page, factory, runtime):
    manager = person(factory, runtime, "care_manager", name="Maria Lopez")
    _sign_in(page, manager.email)
    page.get_by_role("heading", name="Review queue").wait_for()
    assert "Maria Lopez" in page.inner_text("header")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.goto("/")
    assert page.url.endswith("/login")


def test_a_wrong_password_keeps_you_out(page, factory, runtime):
    manager = person(factory, runtime)
    _sign_in(page, manager.email, "not the password")
    assert page.get_by_role("alert").inner_text() == "The email or password is not right."
    assert page.url.endswith("/login")


def test_a_consultant_sees_the_queue_without_buttons(page, factory, runtime):
    consultant = person(factory, runtime, "consultant")
    flag(runtime, factory.patient(first_name="Dana").id, "Patient texted")
    _sign_in(page, consultant.email)
    page.get_by_text("Patient texted").wait_for()
    assert page.get_by_role("button", name="Acknowledge").count() == 0
    assert page.get_by_role("button", name="Resolve").count() == 0


def test_the_queue_shows_an_unknown_numbers_crisis_first_then_urgent_then_oldest(page, factory, runtime, client, twilio):
    from tests.phone import Phone

    manager = person(factory, runtime)
    flag(runtime, factory.patient(first_name="Old").id, "Oldest normal", age=timedelta(hours=5))
    flag(runtime, factory.patient(first_name="New").id, "Newer urgent", FlagPriority.URGENT, age=timedelta(minutes=1))
    flag(runtime, factory.patient(first_name="Mid").id, "Older urgent", FlagPriority.URGENT, age=timedelta(hours=1))
    Phone(client, twilio, runtime, "+13125554999").text("i want to kill myself")
    _sign_in(page, manager.email)
    page.get_by_text("Oldest normal").wait_for()
    reasons = page.locator("tr.flag td:nth-child(3)").all_inner_texts()
    # The stranger's crisis text is the newest, and still first: nobody can look that person up.
    assert reasons[1:3] == ["Older urgent", "Newer urgent"] and reasons[-1] == "Oldest normal"
    unknown = page.locator("tr.flag", has_text="Unknown number")
    assert "+13125554999" in unknown.inner_text() and "i want to kill myself" in unknown.inner_text()
    assert page.locator("tr.flag").nth(0).inner_text() == unknown.inner_text()
    assert "Overdue" in page.locator("tr.flag", has_text="Older urgent").locator("td.sla.overdue").inner_text()


def test_acknowledge_and_resolve_are_kept(page, factory, runtime):
    manager = person(factory, runtime)
    raised = flag(runtime, factory.patient().id, "Item 9 answered 1", FlagPriority.URGENT)
    _sign_in(page, manager.email)
    row = page.locator(f"tr[data-flag-id='{raised.id}']")
    row.get_by_role("button", name="Acknowledge").click()
    row.get_by_text("Acknowledged", exact=True).first.wait_for()
    assert rows(runtime, Flag)[0].status is FlagStatus.ACKNOWLEDGED
    row.get_by_text("Resolve…").click()
    row.get_by_label("Outcome").select_option("reached_patient")
    row.get_by_label("Note").fill("Reached by phone, safe at home")
    row.get_by_role("button", name="Resolve").click()
    page.get_by_text("Nothing waiting").wait_for()
    kept = rows(runtime, Flag)[0]
    assert (kept.status, kept.outcome, kept.events[-1].note) == (
        FlagStatus.RESOLVED, FlagOutcome.REACHED_PATIENT, "Reached by phone, safe at home")


def test_a_new_urgent_flag_appears_without_a_reload(page, factory, runtime):
    manager = person(factory, runtime)
    _sign_in(page, manager.email)
    page.get_by_text("Nothing waiting").wait_for()
    flag(runtime, factory.patient().id, "Crisis wording in a text", FlagPriority.URGENT)
    page.get_by_text("Crisis wording in a text").wait_for(timeout=15_000)


def test_the_patient_page_charts_each_score(page, factory, runtime):
    manager = person(factory, runtime)
    patient = factory.patient(first_name="Dana")
    start = datetime.now(timezone.utc) - timedelta(weeks=8)
    with session_scope(runtime.sessions) as session:
        stored = session.get(Patient, patient.id)
        for week, answers in enumerate(([2, 2, 2, 2, 2, 2, 2, 1, 0], [2, 1, 1, 2, 1, 1, 1, 1, 0],
                                        [1, 1, 0, 1, 1, 0, 1, 0, 0])):
            record_external(session, runtime.settings, stored, instrument="phq9", answers=answers,
                            completed_at=start + timedelta(weeks=3 * week), source="clinic",
                            now=datetime.now(timezone.utc))
    _sign_in(page, manager.email)
    page.goto(f"/patients/{patient.id}")
    chart = page.locator("svg[data-instrument='phq9']")
    assert chart.locator("circle.point").count() == 3
    assert chart.locator("line.baseline").count() == 1 and chart.locator("line.target").count() == 1
    assert "Baseline 15" in chart.inner_html() and "Target 7.5" in chart.inner_html()


def test_a_form_stripped_of_its_csrf_token_is_refused(page, factory, runtime):
    manager = person(factory, runtime)
    raised = flag(runtime, factory.patient().id, "Patient texted")
    _sign_in(page, manager.email)
    row = page.locator(f"tr[data-flag-id='{raised.id}']")
    row.locator("form").first.evaluate("form => form.querySelector('[name=csrf_token]').remove()")
    row.get_by_role("button", name="Acknowledge").click()
    page.get_by_role("heading", name="The form has expired").wait_for()
    assert rows(runtime, Flag)[0].status is FlagStatus.OPEN


def test_the_metrics_page_splits_the_measures_by_language_with_a_chart(page, factory, runtime):
    manager = person(factory, runtime)
    seed_two_languages(runtime, factory, manager)
    _sign_in(page, manager.email)
    page.get_by_role("link", name="Metrics").click()
    page.get_by_label("From").fill((today(runtime) - timedelta(days=7)).isoformat())
    page.get_by_label("Split by").select_option(label="Language")
    page.get_by_role("button", name="Show measures").click()
    page.get_by_role("heading", name="By language").wait_for()
    chart = page.get_by_role("img", name="Check-in completion by language")
    assert chart.locator("rect.bar").count() == 2
    assert "English: 66.7 % (2 of 3); Spanish: 50 % (1 of 2)." in chart.locator("desc").text_content()
    spanish = page.locator("tr[data-measure='checkin_completion'][data-group='Spanish']")
    assert spanish.locator("td").all_inner_texts() == ["1", "2", "50 %"]
