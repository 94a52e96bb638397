"""Reading a patient's reply to an item: a digit, the answer in words, or every remaining answer at once.

Anything else is not understood: a reply is never guessed at, because a wrong answer is worse than asking again.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from engage.instruments.definitions import FREQUENCY
from engage.instruments.model import Choice
from messages import SOURCE_LANGUAGE, resolve_language, translate
from messages.instruments import NUMBER_WORDS

# Sentence punctuation a reply may end with ("2.", "1 2 0!"); anything else keeps a digit reply from matching.
TRAILING = ".!?¡¿"
SEPARATORS = ",;"
# Fewer digits run together read as a number ("12", "10"), not as answers to two questions.
MIN_RUN_TOGETHER = 3


def normalise(text: str) -> str:
    """Casefolded, accents and punctuation removed, single spaces: "¡Varios Días!" -> "varios dias"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in letters).split())


def _phrases(msgid: str, language: str) -> list[str]:
    return [normalise(phrase) for phrase in translate(msgid, language).split("|") if normalise(phrase)]


@lru_cache(maxsize=None)
def vocabulary(language: str, choices: tuple[Choice, ...] = FREQUENCY) -> dict[str, int]:
    """Every accepted wording of every answer, in the patient's language and in English (patients mix).

    A phrase that could mean two different answers is dropped rather than resolved either way.
    """
    meanings: dict[str, set[int]] = {}
    for lang in {resolve_language(language), SOURCE_LANGUAGE}:
        numbers = _phrases(NUMBER_WORDS, lang)
        for choice in choices:
            words = _phrases(choice.label, lang) + _phrases(choice.also_accepted, lang)
            if choice.value < len(numbers):
                words.append(numbers[choice.value])
            for phrase in words:
                meanings.setdefault(phrase, set()).add(choice.value)
    return {phrase: next(iter(values)) for phrase, values in meanings.items() if len(values) == 1}


def _is_digit(token: str) -> bool:
    return len(token) == 1 and token.isdecimal()


def _digits(text: str) -> list[int] | None:
    """Answers given as digits: "2", "1 2 0", "1,2,0", "120312102"; None if anything else is in the reply."""
    flat = unicodedata.normalize("NFKC", text).strip().rstrip(TRAILING).strip()
    for separator in SEPARATORS:
        flat = flat.replace(separator, " ")
    tokens = flat.split()
    if len(tokens) == 1 and tokens[0].isdecimal() and len(tokens[0]) >= MIN_RUN_TOGETHER:
        tokens = list(tokens[0])
    if not tokens or not all(_is_digit(token) for token in tokens):
        return None
    return [unicodedata.decimal(token) for token in tokens]


def _words(text: str, language: str, choices: tuple[Choice, ...]) -> int | None:
    """An answer in words ("several days"), alone or after its own digit ("1 - Several days")."""
    known = vocabulary(language, choices)
    phrase = normalise(text)
    if phrase in known:
        return known[phrase]
    digit, _, rest = phrase.partition(" ")
    if not _is_digit(digit):
        return None
    value = unicodedata.decimal(digit)
    return value if known.get(rest) == value else None


def parse_reply(
    text: str, language: str, remaining: int, choices: Sequence[Choice] = FREQUENCY
) -> list[int] | None:
    """The answers in a reply: one value for the current item, or exactly `remaining` values at once.

    Every value must be one of the choices (0-3); None means "not understood", with no guess.
    """
    if remaining < 1:
        raise ValueError("there must be at least one item left to answer")
    allowed = {choice.value for choice in choices}
    values = _digits(text)
    if values is None:
        word = _words(text, language, tuple(choices))
        values = None if word is None else [word]
    if values is None or len(values) not in {1, remaining} or not set(values) <= allowed:
        return None
    return values
