"""What every registry endpoint shares: bearer auth, permissions, input parsing, error shape."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, g, jsonify, request
from marshmallow import Schema, ValidationError

from engage.auth.models import StaffUser
from engage.auth.permissions import Permission, allows
from engage.auth.tokens import user_for_token
from engage.errors import DomainError, Invalid
from engage.web import db


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


def current_user() -> StaffUser:
    return g.staff_user


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


def requires(permission: Permission) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not allows(current_user().role, permission):
                raise Forbidden(f"the {current_user().role} role may not {permission.value.replace('_', ' ')}")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def parse(schema: Schema, data: Any = None, **load_options) -> dict:
    if data is None:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise BadRequest("the body must be a JSON object")
    try:
        return schema.load(data, **load_options)
    except ValidationError as exc:
        raise Invalid("the request has invalid fields", exc.normalized_messages()) from None


def parse_query(schema: Schema) -> dict:
    return parse(schema, request.args.to_dict())


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


def render_error(error: DomainError):
    body: dict[str, Any] = {"error": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    return jsonify(body), error.status


def install(blueprint: Blueprint) -> None:
    blueprint.before_request(authenticate)
    blueprint.register_error_handler(DomainError, render_error)
