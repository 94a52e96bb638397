"""The score chart's geometry: pure arithmetic, no database."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engage.instruments import get_instrument
from engage.workspace.chart import HEIGHT, score_chart

START = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)


def test_one_point_per_score_later_to_the_right_and_higher_scores_higher_up():
    chart = score_chart(get_instrument("phq9"), [(START, 18), (START + timedelta(weeks=4), 9)], 18)
    first, second = chart.points
    assert len(chart.points) == 2 and first.x < second.x
    assert first.y < second.y  # SVG's y grows downwards: 18 sits above 9


def test_baseline_and_target_are_the_first_score_and_half_of_it():
    chart = score_chart(get_instrument("phq9"), [(START, 16), (START + timedelta(weeks=2), 12)], 16)
    assert (chart.baseline.value, chart.target.value) == (16, 8)
    assert chart.baseline.y == chart.points[0].y and chart.target.y > chart.baseline.y


def test_the_severity_bands_stack_without_gaps_from_the_bottom_to_the_top():
    chart = score_chart(get_instrument("gad7"), [(START, 12)], 12)
    assert [band.name for band in chart.bands] == ["minimal", "mild", "moderate", "severe"]
    for lower, upper in zip(chart.bands, chart.bands[1:]):
        assert abs(upper.y + upper.height - lower.y) < 0.2
    assert abs(chart.bands[0].y + chart.bands[0].height - (HEIGHT - 28)) < 0.2


def test_a_baseline_of_zero_has_no_target_to_reach():
    chart = score_chart(get_instrument("phq9"), [(START, 0)], 0)
    assert chart.baseline.value == 0 and chart.target is None
