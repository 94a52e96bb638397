"""The OpenAPI document, generated from the marshmallow schemas and the views' docstrings."""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_operations_from_docstring
from flask import current_app, jsonify


def _path_for(rule) -> str:
    path = str(rule)
    for argument in rule.arguments:
        path = path.replace(f"<int:{argument}>", f"{{{argument}}}").replace(f"<{argument}>", f"{{{argument}}}")
    return path


def build_spec(app) -> dict:
    spec = APISpec(
        title="engage registry API", version="1", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Patients, check-ins, outcomes and the care managers' review queue."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.endswith(".openapi"):
            continue
        view = app.view_functions[rule.endpoint]
        operations = load_operations_from_docstring(view.__doc__ or "")
        for operation in operations.values():
            operation.setdefault("security", [{"bearer": []}])
        spec.path(path=_path_for(rule), operations=operations)
    return spec.to_dict()


def serve():
    if "engage.openapi" not in current_app.extensions:
        current_app.extensions["engage.openapi"] = build_spec(current_app)
    return jsonify(current_app.extensions["engage.openapi"])
