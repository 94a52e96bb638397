"""One measure compared across groups (languages or care managers) as small horizontal bars drawn on
the server (SVG), so the page reads without script. Each group's name and value are written above its
bar: the picture only repeats what the words say."""
from __future__ import annotations

from dataclasses import dataclass

WIDTH = 360
ROW = 38
LABEL_HEIGHT = 14
BAR_HEIGHT = 14
PAD = 4


@dataclass(frozen=True)
class Bar:
    text: str
    label_y: float
    bar_y: float
    length: float | None  # None: nothing to measure in this group


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    bars: list[Bar]
    width: int = WIDTH

    @property
    def height(self) -> int:
        return ROW * len(self.bars) + PAD

    @property
    def description(self) -> str:
        return "; ".join(bar.text for bar in self.bars) + "."


def bar_chart(key: str, title: str, groups: list[tuple[str, float | None]], top: float | None = None) -> BarChart:
    """`groups` as (the words to show, the value); bars run from 0 to `top`, or to the largest value
    when `top` is None (a median time has no natural end)."""
    values = [value for _, value in groups if value is not None]
    end = top if top is not None else max(values, default=0)
    bars = []
    for n, (text, value) in enumerate(groups):
        length = None if value is None else (round((WIDTH - 2 * PAD) * value / end, 1) if end else 0.0)
        bars.append(Bar(text, PAD + ROW * n + LABEL_HEIGHT - 2, PAD + ROW * n + LABEL_HEIGHT + 2, length))
    return BarChart(key, title, bars)
