"""The demo clinic a newcomer sees: its caseload has a patient in every treat-to-target status."""
from __future__ import annotations

from engage.demo import seed


def test_the_demo_caseload_shows_every_status(client, auth, runtime):
    list(seed(runtime))
    rows = client.get("/api/v1/caseload", headers=auth("consultant"), query_string={"limit": 100}).json["data"]
    statuses = {row["first_name"]: row["status"] for row in rows}
    assert statuses == {"Jordan": "remission", "Maya": "response", "Carlos": "not_improving",
                        "Priya": "partial_response", "Dana": "no_recent_score", "Terry": "in_treatment",
                        "Alex": "no_recent_score", "Lucía": "no_recent_score"}
    assert [row["first_name"] for row in rows][:2] == ["Carlos", "Dana"]  # who needs a look first


def test_seeding_twice_records_no_score_twice(client, auth, runtime):
    list(seed(runtime))
    list(seed(runtime))
    rows = client.get("/api/v1/caseload", headers=auth(), query_string={"limit": 100}).json["data"]
    assert len(rows) == 8
    jordan, = (row for row in rows if row["first_name"] == "Jordan")
    outcomes = client.get(f"/api/v1/patients/{jordan['patient_id']}/outcomes", headers=auth()).json["data"]
    assert [o["total"] for o in outcomes] == [17, 9, 4]


def test_the_sign_in_and_the_visit_page_it_prints_are_where_the_service_is_served(runtime):
    public = runtime.settings.public_url
    shown = list(seed(runtime))
    sign_in, = (line for line in shown if line.startswith("workspace sign-in at "))
    assert sign_in.startswith(f"workspace sign-in at {public}/login: maria.lopez@demo.clinic / ")
    assert any(f"visit page (join, or 'call me instead'): {public}/visit/" in line for line in shown)
