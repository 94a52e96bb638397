"""Screenshots of the workspace for the README: docs/screenshots/{queue,patient,caseload,metrics}.png.

Seeds the demo clinic in a database of its own, gives it some history (scores over ten weeks, a crisis
text, a patient's question), serves it on loopback, signs in as the demo care manager in Chromium and
saves each page.

    .venv/bin/python tools/screenshots.py
"""
from __future__ import annotations

import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from engage import create_app, migrate
from engage.checkins.outcomes import record_external
from engage.config import load_settings
from engage.db import session_scope, utcnow
from engage.demo import seed
from engage.enums import FlagKind, FlagPriority
from engage.flags.service import raise_flag
from engage.patients.models import Patient
from engage.registry.models import Episode
from engage.runtime import build_runtime

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# PHQ-9 answers every two weeks: Alex improves, Lucía does not.
HISTORY = {
    "Alex": [[2, 2, 2, 2, 2, 2, 2, 2, 0], [2, 2, 1, 2, 1, 2, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1, 0, 0],
             [1, 1, 0, 1, 0, 1, 0, 0, 0], [0, 1, 0, 1, 0, 0, 0, 0, 0]],
    "Lucía": [[2, 2, 2, 2, 1, 2, 2, 1, 0], [2, 2, 2, 2, 2, 1, 2, 1, 0], [2, 2, 1, 2, 2, 2, 2, 1, 0],
              [2, 2, 2, 1, 2, 2, 1, 1, 0], [2, 2, 2, 2, 1, 2, 2, 1, 1]],
}


def _history(runtime) -> None:
    now = utcnow()
    with session_scope(runtime.sessions) as session:
        for first_name, scores in HISTORY.items():
            patient = session.scalar(select(Patient).where(Patient.first_name == first_name))
            episode = session.scalar(select(Episode).where(Episode.patient_id == patient.id))
            start = now - timedelta(weeks=2 * len(scores))
            episode.opened_at = start - timedelta(days=1)
            for n, answers in enumerate(scores):
                record_external(session, runtime.settings, patient, instrument="phq9", answers=answers,
                                completed_at=start + timedelta(weeks=2 * n), source="clinic", now=now)
        sam = session.scalar(select(Patient).where(Patient.first_name == "Sam"))
        raise_flag(session, runtime.settings, kind=FlagKind.PATIENT_MESSAGE, patient_id=sam.id,
                   reason="Text that is not an answer: for a person to read")


def _serve(app) -> tuple[str, callable]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings({"ENGAGE_DATABASE_URL": f"sqlite:///{folder}/screenshots.db"})
        migrate.upgrade(settings)
        runtime = build_runtime(settings)
        email, password = next(line for line in seed(runtime) if line.startswith("workspace sign-in")) \
            .rsplit(": ", 1)[1].split(" / ")
        _history(runtime)
        url, stop = _serve(create_app(runtime=runtime))
        try:
            _shoot(url, email, password)
        finally:
            stop()
            runtime.close()
    print(f"saved queue.png, patient.png, caseload.png and metrics.png in {OUT.relative_to(ROOT)}")
    return 0


def _shoot(url: str, email: str, password: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(base_url=url, viewport={"width": 1280, "height": 900})
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Review queue").wait_for()
        page.screenshot(path=OUT / "queue.png", full_page=True)
        lucia = page.locator("tr.flag a", has_text="Lucía").first
        lucia.click()
        page.locator("svg circle.point").first.wait_for()
        page.screenshot(path=OUT / "patient.png", full_page=True)
        page.goto("/caseload")
        page.screenshot(path=OUT / "caseload.png", full_page=True)
        page.goto("/metrics?by=language")
        page.get_by_role("heading", name="By language").wait_for()
        page.screenshot(path=OUT / "metrics.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
