"""A patient's scores on one instrument as a chart drawn on the server (SVG), so it reads without script:
severity bands behind, the baseline and the 50 % target as lines, one point per score."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engage.instruments.model import Instrument

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 124, 16, 12, 28
BAND_SHADES = ("band-0", "band-1", "band-2", "band-3", "band-4")


@dataclass(frozen=True)
class Band:
    name: str
    y: float
    height: float
    shade: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    total: int
    when: datetime


@dataclass(frozen=True)
class Line:
    y: float
    value: float
    label: str


@dataclass(frozen=True)
class Chart:
    instrument: Instrument
    bands: list[Band]
    points: list[Point]
    baseline: Line | None
    target: Line | None
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def path(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_bottom(self) -> int:
        return HEIGHT - BOTTOM


def score_chart(instrument: Instrument, scores: list[tuple[datetime, int]], baseline: int | None) -> Chart:
    """`scores` oldest first. The target is half the baseline: a response (SPEC, treat-to-target)."""
    top = instrument.max_total
    y = _scale(top)
    bands = [Band(band.name, y(min(band.high + 1, top)), round(y(band.low) - y(min(band.high + 1, top)), 1), shade)
             for band, shade in zip(instrument.severity_bands, BAND_SHADES)]
    x = _time_scale([when for when, _ in scores])
    points = [Point(x(when), y(total), total, when) for when, total in scores]
    return Chart(
        instrument, bands, points,
        Line(y(baseline), baseline, f"Baseline {baseline}") if baseline is not None else None,
        Line(y(baseline / 2), baseline / 2, f"Target {baseline / 2:g}") if baseline else None,
    )


def _scale(top: int):
    span = HEIGHT - TOP - BOTTOM
    return lambda value: round(TOP + span * (1 - value / top), 1)


def _time_scale(times: list[datetime]):
    span = WIDTH - LEFT - RIGHT
    if len(times) < 2 or times[0] == times[-1]:
        return lambda _when: round(LEFT + span / 2, 1)
    first, total = times[0], (times[-1] - times[0]).total_seconds()
    return lambda when: round(LEFT + span * (when - first).total_seconds() / total, 1)
