"""Registry records as FHIR R4 resources (JSON), LOINC coded: plain functions over plain records.

An outcome is both a QuestionnaireResponse (the answers, coded as the Questionnaire offers them) and,
once scored, an Observation of its total that names the response it was derived from; both carry the
outcome's id.
"""
from __future__ import annotations

from datetime import datetime

from engage.checkins.models import Outcome
from engage.instruments import INSTRUMENTS, Instrument, Item
from engage.patients.models import Patient

LOINC = "http://loinc.org"
BCP47 = "urn:ietf:bcp:47"
SURVEY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                      "code": "survey", "display": "Survey"}]}
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TOTAL_LINK = "total"


def instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def patient_resource(patient: Patient) -> dict:
    resource = {
        "resourceType": "Patient", "id": str(patient.id), "active": patient.active,
        "name": [{"use": "usual", "family": patient.last_name, "given": [patient.first_name]}],
        "telecom": [{"system": "phone", "value": patient.phone, "use": "mobile"}],
        "communication": [{"language": {"coding": [{"system": BCP47, "code": patient.language}]},
                           "preferred": True}],
    }
    if patient.external_id:
        resource["identifier"] = [{"use": "usual", "value": patient.external_id}]
    return resource


def questionnaire(instrument: Instrument, url: str) -> dict:
    """The instrument as published, every item and answer option with its LOINC code, and the total."""
    resource = {
        "resourceType": "Questionnaire", "id": instrument.code, "url": url, "name": instrument.code.upper(),
        "title": instrument.title, "status": "active", "subjectType": ["Patient"],
        "item": [*(_question(item, required=True) for item in instrument.items),
                 *([_question(instrument.closing_item, required=False)] if instrument.closing_item else []),
                 _total_item(instrument)],
    }
    if instrument.loinc_panel:
        resource["code"] = [{"system": LOINC, "code": instrument.loinc_panel}]
    return resource


def _question(item: Item, required: bool) -> dict:
    return {
        "linkId": item.code, "code": [{"system": LOINC, "code": item.loinc}], "text": item.text,
        "type": "choice", "required": required,
        "answerOption": [{"valueCoding": _answer(choice),
                          "extension": [{"url": ORDINAL_VALUE, "valueDecimal": choice.value}]}
                         for choice in item.choices],
    }


def _answer(choice) -> dict:
    return {"system": LOINC, "code": choice.loinc_answer, "display": choice.label}


def _total_item(instrument: Instrument) -> dict:
    item = {"linkId": TOTAL_LINK, "text": "Total score", "type": "integer", "readOnly": True}
    if instrument.loinc_total:
        item["code"] = [{"system": LOINC, "code": instrument.loinc_total}]
    return item


def questionnaire_response(outcome: Outcome, questionnaire_url: str) -> dict:
    """A partial administration (no total) is `stopped`: the answers given are kept."""
    instrument = INSTRUMENTS[outcome.instrument]
    items = [{"linkId": item.code, "text": item.text, "answer": [{"valueCoding": _answer(item.choices[value])}]}
             for item, value in zip(instrument.questions, outcome.answers) if value is not None]
    if outcome.total is not None:
        items.append({"linkId": TOTAL_LINK, "answer": [{"valueInteger": outcome.total}]})
    return _without_empty({
        "resourceType": "QuestionnaireResponse", "id": str(outcome.id), "questionnaire": questionnaire_url,
        "status": "completed" if outcome.total is not None else "stopped",
        "subject": {"reference": f"Patient/{outcome.patient_id}"}, "authored": instant(outcome.completed_at),
        "item": items,
    })


def observation(outcome: Outcome) -> dict:
    """The total of a scored outcome, as a survey observation."""
    instrument = INSTRUMENTS[outcome.instrument]
    code = {"text": f"{instrument.title} total score"}
    if instrument.loinc_total:
        code["coding"] = [{"system": LOINC, "code": instrument.loinc_total}]
    resource = {
        "resourceType": "Observation", "id": str(outcome.id), "status": "final", "category": [SURVEY],
        "code": code, "subject": {"reference": f"Patient/{outcome.patient_id}"},
        "effectiveDateTime": instant(outcome.completed_at), "valueInteger": outcome.total,
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{outcome.id}"}],
    }
    if outcome.severity:
        resource["interpretation"] = [{"text": outcome.severity}]
    return resource


def searchset(entries: list[tuple[str, dict]], total: int, offset: int, count: int, link) -> dict:
    """A page of search matches (full URL, resource) with its total; `link(offset)` is the URL of the
    same search from another offset, for the self, next and previous links."""
    links = [("self", offset)]
    if offset + count < total:
        links.append(("next", offset + count))
    if offset > 0:
        links.append(("previous", max(offset - count, 0)))
    return _without_empty({
        "resourceType": "Bundle", "type": "searchset", "total": total,
        "link": [{"relation": relation, "url": link(start)} for relation, start in links],
        "entry": [{"fullUrl": url, "resource": resource, "search": {"mode": "match"}} for url, resource in entries],
    })


def _without_empty(resource: dict) -> dict:
    """FHIR's JSON format has no empty arrays: an element without values is left out."""
    return {name: value for name, value in resource.items() if value != []}


def operation_outcome(code: str, diagnostics: str) -> dict:
    """`code` from the FHIR issue-type list: not-found, invalid, login, forbidden, processing, exception."""
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}]}
