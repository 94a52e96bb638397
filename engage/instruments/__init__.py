"""Measurement instruments as data, with pure scoring and reply parsing (no Flask, no database)."""
from engage.instruments.definitions import INSTRUMENTS, get_instrument
from engage.instruments.model import Band, Choice, Instrument, Item, UnknownInstrument
from engage.instruments.parsing import normalise, parse_reply
from engage.instruments.scoring import Score, asks_closing_item, is_safety_answer, score, severity_for

__all__ = [
    "INSTRUMENTS",
    "Band",
    "Choice",
    "Instrument",
    "Item",
    "Score",
    "UnknownInstrument",
    "asks_closing_item",
    "get_instrument",
    "is_safety_answer",
    "normalise",
    "parse_reply",
    "score",
    "severity_for",
]
