"""Labelled patient texts for the crisis classifier, one file per language: label<TAB>category<TAB>text.

label is what the clinic wants: urgent (crisis resources and the on-call care manager now), review
(a person reads it soon) or none. category says what kind of wording it is, for reading failures.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).parent
LABELS = ("urgent", "review", "none")


@dataclass(frozen=True)
class Row:
    label: str
    category: str
    text: str


@dataclass(frozen=True)
class Figures:
    urgent: int
    review: int
    none: int
    sensitivity: float  # share of urgent texts read as urgent
    false_urgent: float  # share of the other texts read as urgent
    review_agreement: float  # share of review texts read as review
    misses: list[Row]
    false_alarms: list[Row]


def corpus(language: str) -> list[Row]:
    lines = (FOLDER / f"{language}.tsv").read_text("utf-8").splitlines()
    if lines[0].split("\t") != ["label", "category", "text"]:
        raise ValueError(f"{language}.tsv: the first line must name the columns")
    rows = [Row(*line.split("\t")) for line in lines[1:] if line.strip()]
    wrong = [row for row in rows if row.label not in LABELS or not row.text.strip()]
    if wrong:
        raise ValueError(f"{language}.tsv: rows without a label or a text: {wrong}")
    return rows


def figures(rows: list[Row], level_of: Callable[[str], str]) -> Figures:
    """How the clinic's labels and a classifier's levels agree (level_of: text -> urgent/review/none)."""
    levels = [level_of(row.text) for row in rows]
    urgent = [(row, level) for row, level in zip(rows, levels) if row.label == "urgent"]
    others = [(row, level) for row, level in zip(rows, levels) if row.label != "urgent"]
    review = [(row, level) for row, level in others if row.label == "review"]
    misses = [row for row, level in urgent if level != "urgent"]
    false_alarms = [row for row, level in others if level == "urgent"]
    return Figures(len(urgent), len(review), len(others) - len(review),
                   1 - len(misses) / len(urgent), len(false_alarms) / len(others),
                   sum(level == "review" for _, level in review) / len(review), misses, false_alarms)
