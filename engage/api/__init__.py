"""The registry API, /api/v1: one blueprint gathering each area's views."""
from __future__ import annotations

from flask import Blueprint

from engage.api import checkins, edge, enrollments, fhir, flags, metrics, openapi, outreach, patients, registry, staff

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
edge.install(api_blueprint)
for area in (patients, checkins, enrollments, flags, outreach, staff, registry, metrics, fhir):
    api_blueprint.register_blueprint(area.bp)
api_blueprint.add_url_rule("/openapi.json", "openapi", openapi.serve)
