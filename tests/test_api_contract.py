"""The registry API against its own OpenAPI document: generated requests, valid and invalid, never
get a server error, and every answer has a status and a body the document declares."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import available_timezones

import pytest
import schemathesis
from hypothesis import HealthCheck, settings, strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from engage.db import session_scope
from engage.enums import FlagKind
from engage.flags.service import raise_flag
from tests.test_fhir import FHIR_JSON, valid


def fhir_answers_are_valid_fhir(_ctx, response, case) -> None:
    """The document can only call a FHIR answer an object: the FHIR models judge what is in it."""
    if "/fhir/" not in case.path or case.method.upper() in ("HEAD", "OPTIONS"):  # HTTP's own: no body
        return
    assert response.headers.get("content-type", [""])[0].split(";")[0] == FHIR_JSON
    valid(response.json())


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance,
          fhir_answers_are_valid_fhir]
# Valid values for the document's own formats, so generated requests get past validation into the database.
schemathesis.openapi.format("phone", st.from_regex(r"\(312\) 555-0[0-9]{3}", fullmatch=True))
schemathesis.openapi.format("iana-time-zone", st.sampled_from(sorted(available_timezones())))


def _seeded_ids(values):
    """Every id pointing at the first row of its table, which the registry fixture filled."""
    if not isinstance(values, dict):
        return values
    return {name: 1 if name.endswith("_id") and str(value).isdigit() else value for name, value in values.items()}


def _seeded_query(values):
    """As _seeded_ids, and a FHIR search names the seeded patient."""
    values = _seeded_ids(values)
    if isinstance(values, dict) and "patient" in values:
        return {**values, "patient": "1"}
    return values


@pytest.fixture
def registry(app, client, factory, runtime):
    """A clinic with a little of everything at low ids, where generated ids often land: a patient with a
    care manager, a visit ahead and one missed (so a no-show campaign runs), an enrollment, an outcome
    and a flag."""
    manager = factory.staff("care_manager")
    headers = {"Authorization": f"Bearer {factory.token('admin')}"}
    patient = factory.patient(care_manager_id=manager.id, external_id="MRN-1")
    now = datetime.now(timezone.utc)

    def post(url, **body):
        response = client.post(url, headers=headers, json=body)
        assert response.status_code < 300, response.json
        return response.json

    post("/api/v1/appointments", patient_id=patient.id, starts_at=(now + timedelta(days=2)).isoformat(),
         modality="phone", external_id="A-1")
    missed = post("/api/v1/appointments", patient_id=patient.id, starts_at=(now - timedelta(hours=2)).isoformat(),
                  modality="in_person")
    post(f"/api/v1/appointments/{missed['id']}/no-show")
    post(f"/api/v1/patients/{patient.id}/enrollments", instrument="phq9", interval_days=14)
    post(f"/api/v1/patients/{patient.id}/outcomes", instrument="phq2", answers=[1, 0], source="clinic",
         completed_at=now.isoformat())
    with session_scope(runtime.sessions) as session:
        raise_flag(session, runtime.settings, kind=FlagKind.PATIENT_MESSAGE, patient_id=patient.id,
                   reason="asked for a call")
    return headers


@pytest.fixture
def api_schema(app, registry):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    # Random ids almost never name a row: half the generated requests name the seeded ones instead.
    @loaded.hook
    def before_generate_path_parameters(_context, strategy):
        return st.one_of(strategy, strategy.map(_seeded_ids))

    @loaded.hook
    def before_generate_query(_context, strategy):
        return st.one_of(strategy, strategy.map(_seeded_query))

    @loaded.hook
    def before_generate_body(_context, strategy):
        return st.one_of(strategy, strategy.map(_seeded_ids))

    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_request_gets_a_server_error_and_every_answer_is_declared(case, registry):
    case.call_and_validate(headers=registry, checks=CHECKS)
