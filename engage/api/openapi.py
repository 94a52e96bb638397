"""The OpenAPI document, generated from the routes, the marshmallow schemas and the views' docstrings.

A docstring says what is particular to its operation (body, query schema, 200, a 409's reason); what
every operation shares is derived here, so it cannot be forgotten: path parameters from the route,
and each error it can answer (400, 401, 403, 404, 422) from its body, query, permission and path.
"""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_operations_from_docstring
from flask import current_app, jsonify
from marshmallow import Schema, fields

from engage.auth.permissions import GRANTS
from engage.bounds import MAX_ID
from engage.enums import Role

DESCRIPTION = """Patients, check-ins, outcomes, appointments and the care managers' review queue.

Every error answers {"error": code, "message": text, "fields": {name: [reasons]}}. Texts may not
contain NUL characters, and times are accepted between 1900 and 2200 (UTC)."""

_ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
_ERRORS = {
    400: "The body is not a JSON object (on /fhir: a bad search parameter)",
    401: "No bearer token, or one that is unknown or revoked",
    403: "The token's role may not do this",
    404: "No such resource (or an id out of range)",
    413: "The body is larger than any request needs (64 KiB)",
    422: "Invalid fields, named in \"fields\"",
}


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={
        "description": "bad_request, unauthorized, forbidden, not_found, method_not_allowed, conflict, "
                       "validation_failed or internal_error"})
    message = fields.String(required=True)
    named_fields = fields.Dict(data_key="fields", keys=fields.String(), metadata={
        "description": "Each invalid field with its reasons (a list, or an object for nested fields)"})


FHIR_PREFIX = "/api/v1/fhir/"
OPERATION_OUTCOME = {
    "type": "object", "required": ["resourceType", "issue"],
    "description": "FHIR R4 OperationOutcome: what the /fhir endpoints answer for every error",
    "properties": {"resourceType": {"type": "string", "enum": ["OperationOutcome"]},
                   "issue": {"type": "array", "items": {"type": "object", "properties": {
                       "severity": {"type": "string"}, "code": {"type": "string"},
                       "diagnostics": {"type": "string"}}}}},
}


def _error_content(rule) -> dict:
    if rule.rule.startswith(FHIR_PREFIX):
        return {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}
    return {"application/json": {"schema": "ErrorSchema"}}


def _path_for(rule) -> str:
    return _ARGUMENT.sub(r"{\1}", rule.rule)


def _path_parameters(rule) -> list[dict]:
    return [{"in": "path", "name": name, "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
            for name in _ARGUMENT.findall(rule.rule)]


def _errors_answered(operation: dict, rule, permission) -> list[int]:
    body = operation.get("requestBody")
    answered = [401]
    if body is not None and body.setdefault("required", True):
        answered.append(400)
    if body is not None:
        answered.append(413)
    if permission is not None and GRANTS[permission] != frozenset(Role):
        answered.append(403)
    if rule.arguments:
        answered.append(404)
    if body is not None or any(p.get("in") == "query" for p in operation.get("parameters", [])):
        # FHIR answers a bad search parameter 400, as its clients expect.
        answered.append(400 if rule.rule.startswith(FHIR_PREFIX) else 422)
    return answered


def _never_null(parameter: dict) -> None:
    """A query parameter left out is absent, never null: a query schema's "no value" is not a value."""
    schema = parameter.get("schema", {})
    if schema.pop("nullable", False):
        schema.pop("default", None)
        if "enum" in schema:
            schema["enum"] = [value for value in schema["enum"] if value is not None]


def _complete(operation: dict, rule, permission) -> None:
    declared = {p.get("name") for p in operation.get("parameters", [])}
    operation["parameters"] = [p for p in _path_parameters(rule) if p["name"] not in declared] + \
        operation.get("parameters", [])
    responses = operation.setdefault("responses", {})
    for status in _errors_answered(operation, rule, permission):
        responses.setdefault(status, {"description": _ERRORS[status]})
    for status, response in responses.items():
        response.setdefault("description", _ERRORS.get(int(status), "Done"))
        if int(status) >= 400:
            response["content"] = _error_content(rule)
    operation.setdefault("security", [{"bearer": []}])


def build_spec(app) -> dict:
    spec = APISpec(
        title="engage registry API", version="1", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("OperationOutcome", OPERATION_OUTCOME)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.endswith(".openapi"):
            continue
        view = app.view_functions[rule.endpoint]
        operations = load_operations_from_docstring(view.__doc__ or "")
        if not operations:  # a catch-all that only answers "not found"
            continue
        for operation in operations.values():
            _complete(operation, rule, getattr(view, "permission", None))
        spec.path(path=_path_for(rule), operations=operations)
    document = spec.to_dict()
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation["parameters"]:
                _never_null(parameter)
    return document


def serve():
    if "engage.openapi" not in current_app.extensions:
        current_app.extensions["engage.openapi"] = build_spec(current_app)
    return jsonify(current_app.extensions["engage.openapi"])
