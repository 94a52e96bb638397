"""Crisis wording in a patient's free text, sorted as the clinic acts on it.

Urgent: crisis resources and the on-call care manager at once. Review: a high-priority flag a
person reads (negated or uncertain wording, someone else, a talk or a loss, everyday despair).
A miss can cost a life and a false alarm a care manager's minute, so first-person wording about
dying or self-harm is urgent even when unsure ("idk if i want to be here anymore"); a negation,
another person, an idiom or a topic lowers only the words it touches ("im not ok i want to die"
stays urgent). The words themselves are in crisis_lexicon/<language>.yaml, kept by clinicians.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from enum import StrEnum

from engage.flags.lexicon import LANGUAGES, Lexicon, Line, load, tokens

EXCERPT_CHARS = 80
# How far back a negation or another person may stand: the cue's own words and the words it reaches over.
LOOKBACK_WORDS = 12


class CrisisLevel(StrEnum):
    URGENT = "urgent"
    REVIEW = "review"
    NONE = "none"


_RANK = {CrisisLevel.NONE: 0, CrisisLevel.REVIEW: 1, CrisisLevel.URGENT: 2}


@dataclass(frozen=True)
class CrisisDecision:
    level: CrisisLevel
    matched: str | None  # the patient's own words that matched, for the flag's reason
    category: str | None  # the list that matched ("explicit", "passive", ...) or what lowered it ("negated", ...)


NO_CRISIS = CrisisDecision(CrisisLevel.NONE, None, None)


def classify(text: str, language: str | None) -> CrisisDecision:
    """The most severe reading of the text. Patients switch languages mid-sentence and an unknown
    sender's language is unknown, so every text is read with every list; the patient's own language
    only breaks ties."""
    original, words = tokens(text)
    preferred = (language or "").split("-")[0].casefold()
    best, best_key = NO_CRISIS, (0, False)
    for code in LANGUAGES:
        lexicon = load(code)
        line = lexicon.read(words)
        for level, category, start, end in _judged(lexicon, line):
            key = (_RANK[level], code == preferred)
            if level is not CrisisLevel.NONE and key > best_key:
                best, best_key = CrisisDecision(level, _excerpt(original, line, start, end), category), key
    return best


def prepare() -> None:
    """Compiles every language's lists now, so the first patient's text does not wait for it."""
    for code in LANGUAGES:
        load(code)


def mentions_crisis(text: str) -> bool:
    """Crisis wording that needs a person (urgent or review), whatever the sender's language."""
    return classify(text, None).level is not CrisisLevel.NONE


def _judged(lexicon: Lexicon, line: Line):
    """Every urgent or review match, each with the level left once the words around it are weighed."""
    lowered = None
    for rule in lexicon.matches.candidates(line.words):
        for match in rule.pattern.finditer(line.text):
            if lowered is None:  # most texts match nothing: the lowering lists are read only when needed
                lowered = [(CrisisLevel(r.level), r.category, m.start(), m.end())
                           for r in lexicon.lowered.candidates(line.words)
                           for m in r.pattern.finditer(line.text)]
            level, category = _weighed(lexicon, line, CrisisLevel(rule.level), match.span(), lowered)
            yield level, category or rule.category, match.start(), match.end()


def _weighed(lexicon: Lexicon, line: Line, level: CrisisLevel, span: tuple[int, int],
             lowered: list) -> tuple[CrisisLevel, str | None]:
    """An idiom or a topic that takes in the words sets their level; a negation or another person as
    the subject lowers urgent words to review."""
    start, end = span
    touching = [(lv, category) for lv, category, s, e in lowered if s < end and start < e]
    if touching:
        kept = max(touching, key=lambda item: _RANK[item[0]])
        return kept if _RANK[kept[0]] < _RANK[level] else (level, None)
    if level is CrisisLevel.URGENT:
        before = line.starts[max(0, bisect_left(line.starts, start) - LOOKBACK_WORDS)]
        if lexicon.negated_before.search(line.text, before, start) or lexicon.negated_after.match(line.text, end):
            return CrisisLevel.REVIEW, "negated"
        if _about_someone_else(lexicon, line.text, before, start, end):
            return CrisisLevel.REVIEW, "third_person"
    return level, None


def _about_someone_else(lexicon: Lexicon, text: str, before: int, start: int, end: int) -> bool:
    """Another person is the subject just before the words, and nothing in or before them is about "me"."""
    if lexicon.first_person.search(text, start, end):
        return False
    subject = lexicon.subject.match(text, before, start)
    return subject is not None and not lexicon.first_person.search(text, subject.start(1), subject.end(1))


def _excerpt(original: str, line: Line, start: int, end: int) -> str:
    """The patient's words behind the line's words from start to end, as they wrote them."""
    first, last = bisect_left(line.starts, start), bisect_left(line.starts, end) - 1
    sources = [s for s in line.sources[first:last + 1] if s is not None]
    words = " ".join(original[sources[0][0]:sources[-1][1]].split()) if sources else ""
    return words if len(words) <= EXCERPT_CHARS else words[:EXCERPT_CHARS - 1].rstrip() + "…"
