"""What every registry endpoint shares: bearer auth, permissions, input parsing, error shape."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable, Iterable

from flask import Blueprint, current_app, g, jsonify, make_response, request
from marshmallow import Schema
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from engage.audit.service import record_access
from engage.auth.models import StaffUser
from engage.auth.permissions import Permission, allows
from engage.auth.tokens import user_for_token
from engage.db import log_failure, unique_violation
from engage.errors import Conflict, DomainError
from engage.web import db, ids_in_range, load

log = logging.getLogger(__name__)


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


# The largest registry request is a few kilobytes (a patient, a note of 500 characters); a body past
# this is refused before it is read, so a list of millions of answers cannot hold a worker while each
# one is checked.
BODY_LIMIT = 64 * 1024


def current_user() -> StaffUser:
    return g.staff_user


def limit_body() -> None:
    request.max_content_length = BODY_LIMIT


def authenticate() -> None:
    if request.endpoint and request.endpoint.endswith(".openapi"):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required")
    user = user_for_token(db(), token.strip())
    if user is None:
        raise Unauthorized("the token is unknown or revoked")
    g.staff_user = user


@dataclass(frozen=True)
class Audit:
    """What the access log keeps of a view: the action, the resource, and whose data it was.

    Whose: the patient in the path, else the result's (each row's, for a list); `patients` says
    otherwise where the result is shaped differently. The resource id is the result's own, for one
    row. `fields` records which fields an update named."""

    action: str
    resource: str
    patients: Callable[[Any], Iterable[int | None]] | None = None
    fields: bool = False

    def record(self, result: Any, path: dict, body: dict | None) -> None:
        if self.patients is not None:
            patient_ids = self.patients(result)
        elif "patient_id" in path:
            patient_ids = [path["patient_id"]]
        elif isinstance(result, list):
            patient_ids = {row.patient_id for row in result if row.patient_id}
        else:
            patient_ids = [result.patient_id]
        one = not isinstance(result, (list, dict))
        record_access(db(), current_user(), self.action, self.resource, patient_ids,
                      result.id if one else None, {"fields": sorted(body)} if self.fields else None)


def endpoint(permission: Permission, *, body: Schema | None = None, optional_body: bool = False,
             query: Schema | None = None, answer: Schema | None = None, status: int = 200,
             audit: Audit | None = None, location: Callable[[Any], str] | None = None,
             media_type: str = "application/json") -> Callable:
    """Every registry view is declared here, so the view itself is only the call it makes: the role is
    checked first, then the body (`body`) and query string (`query`) are parsed and handed to the view
    by those names; what it returns is written to the access log (`audit`) and answered through
    `answer` (a list as {"data": [...]}). The work is committed before the response leaves, so a commit
    that fails is answered like any other error."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(**path):
            user = current_user()
            if not allows(user.role, permission):
                raise Forbidden(f"the {user.role} role may not {permission.value.replace('_', ' ')}")
            inputs = {}
            if body is not None:
                inputs["body"] = parse(body, _optional_body() if optional_body else None)
            if query is not None:
                inputs["query"] = parse_query(query)
            result = view(**path, **inputs)
            answered_status, declared = status, audit
            if isinstance(result, Repeat):
                # The same request again: answered with what it made the first time, and logged as a read.
                result, answered_status = result.result, 200
                declared = audit and Audit("read", audit.resource, audit.patients, audit.fields)
            if declared is not None:
                declared.record(result, path, inputs.get("body"))
            response = jsonify({"data": answer.dump(result, many=True)} if isinstance(result, list)
                               else answer.dump(result))
            response.status_code, response.mimetype = answered_status, media_type
            if location is not None:
                response.headers["Location"] = location(result)
            db().commit()
            return response

        wrapper.permission = permission
        return wrapper

    return decorator


@dataclass(frozen=True)
class Repeat:
    """What a view returns for a request it has carried out before (the same external id)."""

    result: Any


def _optional_body() -> dict:
    data = json_body()
    return data if isinstance(data, dict) else {}


def parse(schema: Schema, data: Any = None, **load_options) -> dict:
    if data is None:
        data = json_body()
        if not isinstance(data, dict):
            raise BadRequest("the body must be a JSON object")
    return load(schema, data, **load_options)


def json_body() -> Any:
    """The parsed JSON body, or None when there is none to parse."""
    try:
        return request.get_json(silent=True)
    except RecursionError:  # nested deeper than any request of ours
        return None


def parse_query(schema: Schema) -> dict:
    return parse(schema, request.args.to_dict())


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """The one error shape of the API: {"error": code, "message": text, "fields": {name: [why]}}."""
    body: dict[str, Any] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(body), status


def render_error(error: DomainError):
    return error_response(error.status, error.code, error.message, error.fields)


def render_integrity_error(error: IntegrityError):
    """A unique value taken by a concurrent request between our check and our write: a conflict."""
    columns = unique_violation(error)
    if columns is None:
        return render_database_error(error)
    log.info("unique violation on %s at %s %s", ", ".join(columns) or "?", request.method, request.url_rule)
    return render_error(Conflict("a unique value is already in use", {column: ["Already in use."]
                                                                     for column in columns}))


def render_database_error(error: DBAPIError):
    log_failure(log, "%s %s failed", request.method, request.url_rule)
    return error_response(500, "internal_error", "the request could not be completed")


def _answer_http_errors_as_json(state) -> None:
    """Unknown paths (404), methods (405) and failures (500) under the API answer in its error shape.
    Registered on the app: a path that matches no route belongs to no blueprint."""
    prefix = state.url_prefix.rstrip("/") + "/"

    def answer(error: HTTPException):
        if not request.path.startswith(prefix):
            return error
        shapes = current_app.extensions.get(ERROR_SHAPES, {})
        render = next((render for under, render in shapes.items() if request.path.startswith(under)), _as_json)
        response = make_response(render(error))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    state.app.register_error_handler(HTTPException, answer)


def _as_json(error: HTTPException):
    code = "internal_error" if error.code == 500 else error.name.lower().replace(" ", "_")
    return error_response(error.code or 500, code, error.description or error.name)


ERROR_SHAPES = "engage.api.error_shapes"


def answer_http_errors_with(blueprint: Blueprint, render: Callable[[HTTPException], Any]) -> None:
    """Unknown methods and failures under `blueprint` answer as `render(error)` gives them (anything a
    view may return), for clients that read errors in a shape of their own."""

    def remember(state) -> None:
        state.app.extensions.setdefault(ERROR_SHAPES, {})[state.url_prefix.rstrip("/") + "/"] = render

    blueprint.record_once(remember)


def install(blueprint: Blueprint) -> None:
    blueprint.record_once(_answer_http_errors_as_json)
    blueprint.url_value_preprocessor(ids_in_range)
    blueprint.before_request(limit_body)
    blueprint.before_request(authenticate)
    blueprint.register_error_handler(DomainError, render_error)
    blueprint.register_error_handler(IntegrityError, render_integrity_error)
    blueprint.register_error_handler(DBAPIError, render_database_error)
