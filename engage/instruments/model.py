"""What an instrument is: items answered on a 0-3 scale, LOINC codes, score bands and clinical rules."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class UnknownInstrument(KeyError):
    """No instrument has this code."""


@dataclass(frozen=True)
class Choice:
    value: int
    label: str  # msgid in messages.instruments
    loinc_answer: str  # LOINC answer code (LA...)
    also_accepted: str  # msgid: other ways patients write this answer, "|"-separated


@dataclass(frozen=True)
class Item:
    code: str
    loinc: str
    text: str  # written msgid (SMS, web)
    voice_text: str  # spoken msgid (calls)
    choices: tuple[Choice, ...]


class Band(NamedTuple):
    low: int
    high: int
    name: str


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str  # staff-facing only: instrument names never reach patients
    loinc_panel: str | None
    loinc_total: str | None
    stem: str  # written msgid of the published instructions
    voice_stem: str  # spoken msgid naming the time frame
    items: tuple[Item, ...]  # scored items, in order
    choices: tuple[Choice, ...]
    severity_bands: tuple[Band, ...]
    closing_item: Item | None = None  # asked after the scored items, never scored
    safety_item_index: int | None = None
    positive_screen_threshold: int | None = None
    steps_up_to: str | None = None

    def __post_init__(self) -> None:
        # Definitions are data: a mistake in them must fail at import, not in front of a patient.
        values = [choice.value for choice in self.choices]
        if values != list(range(len(values))):
            raise ValueError(f"{self.code}: choices must be valued 0, 1, 2, ... in order")
        edge = 0
        for band in self.severity_bands:
            if band.low != edge or band.high < band.low:
                raise ValueError(f"{self.code}: severity bands must cover 0..{self.max_total} without gaps")
            edge = band.high + 1
        if edge != self.max_total + 1:
            raise ValueError(f"{self.code}: severity bands must end at {self.max_total}")
        if self.safety_item_index is not None and not 0 <= self.safety_item_index < len(self.items):
            raise ValueError(f"{self.code}: safety item {self.safety_item_index} is not a scored item")
        if self.steps_up_to is not None and self.positive_screen_threshold is None:
            raise ValueError(f"{self.code}: stepping up needs a positive screen threshold")

    @property
    def max_total(self) -> int:
        return sum(max(choice.value for choice in item.choices) for item in self.items)

    @property
    def questions(self) -> tuple[Item, ...]:
        """Every item in the order it is asked: the scored items, then the closing item if any."""
        return self.items + ((self.closing_item,) if self.closing_item else ())
