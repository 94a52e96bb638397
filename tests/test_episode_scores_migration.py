"""Episodes recorded before their first and latest scores were kept on them get both from the outcomes."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from engage import migrate
from engage.config import load_settings
from tests.databases import fresh_database, run_database_url

ROWS = """
INSERT INTO patients (id, first_name, last_name, phone, language, timezone, channel, sms_consent, voice_consent,
                      sms_soft_failures, no_video, active, created_at, updated_at)
VALUES (1, 'Alex', 'Rivera', '+13125550160', 'en', 'America/Chicago', 'sms', true, true, 0, false, true,
        '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO episodes (id, patient_id, instrument, opened_at, closed_at)
VALUES (1, 1, 'phq9', '2026-02-01 00:00:00', '2026-05-01 00:00:00'), (2, 1, 'phq9', '2026-06-01 00:00:00', NULL);
INSERT INTO outcomes (patient_id, instrument, answers, total, source, completed_at, recorded_at, safety_event,
                      positive_screen)
VALUES (1, 'phq9', '[]', 4, 'clinic', '2026-01-15 00:00:00', '2026-01-15 00:00:00', false, false),
       (1, 'phq9', '[]', 18, 'clinic', '2026-02-03 00:00:00', '2026-02-03 00:00:00', false, true),
       (1, 'phq9', '[]', 7, 'clinic', '2026-04-20 00:00:00', '2026-04-20 00:00:00', false, false),
       (1, 'phq2', '[]', 5, 'clinic', '2026-04-21 00:00:00', '2026-04-21 00:00:00', false, true),
       (1, 'phq9', '[]', 12, 'clinic', '2026-06-10 00:00:00', '2026-06-10 00:00:00', false, true),
       (1, 'phq9', '[]', NULL, 'sms', '2026-06-20 00:00:00', '2026-06-20 00:00:00', false, false),
       (1, 'phq9', '[]', 9, 'clinic', '2026-06-15 00:00:00', '2026-06-15 00:00:00', false, false);
"""


def test_the_upgrade_fills_each_episodes_first_and_latest_score(tmp_path_factory):
    url, drop = fresh_database(run_database_url(), tmp_path_factory)
    settings = load_settings({"ENGAGE_DATABASE_URL": url})
    migrate.upgrade(settings, "f4a7c9e1b2d3")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in ROWS.strip().split(";\n"):
                conn.execute(text(statement))
        migrate.upgrade(settings)
        with engine.connect() as conn:
            found = conn.execute(text("SELECT id, baseline, latest FROM episodes ORDER BY id")).all()
        assert [tuple(row) for row in found] == [(1, 18, 7), (2, 12, 9)]
    finally:
        engine.dispose()
        drop()
