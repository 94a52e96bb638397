"""/api/v1/metrics: the program measures over a period, for the clinic and per group."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from engage.api.edge import Audit, endpoint
from engage.auth.permissions import Permission
from engage.metrics.measures import GroupBy, Period, program_measures
from engage.metrics.terms import MEASURES, MetricsQuery
from engage.web import db, runtime

bp = Blueprint("metrics", __name__)


class MeasureSchema(Schema):
    numerator = fields.Integer()
    denominator = fields.Integer()
    value = fields.Float(allow_none=True, metadata={
        "description": "numerator / denominator (0 to 1), null when the denominator is 0; minutes for "
                       "urgent_flag_ack_median_minutes"})


MeasuresSchema = Schema.from_dict({name: fields.Nested(MeasureSchema, metadata={"description": meaning})
                                   for name, meaning in MEASURES.items()}, name="MeasuresSchema")


class MetricsGroupSchema(Schema):
    group = fields.Raw(allow_none=True, metadata={
        "description": "The language code or the care manager's staff id; null for patients without one"})
    measures = fields.Nested(MeasuresSchema)


class MetricsSchema(Schema):
    first = fields.Date(data_key="from", attribute="from")
    last = fields.Date(data_key="to", attribute="to")
    by = fields.Enum(GroupBy, by_value=True, allow_none=True)
    measures = fields.Nested(MeasuresSchema)
    groups = fields.List(fields.Nested(MetricsGroupSchema), metadata={"description": "Empty unless by is given"})


@bp.get("/metrics")
@endpoint(Permission.READ_METRICS, query=MetricsQuery(), answer=MetricsSchema(),
          audit=Audit("read", "metrics", patients=lambda _result: [None]))
def read_metrics(query: dict) -> dict:
    """The program measures over whole days, each as numerator, denominator and value.
    ---
    get:
      tags: [metrics]
      parameters: [{in: query, schema: MetricsQuery}]
      responses:
        200: {content: {application/json: {schema: MetricsSchema}}}
        422: {description: 'A date that is missing or not YYYY-MM-DD, or "to" before "from", named in "fields"'}
    """
    settings = runtime().settings
    period = Period.of_days(query["first"], query["last"], settings)
    return program_measures(db(), settings, period, query["by"])
