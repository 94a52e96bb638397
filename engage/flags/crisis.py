"""Crisis wording in a patient's free text. Matching is deliberately broad: a false alarm
costs a care manager a minute; a miss can cost a life."""
from __future__ import annotations

import re

from engage.instruments.parsing import normalise

_PHRASES = (
    # English
    "suicide", "suicidal", "kill myself", "killing myself", "end my life", "ending my life", "take my life",
    "want to die", "wanna die", "better off dead", "no reason to live", "hurt myself", "hurting myself",
    "self harm", "overdose", "end it all", "dont want to live", "don't want to live", "not want to be alive",
    # Spanish
    "suicidio", "suicidarme", "suicida", "quiero morir", "quiero morirme", "matarme", "me quiero matar",
    "quitarme la vida", "acabar con mi vida", "no quiero vivir", "hacerme dano", "mejor muerto", "mejor muerta",
    "no vale la pena vivir",
)
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(normalise(p)) for p in _PHRASES) + r")\b")


def mentions_crisis(text: str) -> bool:
    return _PATTERN.search(normalise(text)) is not None


# Urgent, review or none: what the inbound path acts on.
from dataclasses import dataclass
from enum import StrEnum


class CrisisLevel(StrEnum):
    URGENT = "urgent"
    REVIEW = "review"
    NONE = "none"


@dataclass(frozen=True)
class CrisisDecision:
    level: CrisisLevel
    matched: str | None = None
    category: str | None = None


def classify(text, language):
    m = _PATTERN.search(normalise(text))
    if m is None:
        return CrisisDecision(CrisisLevel.NONE)
    if re.search(r"\b(not|never|nunca)\b", normalise(text)):
        return CrisisDecision(CrisisLevel.REVIEW, m.group(0), "negated")
    return CrisisDecision(CrisisLevel.URGENT, m.group(0), "explicit")
