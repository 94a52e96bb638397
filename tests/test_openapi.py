"""The OpenAPI document says what the API does: every path parameter, every null, every value, every error."""
from __future__ import annotations

import pytest

ERROR = {"$ref": "#/components/schemas/Error"}
OPERATION_OUTCOME = {"$ref": "#/components/schemas/OperationOutcome"}
FHIR_JSON = "application/fhir+json"


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", path, operation


def test_every_path_parameter_is_declared_as_an_id(document):
    for name, path, operation in _operations(document):
        declared = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "path"}
        named = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        assert set(declared) == named, name
        for parameter in declared.values():
            assert parameter["required"] is True
            if parameter["name"] == "instrument":  # FHIR's Questionnaire/<instrument>
                assert parameter["schema"] == {"type": "string", "enum": ["phq9", "gad7", "phq2", "gad2"]}
                continue
            assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, name


def test_working_a_flag_declares_its_flag_id(document):
    for action in ("acknowledge", "assign", "resolve"):
        parameters = document["paths"][f"/api/v1/flags/{{flag_id}}/{action}"]["post"]["parameters"]
        assert [(p["in"], p["name"]) for p in parameters] == [("path", "flag_id")]


def test_every_operation_declares_its_errors_with_the_error_shape(document):
    for name, path, operation in _operations(document):
        responses = operation["responses"]
        assert "401" in responses, name
        if "{" in path:
            assert "404" in responses, name
        fhir = path.startswith("/api/v1/fhir/")
        if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert ("400" if fhir else "422") in responses, name
        for status, response in responses.items():
            if int(status) >= 400 and fhir:
                assert response["content"][FHIR_JSON]["schema"] == OPERATION_OUTCOME, (name, status)
            elif int(status) >= 400:
                assert response["content"]["application/json"]["schema"] == ERROR, (name, status)
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message"} and "fields" in error["properties"]


def test_a_role_that_may_not_act_is_a_declared_403_and_reading_never_is(document):
    assert "403" in document["paths"]["/api/v1/patients"]["post"]["responses"]
    assert "403" in document["paths"]["/api/v1/flags/{flag_id}/resolve"]["post"]["responses"]
    assert "403" not in document["paths"]["/api/v1/patients"]["get"]["responses"]


def test_conflicts_are_declared_where_they_happen(document):
    paths = document["paths"]
    for path, method in [("/api/v1/patients", "post"), ("/api/v1/patients/{patient_id}", "patch"),
                         ("/api/v1/appointments", "post"), ("/api/v1/flags/{flag_id}/resolve", "post")]:
        assert "409" in paths[path][method]["responses"], (method, path)


def test_checkin_times_not_yet_reached_are_nullable(document):
    properties = document["components"]["schemas"]["CheckIn"]["properties"]
    for name in ("started_at", "completed_at", "expires_at"):
        assert properties[name].get("nullable") is True, name


def test_outcome_sources_list_every_value_the_registry_returns(document):
    schemas = document["components"]["schemas"]
    assert set(schemas["Outcome"]["properties"]["source"]["enum"]) == {"clinic", "ehr", "paper", "portal", "sms",
                                                                       "voice"}
    assert set(schemas["RecordOutcome"]["properties"]["source"]["enum"]) == {"clinic", "ehr", "paper", "portal"}


def test_a_patient_update_requires_no_field(document):
    body = document["paths"]["/api/v1/patients/{patient_id}"]["patch"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PatientChanges"}
    assert "required" not in document["components"]["schemas"]["PatientChanges"]


def test_query_parameters_come_from_the_query_schemas_and_are_never_null(document):
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/flags"]["get"]["parameters"]}
    assert parameters["status"] == {"enum": ["open", "acknowledged", "resolved"]}
    assert parameters["limit"] == {"type": "integer", "default": 100, "minimum": 1, "maximum": 500}
