"""What may be asked of the program measures and what each one counts: one reading of a period for
every edge that shows the measures (the registry API and the workspace page)."""
from __future__ import annotations

from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engage.metrics.measures import GroupBy

_DAYS = validate.Range(min=date(1900, 1, 1), max=date(2200, 12, 31), error="Must be between 1900 and 2200.")
MEASURES = {
    "checkin_completion": "Check-ins sent in the period that were completed",
    "positive_screen_action_within_7_days": "PHQ-9 or GAD-7 results of 10 or more (or PHQ-9 item 9 above 0) "
                                            "in the period with a care manager's action on the patient's flags "
                                            "within 7 days",
    "urgent_flag_ack_median_minutes": "Urgent flags raised in the period: acknowledged over raised; the value "
                                      "is the median minutes to acknowledgment (null when none was)",
    **{f"{kind}_{days}_days": f"Episodes starting at 10 or more whose day {days} from baseline fell in the "
                              f"period, with the last score within 15 days of it "
                              + ("dropped by the response percentage" if kind == "response"
                                 else "below the remission score")
       for kind in ("response", "remission") for days in (30, 60, 90)},
    "not_improving_by_target_week": "Episodes reaching the target week in the period whose latest score by then "
                                    "is still 10 or more without response",
    "no_show_outreach_reached": "No-show outreach started in the period that reached the patient",
    "no_show_outreach_responded": "No-show outreach started in the period that the patient answered",
    "no_show_outreach_rescheduled": "No-show outreach started in the period that led to a new appointment",
    "opt_out": "Patients texted in the period who turned texts off in it",
    "delivery_failure": "Texts and calls sent in the period that could not be delivered",
}


class MetricsQuery(Schema):
    first = fields.Date(data_key="from", required=True, validate=_DAYS,
                        metadata={"description": "First day (YYYY-MM-DD) in the clinic's time zone"})
    last = fields.Date(data_key="to", required=True, validate=_DAYS,
                       metadata={"description": "Last day (YYYY-MM-DD), included"})
    by = fields.Enum(GroupBy, by_value=True, load_default=None,
                     metadata={"description": "Also give each measure per patient language or care manager"})

    @validates_schema
    def _in_order(self, data, **_kwargs):
        if "first" in data and "last" in data and data["first"] > data["last"]:
            raise ValidationError("Must not be before from.", "to")
