"""/api/v1/fhir: FHIR R4 reads and searches (application/fhir+json) for EHR integrations.

Errors here answer as OperationOutcome resources, whatever raised them (the token check included).
"""
from __future__ import annotations

from dataclasses import dataclass
import logging
from urllib.parse import urlencode

from flask import Blueprint, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from engage.api.edge import Audit, answer_http_errors_with, endpoint
from engage.auth.permissions import Permission
from engage.db import log_failure
from engage.errors import DomainError, NotFound
from engage.fhir import resources
from engage.fhir.search import find_outcome, find_outcomes, parse_search
from engage.instruments import INSTRUMENTS, get_instrument
from engage.patients.models import Patient
from engage.patients.service import get_patient
from engage.web import db, runtime

log = logging.getLogger(__name__)
bp = Blueprint("fhir", __name__, url_prefix="/fhir")
FHIR_JSON = "application/fhir+json"
SEARCH_PARAMETERS = """
        - {in: query, name: patient, required: true, schema: {type: string},
           description: 'A patient id, or Patient/<id>'}
        - {in: query, name: code, schema: {type: string}, description: 'A LOINC token: code, http://loinc.org|code, or http://loinc.org| for any'}
        - {in: query, name: date, schema: {type: array, items: {type: string}}, explode: true,
           description: 'Repeatable; [eq|ge|gt|le|lt] then YYYY-MM-DD (a UTC day) or an instant with its offset'}
        - {in: query, name: _count, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
        - {in: query, name: _offset, schema: {type: integer, minimum: 0, default: 0},
           description: 'Where the page starts; the next and previous links carry it'}"""
_ISSUE = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported", 409: "conflict",
          422: "invalid", 500: "exception"}


@dataclass(frozen=True)
class Found:
    """A resource and whose data it shows, for the access log."""

    resource: dict
    patient_id: int | None
    id: str | None = None


class AsIs:
    """The answer is already FHIR JSON."""

    def dump(self, found: Found, many: bool = False) -> dict:
        return found.resource


def _fhir(audit_resource: str):
    return endpoint(Permission.READ_PATIENTS, answer=AsIs(), media_type=FHIR_JSON,
                    audit=Audit("read", audit_resource, patients=lambda found: [found.patient_id]))


def _url(path: str) -> str:
    """Absolute, at the address the clinic publishes (behind a proxy the request's own is internal)."""
    base = runtime().settings.public_url or request.url_root.rstrip("/")
    return f"{base}/api/v1/fhir/{path}"


@bp.get("/Patient/<int:patient_id>")
@_fhir("fhir_patient")
def read_patient(patient_id: int) -> Found:
    """The patient as a FHIR Patient.
    ---
    get:
      tags: [fhir]
      responses:
        200: {description: A Patient resource, content: {application/fhir+json: {schema: {type: object}}}}
    """
    patient = get_patient(db(), patient_id)
    return Found(resources.patient_resource(patient), patient.id, str(patient.id))


@bp.get("/Questionnaire/<instrument>")
@_fhir("fhir_questionnaire")
def read_questionnaire(instrument: str) -> Found:
    """An instrument (phq9, gad7, phq2, gad2) as a Questionnaire: items and answer options LOINC coded.
    ---
    get:
      tags: [fhir]
      parameters: [{in: path, name: instrument, required: true, schema: {type: string, enum: [phq9, gad7, phq2, gad2]}}]
      responses:
        200: {description: A Questionnaire resource, content: {application/fhir+json: {schema: {type: object}}}}
    """
    if instrument not in INSTRUMENTS:
        raise NotFound(f"no questionnaire {instrument!r}")
    return Found(resources.questionnaire(get_instrument(instrument), _url(f"Questionnaire/{instrument}")), None,
                 instrument)


@bp.get("/QuestionnaireResponse")
@_fhir("fhir_questionnaire_response")
def search_questionnaire_responses() -> Found:
    """The patient's administrations as a searchset Bundle, oldest first; `code` is the panel's LOINC code.
    ---
    get:
      tags: [fhir]
      parameters: {search}
      responses:
        200: {description: A searchset Bundle, content: {application/fhir+json: {schema: {type: object}}}}
        400: {description: An unsupported search parameter or a bad value}
    """
    return _search("QuestionnaireResponse", lambda name: INSTRUMENTS[name].loinc_panel, scored_only=False,
                   render=lambda outcome: resources.questionnaire_response(
                       outcome, _url(f"Questionnaire/{outcome.instrument}")))


@bp.get("/Observation")
@_fhir("fhir_observation")
def search_observations() -> Found:
    """The patient's total scores as a searchset Bundle, oldest first; `code=http://loinc.org|44261-6`
    narrows to PHQ-9 totals (70274-6 GAD-7, 55758-7 PHQ-2).
    ---
    get:
      tags: [fhir]
      parameters: {search}
      responses:
        200: {description: A searchset Bundle, content: {application/fhir+json: {schema: {type: object}}}}
        400: {description: An unsupported search parameter or a bad value}
    """
    return _search("Observation", lambda name: INSTRUMENTS[name].loinc_total, scored_only=True,
                   render=resources.observation)


@bp.get("/QuestionnaireResponse/<int:outcome_id>")
@_fhir("fhir_questionnaire_response")
def read_questionnaire_response(outcome_id: int) -> Found:
    """One administration, as the searches' fullUrl names it.
    ---
    get:
      tags: [fhir]
      responses:
        200: {description: A QuestionnaireResponse, content: {application/fhir+json: {schema: {type: object}}}}
    """
    outcome = find_outcome(db(), outcome_id, scored_only=False)
    return Found(resources.questionnaire_response(outcome, _url(f"Questionnaire/{outcome.instrument}")),
                 outcome.patient_id, str(outcome.id))


@bp.get("/Observation/<int:outcome_id>")
@_fhir("fhir_observation")
def read_observation(outcome_id: int) -> Found:
    """One total score, as the searches' fullUrl names it.
    ---
    get:
      tags: [fhir]
      responses:
        200: {description: An Observation, content: {application/fhir+json: {schema: {type: object}}}}
    """
    outcome = find_outcome(db(), outcome_id, scored_only=True)
    return Found(resources.observation(outcome), outcome.patient_id, str(outcome.id))


def _search(resource_type: str, code_of, scored_only: bool, render) -> Found:
    search = parse_search(request.args.items(multi=True), code_of)
    patient = db().get(Patient, search.patient_id)
    found, total = find_outcomes(db(), search, scored_only) if patient else ([], 0)

    def link(offset: int) -> str:
        params = [(k, v) for k, v in request.args.items(multi=True) if k not in ("_count", "_offset")]
        return _url(f"{resource_type}?" + urlencode([*params, ("_count", search.count), ("_offset", offset)]))

    entries = [(_url(f"{resource_type}/{outcome.id}"), render(outcome)) for outcome in found]
    return Found(resources.searchset(entries, total, search.offset, search.count, link),
                 patient.id if patient else None)


for _view in (search_questionnaire_responses, search_observations):
    _view.__doc__ = _view.__doc__.replace("{search}", SEARCH_PARAMETERS)


@bp.route("/<path:_anything>")
def unknown(_anything: str):
    raise NotFound("no such FHIR resource or interaction here")


def _answer(status: int, code: str, diagnostics: str):
    return resources.operation_outcome(code, diagnostics), status, {"Content-Type": FHIR_JSON}


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    details = "; ".join(f"{name}: {', '.join(map(str, why))}" for name, why in error.fields.items())
    return _answer(error.status, _ISSUE.get(error.status, "processing"),
                   error.message + (f" ({details})" if details else ""))


def _http_error(error: HTTPException):
    """A method a resource does not offer, found while routing, before any view of ours is chosen."""
    status = error.code or 500
    return _answer(status, _ISSUE.get(status, "processing"), error.description or error.name)


answer_http_errors_with(bp, _http_error)


@bp.errorhandler(DBAPIError)
def _database_error(_error: DBAPIError):
    log_failure(log, "%s %s failed", request.method, request.url_rule)
    return _answer(500, "exception", "the request could not be completed")

