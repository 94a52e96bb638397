"""FHIR R4 for EHR integrations: every resource and Bundle answered is valid against the FHIR models."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from fhir.resources.R4B import get_fhir_model_class

from engage.audit.models import AuditEvent
from tests.factories import rows
from tests.test_caseload import phq9_totalling

FHIR_JSON = "application/fhir+json"
LOINC = "http://loinc.org"
PHQ9_ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
FREQUENCY = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


def valid(resource: dict) -> dict:
    """Validated by the FHIR models (R4B, whose resources used here are R4's), entries included, and
    without the empty arrays, objects and strings that FHIR's JSON format forbids (the models let
    them pass; an EHR's validator refuses them)."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert not empty_values(resource), empty_values(resource)
    for entry in resource.get("entry", []):
        valid(entry["resource"])
    return resource


def empty_values(value, path: str = "") -> list[str]:
    if value in ([], {}, ""):
        return [path]
    if isinstance(value, dict):
        return [found for key, inner in value.items() for found in empty_values(inner, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for n, inner in enumerate(value) for found in empty_values(inner, f"{path}[{n}]")]
    return []


def fhir(client, headers, path: str, status: int = 200, **query) -> dict:
    response = client.get(f"/api/v1/fhir/{path}", headers=headers, query_string=query)
    assert response.status_code == status, response.data
    assert response.mimetype == FHIR_JSON
    return valid(response.json)


def record(client, headers, patient, instrument: str, answers: list, when: datetime) -> int:
    response = client.post(f"/api/v1/patients/{patient.id}/outcomes", headers=headers, json={
        "instrument": instrument, "answers": answers, "completed_at": when.isoformat(), "source": "ehr"})
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture
def history(client, auth, factory):
    """A patient with three PHQ-9s (the last with the difficulty item) and a GAD-7, a week apart."""
    patient, headers = factory.patient(external_id="MRN-7"), auth()
    start = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    ids = [record(client, headers, patient, "phq9", phq9_totalling(total), start + timedelta(weeks=n))
           for n, total in enumerate((18, 12))]
    ids.append(record(client, headers, patient, "phq9", [0, 1, 0, 1, 0, 0, 0, 0, 0, 2], start + timedelta(weeks=2)))
    ids.append(record(client, headers, patient, "gad7", [2] * 7, start + timedelta(weeks=3)))
    return patient, ids


def test_a_patient_reads_as_a_fhir_patient(client, auth, factory):
    patient = factory.patient(language="es", external_id="MRN-1")
    resource = fhir(client, auth("integration"), f"Patient/{patient.id}")
    assert resource["id"] == str(patient.id) and resource["name"][0]["family"] == patient.last_name
    assert resource["telecom"][0]["value"] == patient.phone
    assert resource["communication"][0]["language"]["coding"][0]["code"] == "es"
    assert resource["identifier"] == [{"use": "usual", "value": "MRN-1"}]


def test_the_phq9_questionnaire_carries_its_loinc_codes(client, auth):
    resource = fhir(client, auth("integration"), "Questionnaire/phq9")
    assert resource["code"] == [{"system": LOINC, "code": "44249-1"}]
    items = resource["item"]
    assert [item["code"][0]["code"] for item in items[:9]] == PHQ9_ITEMS
    assert items[9]["code"][0]["code"] == "69722-7" and items[9]["required"] is False
    assert items[10]["code"][0]["code"] == "44261-6" and items[10]["readOnly"] is True
    assert [o["valueCoding"]["code"] for o in items[0]["answerOption"]] == FREQUENCY
    assert [o["extension"][0]["valueDecimal"] for o in items[8]["answerOption"]] == [0, 1, 2, 3]
    assert resource["url"] == "https://engage.test/api/v1/fhir/Questionnaire/phq9"  # ENGAGE_PUBLIC_URL


@pytest.mark.parametrize("instrument, panel, total", [
    ("gad7", "69737-5", "70274-6"), ("phq2", "55757-9", "55758-7"), ("gad2", None, None)])
def test_every_instrument_is_a_questionnaire(client, auth, instrument, panel, total):
    resource = fhir(client, auth(), f"Questionnaire/{instrument}")
    assert resource.get("code", [{}])[0].get("code") == panel
    assert resource["item"][-1].get("code", [{}])[0].get("code") == total


def test_observations_are_survey_totals_derived_from_their_responses(client, auth, history):
    patient, ids = history
    bundle = fhir(client, auth("integration"), "Observation", patient=str(patient.id))
    assert (bundle["type"], bundle["total"]) == ("searchset", 4)
    first = bundle["entry"][0]["resource"]
    assert first["category"][0]["coding"][0]["code"] == "survey"
    assert first["code"]["coding"] == [{"system": LOINC, "code": "44261-6"}]
    assert (first["valueInteger"], first["subject"]["reference"]) == (18, f"Patient/{patient.id}")
    assert first["effectiveDateTime"] == "2026-03-02T15:00:00+00:00"
    assert first["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{ids[0]}"}]
    assert bundle["entry"][0]["fullUrl"].endswith(f"/api/v1/fhir/Observation/{ids[0]}")
    assert [e["resource"]["code"]["coding"][0]["code"] for e in bundle["entry"]] == ["44261-6"] * 3 + ["70274-6"]


def test_a_response_answers_in_the_questionnaires_codes(client, auth, history):
    patient, ids = history
    bundle = fhir(client, auth("clinician"), "QuestionnaireResponse", patient=f"Patient/{patient.id}")
    response = bundle["entry"][2]["resource"]
    assert response["id"] == str(ids[2]) and response["status"] == "completed"
    assert response["questionnaire"].endswith("/Questionnaire/phq9")
    answers = {item["linkId"]: item["answer"][0] for item in response["item"]}
    assert answers["phq9_2"]["valueCoding"]["code"] == "LA6569-3"
    assert answers["phq9_difficulty"]["valueCoding"]["code"] == "LA6575-0"  # very difficult
    assert answers["total"] == {"valueInteger": 2}


def test_code_narrows_to_phq9_totals_and_date_to_a_range(client, auth, history):
    patient, _ids = history
    headers = auth("integration")
    phq9 = fhir(client, headers, "Observation", patient=str(patient.id), code=f"{LOINC}|44261-6")
    assert [e["resource"]["valueInteger"] for e in phq9["entry"]] == [18, 12, 2]
    assert fhir(client, headers, "Observation", patient=str(patient.id), code="70274-6")["total"] == 1
    assert fhir(client, headers, "Observation", patient=str(patient.id), code="http://snomed.info/sct|44261-6"
                )["total"] == 0
    ranged = client.get("/api/v1/fhir/Observation", headers=headers, query_string=[
        ("patient", str(patient.id)), ("date", "ge2026-03-09"), ("date", "le2026-03-16")])
    assert [e["resource"]["valueInteger"] for e in valid(ranged.json)["entry"]] == [12, 2]
    assert fhir(client, headers, "QuestionnaireResponse", patient=str(patient.id), code="44249-1",
                date="gt2026-03-09T15:00:00+00:00")["total"] == 1
    assert fhir(client, headers, "Observation", patient=str(patient.id), date="2026-03-23")["total"] == 1


def test_pages_link_to_the_next_and_previous(client, auth, history):
    patient, _ids = history
    headers = auth("consultant")
    first = fhir(client, headers, "Observation", patient=str(patient.id), _count="3")
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert set(links) == {"self", "next"} and len(first["entry"]) == 3 and first["total"] == 4
    following = urlsplit(links["next"])
    second = fhir(client, headers, "Observation", **{k: v[0] for k, v in parse_qs(following.query).items()})
    assert [e["resource"]["valueInteger"] for e in second["entry"]] == [14]
    assert {link["relation"] for link in second["link"]} == {"self", "previous"}
    assert parse_qs(urlsplit(second["link"][1]["url"]).query)["_offset"] == ["0"]


def test_each_entry_reads_at_its_full_url(client, auth, history):
    patient, ids = history
    headers = auth("integration")
    for resource_type in ("Observation", "QuestionnaireResponse"):
        bundle = fhir(client, headers, resource_type, patient=str(patient.id))
        for entry in bundle["entry"]:
            path = entry["fullUrl"].split("/api/v1/fhir/")[1]
            assert fhir(client, headers, path) == entry["resource"]


def test_a_partial_administration_is_a_stopped_response_and_no_observation(client, auth, factory):
    patient, headers = factory.patient(), auth()
    outcome_id = record(client, headers, patient, "phq9", [1, 1, None, None, None, None, None, None, None],
                        datetime(2026, 3, 2, tzinfo=timezone.utc))
    response = fhir(client, headers, f"QuestionnaireResponse/{outcome_id}")
    assert response["status"] == "stopped" and [i["linkId"] for i in response["item"]] == ["phq9_1", "phq9_2"]
    fhir(client, headers, f"Observation/{outcome_id}", status=404)


def test_an_administration_with_no_answer_yet_has_no_items(client, auth, factory):
    patient, headers = factory.patient(), auth()
    outcome_id = record(client, headers, patient, "phq9", [None] * 9, datetime(2026, 3, 2, tzinfo=timezone.utc))
    response = fhir(client, headers, f"QuestionnaireResponse/{outcome_id}")
    assert response["status"] == "stopped" and "item" not in response


def test_a_page_past_the_end_has_no_entries_and_leads_back(client, auth, history):
    patient, _ids = history
    bundle = fhir(client, auth(), "Observation", patient=str(patient.id), _offset="10", _count="3")
    assert bundle["total"] == 4 and "entry" not in bundle
    assert {link["relation"] for link in bundle["link"]} == {"self", "previous"}


@pytest.mark.parametrize("code, totals", [
    (f"{LOINC}|", [18, 12, 2, 14]), ("|44261-6", []), ("44261-6", [18, 12, 2]), ("", [])])
def test_a_code_token_reads_as_fhir_writes_it(client, auth, history, code, totals):
    """system| is any code in the system; |code is a code without a system, which none of ours is."""
    patient, _ids = history
    bundle = fhir(client, auth(), "Observation", patient=str(patient.id), code=code)
    assert [e["resource"]["valueInteger"] for e in bundle.get("entry", [])] == totals


def test_a_patient_without_outcomes_or_unknown_is_an_empty_bundle(client, auth, factory):
    patient = factory.patient()
    assert "entry" not in fhir(client, auth(), "Observation", patient=str(patient.id))
    assert fhir(client, auth(), "Observation", patient="999999")["total"] == 0


@pytest.mark.parametrize("path", ["Patient/999999", "Patient/0", "Patient/abc", "Questionnaire/bdi",
                                  "Encounter/1", "Observation/999999", "QuestionnaireResponse/999999"])
def test_unknown_ids_are_404_with_an_operation_outcome(client, auth, path):
    outcome = fhir(client, auth(), path, status=404)
    assert outcome["resourceType"] == "OperationOutcome" and outcome["issue"][0]["code"] == "not-found"


@pytest.mark.parametrize("query", [
    {}, {"patient": "abc"}, {"patient": "1", "date": "soon"}, {"patient": "1", "date": "ge2026-02-30"},
    {"patient": "1", "date": "2026-03-01T10:00"}, {"patient": "1", "date": "ge1850-01-01"},
    {"patient": "1", "_count": "0"}, {"patient": "1", "_count": "1000"}, {"patient": "1", "_offset": "-1"},
    {"patient": "1", "colour": "red"}])
def test_bad_search_parameters_are_400_with_an_operation_outcome(client, auth, query):
    outcome = fhir(client, auth(), "Observation", status=400, **query)
    assert outcome["issue"][0]["code"] == "invalid"


@pytest.mark.parametrize("method, path", [("post", "Observation"), ("delete", "Patient/1"), ("put", "Questionnaire/phq9")])
def test_a_method_fhir_does_not_offer_here_is_405_with_an_operation_outcome(client, auth, method, path):
    response = getattr(client, method)(f"/api/v1/fhir/{path}", headers=auth("integration"))
    assert response.status_code == 405 and response.mimetype == FHIR_JSON and "GET" in response.headers["Allow"]
    assert valid(response.json)["issue"][0]["code"] == "not-supported"


def test_a_method_not_allowed_elsewhere_keeps_the_apis_error_shape(client, auth):
    response = client.delete("/api/v1/caseload", headers=auth())
    assert (response.status_code, response.mimetype, response.json["error"]) == (
        405, "application/json", "method_not_allowed")


def test_no_token_is_an_operation_outcome_too(client):
    response = client.get("/api/v1/fhir/Questionnaire/phq9")
    assert response.status_code == 401 and response.mimetype == FHIR_JSON
    assert valid(response.json)["issue"][0]["code"] == "login"


def test_every_read_is_audited(client, auth, history, runtime):
    patient, _ids = history
    headers = auth("integration")
    fhir(client, headers, f"Patient/{patient.id}")
    fhir(client, headers, "Observation", patient=str(patient.id))
    fhir(client, headers, "QuestionnaireResponse", patient=str(patient.id))
    fhir(client, headers, "Questionnaire/gad7")
    audited = [(e.action, e.resource, e.patient_id) for e in rows(runtime, AuditEvent)
               if e.resource.startswith("fhir")]
    assert audited == [("read", "fhir_patient", patient.id), ("read", "fhir_observation", patient.id),
                       ("read", "fhir_questionnaire_response", patient.id), ("read", "fhir_questionnaire", None)]

