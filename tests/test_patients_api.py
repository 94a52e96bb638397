"""The registry's patient resource, as an EHR integration would use it."""
from __future__ import annotations

from sqlalchemy import select

from engage.audit.models import AuditEvent


def _create(client, headers, **fields):
    body = {"first_name": "Lucía", "last_name": "Hernández", "phone": "(312) 555-0142", "language": "es",
            "timezone": "America/Chicago", "consent": {"sms": True}}
    body.update(fields)
    return client.post("/api/v1/patients", json=body, headers=headers)


def test_create_normalises_a_local_phone_to_e164(client, auth):
    response = _create(client, auth("integration"))
    assert response.status_code == 201, response.json
    assert response.json["phone"] == "+13125550142"
    assert response.json["language"] == "es"
    assert response.json["consent"] == {"sms": True, "voice": False}
    assert response.headers["Location"].endswith(f"/api/v1/patients/{response.json['id']}")


def test_create_accepts_an_international_phone(client, auth):
    response = _create(client, auth("integration"), phone="+52 55 1234 5678")
    assert response.status_code == 201, response.json
    assert response.json["phone"] == "+525512345678"


def test_invalid_phone_is_422_naming_the_field(client, auth):
    response = _create(client, auth(), phone="12")
    assert response.status_code == 422
    assert response.json["error"] == "validation_failed"
    assert "phone" in response.json["fields"]


def test_unknown_language_and_time_zone_are_422_naming_each_field(client, auth):
    response = _create(client, auth(), language="xx", timezone="Mars/Olympus_Mons")
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"language", "timezone"}


def test_missing_required_fields_are_named(client, auth):
    response = client.post("/api/v1/patients", json={"phone": "+13125550142"}, headers=auth())
    assert response.status_code == 422
    assert {"first_name", "last_name"} <= set(response.json["fields"])


def test_non_json_body_is_400(client, auth):
    response = client.post("/api/v1/patients", data="not json", headers=auth(), content_type="text/plain")
    assert response.status_code == 400


def test_duplicate_phone_is_409_naming_the_field(client, auth):
    headers = auth()
    assert _create(client, headers).status_code == 201
    response = _create(client, headers, phone="312.555.0142")
    assert response.status_code == 409
    assert "phone" in response.json["fields"]


def test_read_and_update_round_trip(client, auth):
    headers = auth()
    patient_id = _create(client, headers).json["id"]
    response = client.patch(f"/api/v1/patients/{patient_id}", headers=headers,
                            json={"language": "en", "quiet_hours": {"start": "21:00", "end": "09:00"},
                                  "consent": {"voice": True}})
    assert response.status_code == 200, response.json
    read = client.get(f"/api/v1/patients/{patient_id}", headers=headers).json
    assert read["language"] == "en"
    assert read["first_name"] == "Lucía"
    assert read["quiet_hours"] == {"start": "21:00", "end": "09:00"}
    assert read["consent"] == {"sms": True, "voice": True}


def test_update_with_an_invalid_field_changes_nothing(client, auth):
    headers = auth()
    patient_id = _create(client, headers).json["id"]
    response = client.patch(f"/api/v1/patients/{patient_id}", headers=headers,
                            json={"language": "en", "timezone": "Nowhere/Else"})
    assert response.status_code == 422
    assert client.get(f"/api/v1/patients/{patient_id}", headers=headers).json["language"] == "es"


def test_unknown_patient_is_404(client, auth):
    response = client.get("/api/v1/patients/999999", headers=auth())
    assert response.status_code == 404
    assert response.json["error"] == "not_found"


def test_list_pages_with_a_cursor_until_the_end(client, auth, factory):
    ids = [factory.patient().id for _ in range(5)]
    headers = auth()
    seen, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/patients", query_string=query, headers=headers).json
        seen += [row["id"] for row in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids


def test_list_filters_by_phone_in_any_format(client, auth, factory):
    factory.patient(phone="+13125550177")
    factory.patient()
    page = client.get("/api/v1/patients", query_string={"phone": "(312) 555-0177"}, headers=auth()).json
    assert [row["phone"] for row in page["data"]] == ["+13125550177"]


def test_bad_cursor_and_limit_are_422(client, auth):
    response = client.get("/api/v1/patients", query_string={"cursor": "!!", "limit": 0}, headers=auth())
    assert response.status_code == 422
    assert "limit" in response.json["fields"]
    response = client.get("/api/v1/patients", query_string={"cursor": "bm9wZQ"}, headers=auth())
    assert response.status_code == 422
    assert "cursor" in response.json["fields"]


def test_missing_or_bad_token_is_401(client):
    assert client.get("/api/v1/patients").status_code == 401
    response = client.get("/api/v1/patients", headers={"Authorization": "Bearer eng_not-a-real-token"})
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"


def test_role_without_the_right_is_403(client, auth):
    response = _create(client, auth("consultant"))
    assert response.status_code == 403
    assert response.json["error"] == "forbidden"


def test_every_read_and_change_is_audited_with_who_and_which_patient(client, auth, factory, session):
    headers = auth("care_manager")
    patient_id = _create(client, headers).json["id"]
    client.get(f"/api/v1/patients/{patient_id}", headers=headers)
    client.patch(f"/api/v1/patients/{patient_id}", json={"no_video": True}, headers=headers)
    client.get("/api/v1/patients", headers=headers)
    events = session.scalars(select(AuditEvent).where(AuditEvent.patient_id == patient_id)
                             .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["create", "read", "update", "list"]
    assert all(e.actor.startswith("care_manager") and e.occurred_at is not None for e in events)


def test_openapi_is_generated_from_the_schemas(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    patient = document["components"]["schemas"]["Patient"]
    assert {"phone", "language", "timezone", "channel"} <= set(patient["properties"])
    assert "post" in document["paths"]["/api/v1/patients"]
    assert "/api/v1/patients/{patient_id}" in document["paths"]


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_an_empty_external_id_is_422_not_a_second_patient_without_one(client, auth):
    headers = auth()
    assert _create(client, headers, external_id="").status_code == 422
    response = _create(client, headers, phone="(312) 555-0143", external_id="")
    assert response.status_code == 422 and set(response.json["fields"]) == {"external_id"}
    assert _create(client, headers, phone="(312) 555-0144", external_id=None).status_code == 201
    assert _create(client, headers, phone="(312) 555-0145", external_id=None).status_code == 201


def test_a_care_manager_must_be_an_active_care_manager(client, auth, factory):
    headers = auth()
    consultant, manager = factory.staff("consultant"), factory.staff("care_manager")
    for staff_id in (consultant.id, factory.staff("admin").id, 424242):
        response = _create(client, headers, care_manager_id=staff_id)
        assert response.status_code == 422, staff_id
        assert "care_manager" in response.json["fields"]["care_manager_id"][0]
    created = _create(client, headers, care_manager_id=manager.id)
    assert created.status_code == 201 and created.json["care_manager_id"] == manager.id
    response = client.patch(f"/api/v1/patients/{created.json['id']}", json={"care_manager_id": consultant.id},
                            headers=headers)
    assert response.status_code == 422
    assert client.get(f"/api/v1/patients/{created.json['id']}", headers=headers).json["care_manager_id"] == manager.id


def test_a_name_with_a_tab_or_line_break_is_422_naming_the_field(client, auth):
    for field, value in (("first_name", "\t=1+1"), ("last_name", "Rivera\r\n=HYPERLINK(\"x\")"),
                         ("first_name", "Ana\u2028Lopez")):
        response = _create(client, auth(), **{field: value})
        assert response.status_code == 422, (field, value)
        assert list(response.json["fields"]) == [field]
    created = _create(client, auth(), first_name="Ana")
    assert created.status_code == 201
    changed = client.patch(f"/api/v1/patients/{created.json['id']}", json={"last_name": "Lopez\x0b"},
                           headers=auth())
    assert changed.status_code == 422 and list(changed.json["fields"]) == ["last_name"]
    assert client.get(f"/api/v1/patients/{created.json['id']}", headers=auth()).json["last_name"] == "Hernández"
