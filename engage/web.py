"""Per-request plumbing shared by every blueprint: the runtime, one session per request."""
from __future__ import annotations

from flask import Flask, current_app, g, jsonify
from marshmallow import Schema, ValidationError
from sqlalchemy import text
from sqlalchemy.orm import Session

from engage.bounds import MAX_ID, nul_errors
from engage.errors import Invalid, NotFound
from engage.runtime import Runtime


def runtime() -> Runtime:
    return current_app.extensions["engage"]


def db() -> Session:
    """The request's session; committed or rolled back when the request ends."""
    if "db" not in g:
        g.db = runtime().sessions()
    return g.db


def _commit_before_responding(response):
    # Commit before the client hears "created": a failed commit must become a 500, not a lie.
    session = g.get("db")
    if session is not None:
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
    return response


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def healthz():
    try:
        with runtime().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any driver error means the same thing to a load balancer
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def load(schema: Schema, data: dict, **load_options) -> dict:
    """What a client sent, as `schema` reads it; a field that is wrong is an Invalid naming it."""
    refused = nul_errors(data)
    if refused:
        raise Invalid("the request has invalid fields", refused)
    try:
        return schema.load(data, **load_options)
    except ValidationError as exc:
        raise Invalid("the request has invalid fields", exc.normalized_messages()) from None


def ids_in_range(_endpoint: str | None, values: dict | None) -> None:
    """An id in a path that no row can have (0, or past the columns' 32 bits) names nothing: a 404."""
    for name, value in (values or {}).items():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise NotFound(f"no {name.removesuffix('_id')} {value}")


def init_app(app: Flask) -> None:
    app.after_request(_commit_before_responding)
    app.teardown_appcontext(_close_session)
    app.add_url_rule("/healthz", "healthz", healthz)
