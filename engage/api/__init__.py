"""The registry API, /api/v1: one blueprint gathering each area's views."""
from __future__ import annotations

from flask import Blueprint

from engage.api import edge, openapi, registry, staff
from engage.checkins.api import bp as checkins_bp
from engage.checkins.enrollment_api import bp as enrollments_bp
from engage.flags.api import bp as flags_bp
from engage.outreach.api import bp as outreach_bp
from engage.patients.api import bp as patients_bp

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
edge.install(api_blueprint)
for area in (patients_bp, checkins_bp, enrollments_bp, flags_bp, outreach_bp, staff.bp, registry.bp):
    api_blueprint.register_blueprint(area)
api_blueprint.add_url_rule("/openapi.json", "openapi", openapi.serve)
