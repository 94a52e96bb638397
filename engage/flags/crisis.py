"""Crisis wording in a patient's free text, sorted as the clinic acts on it.

Urgent: crisis resources and the on-call care manager at once. Review: a high-priority flag a
person reads (negated or uncertain wording, someone else, a talk or a loss, everyday despair).
A miss can cost a life and a false alarm a care manager's minute, so first-person wording about
dying or self-harm is urgent even when unsure ("idk if i want to be here anymore"); a negation,
another person, an idiom or a topic lowers only the words it touches ("im not ok i want to die"
stays urgent). The words themselves are in crisis_lexicon/<language>.yaml, kept by clinicians.

Texts are read twice. First for whole phrases ("i want to die"); then, when no phrase was urgent,
for concepts that together mean the same in words no phrase foresaw ("googled how much insulin
would be lethal": looking up, and dying). The same negations, idioms and other people lower both.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from engage.flags.lexicon import CLAUSE_END, FIRST_PERSON, LANGUAGES, Lexicon, Line, Together, load, tokens

EXCERPT_CHARS = 80
# How far back a negation or another person may stand: the cue's own words and the words it reaches over.
LOOKBACK_WORDS = 12
# How far apart the concepts of one `together` rule may stand, in words, from the first to the last.
TOGETHER_WORDS = 14
NEGATED, SOMEONE_ELSE = "negated", "third_person"  # the categories of a match lowered by the words around it


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
    reading = _Reading(lexicon, line)
    phrases = list(_phrases(reading))
    yield from phrases
    if all(level is not CrisisLevel.URGENT for level, *_ in phrases):
        yield from _concepts(reading, phrases)


@dataclass
class _Reading:
    """One line read with one list; the lowering wordings are found only when something matched."""
    lexicon: Lexicon
    line: Line
    _lowered: list | None = field(default=None, repr=False)

    @property
    def lowered(self) -> list[tuple[CrisisLevel, str, int, int]]:
        if self._lowered is None:
            self._lowered = [(CrisisLevel(r.level), r.category, start, end)
                             for r in self.lexicon.lowered.candidates(self.line.words)
                             for start, end in r.spans(self.line.text)]
        return self._lowered


def _phrases(reading: _Reading):
    lexicon, line = reading.lexicon, reading.line
    for rule in lexicon.matches.candidates(line.words):
        for start, end in rule.spans(line.text):
            level, category = _weighed(lexicon, line, CrisisLevel(rule.level), (start, end), reading.lowered)
            yield level, category or rule.category, start, end


class _Found(NamedTuple):
    """One concept's wording in a line: its first and last word, and where it stands in the line's text."""
    first: int
    last: int
    concept: str
    start: int
    end: int


def _concepts(reading: _Reading, phrases: list):
    """The `together` rules whose concepts the line names within TOGETHER_WORDS words, the first
    urgent one only (one is enough)."""
    lexicon, line = reading.lexicon, reading.line
    candidates = lexicon.concepts.candidates(line.words)
    # Only the wordings of concepts some rule could still use are looked for.
    possible = {rule.category for rule in candidates}
    needed = {c for rule in lexicon.together if possible.issuperset(rule.concepts) for c in rule.concepts}
    found = sorted(_Found(_word(line, start), _word(line, end) - 1, rule.category, start, end)
                   for rule in candidates if rule.category in needed for start, end in rule.spans(line.text))
    named = {f.concept for f in found}
    rules = [rule for rule in lexicon.together if named.issuperset(rule.concepts)]
    if not rules:
        return
    # Whose words they are is weighed again for all the concepts together: "busqué cómo ahorcarse"
    # reads "ahorcarse" as someone else's, but the looking up is the patient's.
    reviewed = [match for match in phrases if match[0] is CrisisLevel.REVIEW and match[1] != SOMEONE_ELSE]
    weighed: dict[_Found, tuple[CrisisLevel, str | None]] = {}

    def level_of(f: _Found) -> tuple[CrisisLevel, str | None]:
        if f.concept == FIRST_PERSON:  # a cue, never lowered
            return CrisisLevel.URGENT, None
        if f not in weighed:
            weighed[f] = _weighed(lexicon, line, CrisisLevel.URGENT, (f.start, f.end), reading.lowered, whose=False)
        return weighed[f]

    for rule in rules:
        judged = _judged_together(lexicon, line, rule, [f for f in found if f.concept in rule.concepts], level_of,
                                  reviewed)
        if judged is not None:
            yield judged
            if judged[0] is CrisisLevel.URGENT:
                return


def _judged_together(lexicon: Lexicon, line: Line, rule: Together, found: list[_Found], level_of, reviewed: list):
    """The rule's best reading over every window of TOGETHER_WORDS words, or None. Concepts all in
    words a phrase read at review stay at review ("bought a gun"): a clinician listed them so; one
    more concept elsewhere may still make them urgent ("got a gun yesterday, its loaded")."""
    best = None
    for opening in found:
        window = [f for f in found if opening.first <= f.first and f.last <= opening.first + TOGETHER_WORDS]
        chosen = _chosen(rule, window, level_of)
        if chosen is None:
            continue
        level, category, span, core, taken = chosen
        within = _within_one(taken, reviewed)
        if level is CrisisLevel.URGENT and within is not None:
            level, category = CrisisLevel.REVIEW, within
        elif level is CrisisLevel.URGENT and _about_another(lexicon, line, core):
            level, category = CrisisLevel.REVIEW, SOMEONE_ELSE
        level = min(level, CrisisLevel(rule.level), key=_RANK.get)
        if best is None or _RANK[level] > _RANK[best[0]]:
            best = (level, category or rule.category, *span)
        if level is CrisisLevel(rule.level):
            break
    return best if best is not None and best[0] is not CrisisLevel.NONE else None


def _chosen(rule: Together, window: list[_Found], level_of):
    """The rule's concepts in one window: the least lowered wording of each, no two on the same words
    (a first-person word may be part of another). Returns the level the most lowered of them leaves,
    its category, where they all stand, where the words other than first-person ones stand, and
    those wordings; None if a concept is missing."""
    taken: list[_Found] = []
    cues: list[_Found] = []
    level, category = CrisisLevel.URGENT, None
    for concept, count in Counter(rule.concepts).items():
        options = sorted((f for f in window if f.concept == concept), key=lambda f: -_RANK[level_of(f)[0]])
        if concept == FIRST_PERSON:
            cues += options[:count]
            if len(options) < count:
                return None
            continue
        picked = []
        for f in options:
            if len(picked) < count and not any(_overlap(f, other) for other in taken + picked):
                picked.append(f)
        if len(picked) < count:
            return None
        taken += picked
        weakest = min((level_of(f) for f in picked), key=lambda judged: _RANK[judged[0]])
        if _RANK[weakest[0]] < _RANK[level]:
            level, category = weakest
    everything = taken + cues
    return (level, category, (min(f.start for f in everything), max(f.end for f in everything)),
            (min(f.start for f in taken), max(f.end for f in taken)), taken)


def _within_one(taken: list[_Found], reviewed: list) -> str | None:
    """The category of a review phrase that takes in every one of the concepts' wordings, if any."""
    for _, category, start, end in reviewed:
        if all(start < f.end and f.start < end for f in taken):
            return category
    return None


def _overlap(a: _Found, b: _Found) -> bool:
    return a.start < b.end and b.start < a.end


def _about_another(lexicon: Lexicon, line: Line, span: tuple[int, int]) -> bool:
    """Another person is the subject just before the concepts read together ("my husband bought a
    rope"), and nothing among them is about "me". Texts drop the "i", so another person named with
    more than a pronoun counts only where a clause begins: in "called my mom to hear her voice one
    last time" she is not the one saying goodbye; "he", "she" and "who" are always someone's subject,
    and "herself" says whose the words are wherever the subject stands."""
    start, end = span
    before = line.starts[max(0, bisect_left(line.starts, start) - LOOKBACK_WORDS)]
    if lexicon.their_own.search(line.text, start, end) and not lexicon.first_person.search(line.text, start, end):
        return True
    subject = _subject(lexicon, line.text, before, start, end)
    if subject is None:
        return False
    previous = line.text[:subject.start(1)].split()
    return (len(subject.group(1).split()) == 1 or not previous or previous[-1] == CLAUSE_END
            or previous[-1] in lexicon.clause_words)


def _word(line: Line, position: int) -> int:
    return bisect_left(line.starts, position)


def _weighed(lexicon: Lexicon, line: Line, level: CrisisLevel, span: tuple[int, int],
             lowered: list, whose: bool = True) -> tuple[CrisisLevel, str | None]:
    """An idiom or a topic that takes in the words sets their level; a negation or (whose) another
    person as the subject lowers urgent words to review."""
    start, end = span
    touching = [(lv, category) for lv, category, s, e in lowered if s < end and start < e]
    if touching:
        kept = max(touching, key=lambda item: _RANK[item[0]])
        return kept if _RANK[kept[0]] < _RANK[level] else (level, None)
    if level is CrisisLevel.URGENT:
        before = line.starts[max(0, bisect_left(line.starts, start) - LOOKBACK_WORDS)]
        if lexicon.negated_before.search(line.text, before, start) or lexicon.negated_after.match(line.text, end):
            return CrisisLevel.REVIEW, NEGATED
        if whose and _about_someone_else(lexicon, line.text, before, start, end):
            return CrisisLevel.REVIEW, SOMEONE_ELSE
    return level, None


def _about_someone_else(lexicon: Lexicon, text: str, before: int, start: int, end: int) -> bool:
    """Another person is the subject just before the words, and nothing in or before them is about "me"."""
    return _subject(lexicon, text, before, start, end) is not None


def _subject(lexicon: Lexicon, text: str, before: int, start: int, end: int) -> re.Match[str] | None:
    """Another person named just before the words (group 1), when nothing in them or between is about "me"."""
    if lexicon.first_person.search(text, start, end):
        return None
    subject = lexicon.subject.match(text, before, start)
    if subject is None or lexicon.first_person.search(text, subject.start(2), subject.end(2)):
        return None
    return subject


def _excerpt(original: str, line: Line, start: int, end: int) -> str:
    """The patient's words behind the line's words from start to end, as they wrote them."""
    first, last = bisect_left(line.starts, start), bisect_left(line.starts, end) - 1
    sources = [s for s in line.sources[first:last + 1] if s is not None]
    words = " ".join(original[sources[0][0]:sources[-1][1]].split()) if sources else ""
    return words if len(words) <= EXCERPT_CHARS else words[:EXCERPT_CHARS - 1].rstrip() + "…"
