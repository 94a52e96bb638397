"""/metrics: the program measures over days the care team chooses, for the whole clinic and, when asked,
compared across patients' languages or care managers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import render_template, request

from engage.auth.permissions import Permission
from engage.auth.service import list_staff
from engage.db import utcnow
from engage.errors import Invalid
from engage.metrics.measures import MEDIAN, GroupBy, Measure, Period, program_measures
from engage.metrics.terms import MEASURES, MetricsQuery
from engage.workspace.access import audit, requires
from engage.workspace.bars import BarChart, bar_chart
from engage.workspace.blueprint import bp
from engage.workspace.display import language_name, minutes, share
from engage.web import db, load, runtime

# Opened without a choice, the page shows the last quarter.
DEFAULT_DAYS = 90
TITLES = {
    "checkin_completion": "Check-in completion",
    "positive_screen_action_within_7_days": "Positive screens acted on within 7 days",
    MEDIAN: "Time from urgent flag to acknowledgment (median)",
    **{f"{kind}_{days}_days": f"{kind.capitalize()} at {days} days"
       for kind in ("response", "remission") for days in (30, 60, 90)},
    "not_improving_by_target_week": "Not improving by the target week",
    "no_show_outreach_reached": "No-show outreach: reached",
    "no_show_outreach_responded": "No-show outreach: responded",
    "no_show_outreach_rescheduled": "No-show outreach: rescheduled",
    "opt_out": "Opt-outs",
    "delivery_failure": "Delivery failures",
}
SPLITS = {"": "None", GroupBy.LANGUAGE.value: "Language", GroupBy.CARE_MANAGER.value: "Care manager"}
# Rows with no patient behind them (a notice to staff, a text from an unknown number) have no language.
UNGROUPED = {GroupBy.LANGUAGE: "No patient", GroupBy.CARE_MANAGER: "No care manager"}


@dataclass(frozen=True)
class Row:
    key: str
    measure: Measure

    @property
    def title(self) -> str:
        return TITLES[self.key]

    @property
    def meaning(self) -> str:
        return MEASURES[self.key]

    @property
    def value(self) -> str:
        return (minutes if self.key == MEDIAN else share)(self.measure.value)

    def said_for(self, group: str) -> str:
        value = "no value" if self.measure.value is None else self.value
        return f"{group}: {value} ({self.measure.numerator} of {self.measure.denominator})"


@dataclass(frozen=True)
class Split:
    """One measure in each group: the rows of the table and the bars of the chart."""

    title: str
    groups: list[tuple[str, Row]]
    chart: BarChart


@bp.get("/metrics")
@requires(Permission.READ_METRICS, "Your role cannot read the program measures.")
def metrics_page():
    asked = _asked()
    try:
        query = load(MetricsQuery(), {name: value for name, value in asked.items() if name != "by" or value})
    except Invalid as error:
        audit("view", "metrics", [None])
        db().commit()  # a refused answer is rolled back after the request, and the view is still logged
        return render_template("workspace/metrics.html", asked=asked, splits=SPLITS, errors=error.fields), 422
    settings = runtime().settings
    figures = program_measures(db(), settings, Period.of_days(query["first"], query["last"], settings), query["by"])
    audit("view", "metrics", [None], detail={"from": asked["from"], "to": asked["to"], "by": asked["by"]})
    return render_template("workspace/metrics.html", asked=asked, splits=SPLITS, errors={}, by=query["by"],
                           rows=[Row(key, figures["measures"][key]) for key in MEASURES],
                           split=_split(figures["groups"], query["by"]))


def _asked() -> dict[str, str]:
    """The form's fields as sent, a day left out being the last quarter on the clinic's clock."""
    today = utcnow().astimezone(runtime().settings.zone).date()
    return {"from": request.args.get("from", (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat()),
            "to": request.args.get("to", today.isoformat()), "by": request.args.get("by", "")}


def _split(groups: list[dict], by: GroupBy | None) -> list[Split]:
    if by is None:
        return []
    names = _group_names([group["group"] for group in groups], by)
    split = []
    for key in MEASURES:
        rows = [(name, Row(key, group["measures"][key])) for name, group in zip(names, groups)]
        chart = bar_chart(key, f"{TITLES[key]} by {SPLITS[by.value].lower()}",
                          [(row.said_for(name), row.measure.value) for name, row in rows],
                          top=None if key == MEDIAN else 1.0)
        split.append(Split(TITLES[key], rows, chart))
    return split


def _group_names(groups: list, by: GroupBy) -> list[str]:
    if by is GroupBy.LANGUAGE:
        named = {group: language_name(group) for group in groups if group is not None}
    else:
        named = {user.id: user.name for user in list_staff(db())}
    return [UNGROUPED[by] if group is None else named.get(group, f"Staff {group}") for group in groups]
