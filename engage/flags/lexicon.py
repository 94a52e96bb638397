"""The crisis word lists a clinician keeps (crisis_lexicon/<language>.yaml), compiled for reading texts.

A patient's text is read as a line of plain words: lowercase, no accents or apostrophes, letters that
repeat for emphasis written once ("dieeee" and "kill" are "die" and "kil"), shorthand spelled out
("u" is "you", "dont" is "do not"), typos of a few long words mended and filler words left out
("i just really want to die" is "i want to die"). The phrases in the lists are read the same way,
so they are written as a person would write them (see engage.flags.phrases for the notation).

A list has two readings. The phrases under `matches` are read whole. The words under `concepts` are
read together: a rule under `together` names concepts (a way of dying, a place to fall from, "again"
or "on purpose") that, found a few words apart, need a person although no phrase says so.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from string import ascii_lowercase

import yaml

from engage.flags.phrases import ANY_WORD, LexiconError, PhraseReader

LANGUAGES = ("en", "es")
CLAUSE_END = "|"
# A word (letters, digits, apostrophes, and the "@", "$" and "*" that stand for letters) or sentence punctuation.
WORDS = re.compile(r"(?:[^\W_]|['’@$*])+|([.!?¡¿;:,\n]+)")
# Letters standing in for digits ("k1ll", "su1c1de"), read only inside a word that also has letters.
LOOKALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "@": "a", "$": "s"})
NEGATION_REACH = 4  # words between a negation and what it negates ("not going to ever ...")
SUBJECT_REACH = 6  # words between another person and what they said or did
MENDED_LENGTH = 5  # the shortest word whose sound-alike spellings are mended
FIRST_PERSON = "first_person"  # the concept read from third_person: first_person


@dataclass(frozen=True)
class Rule:
    level: str
    category: str
    phrase: str
    pattern: re.Pattern[str]  # " phrase": the leading space lets the engine skip straight to where words begin

    def spans(self, text: str):
        """Where the phrase stands in a line, from a word's start to past its last word's space."""
        position = 0
        while (found := self.pattern.search(text, position)) is not None:
            yield found.start() + 1, found.end()
            position = max(found.end() - 1, found.start() + 1)  # the space after one match begins the next


@dataclass(frozen=True, eq=False)
class Rules:
    """Phrases indexed by their anchors: a line is tried only against the phrases it could match."""
    rules: tuple[Rule, ...]
    by_word: dict[str, tuple[int, ...]]
    by_prefix: dict[str, tuple[int, ...]]
    prefix_lengths: tuple[int, ...]
    always: tuple[int, ...]

    def candidates(self, words: set[str]) -> list[Rule]:
        found = set(self.always)
        for word in words:
            found.update(_anchored(self, word))
        return [self.rules[i] for i in sorted(found)]


@lru_cache(maxsize=65536)
def _anchored(rules: Rules, word: str) -> frozenset[int]:
    """The phrases one word is an anchor of; texts repeat their words, so this is remembered."""
    found = set(rules.by_word.get(word, ()))
    for length in rules.prefix_lengths:
        found.update(rules.by_prefix.get(word[:length], ()))
    return frozenset(found)


@dataclass(frozen=True)
class Together:
    """Concepts that need a person when a text names every one of them a few words apart."""
    level: str
    category: str
    concepts: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Lexicon:
    language: str
    shorthand: dict[str, str]
    fillers: frozenset[str]
    vocabulary: frozenset[str]  # every word of the phrases
    stems: frozenset[str]  # the beginnings of their "word*" words
    near_misses: dict[str, str]  # typo -> the word it is read as
    endings: tuple[tuple[str, str], ...]
    swaps: tuple[tuple[str, str], ...]
    joined: tuple[str, ...]
    not_swapped: frozenset[str]
    matches: Rules
    lowered: Rules
    concepts: Rules  # one rule per wording, its category the concept it belongs to
    together: tuple[Together, ...]
    negated_before: re.Pattern[str]
    negated_after: re.Pattern[str]
    subject: re.Pattern[str]
    clause_words: frozenset[str]  # words after which a subject may stand, besides a sentence's start
    their_own: re.Pattern[str]  # "herself", "himself": the words are about someone else
    first_person: re.Pattern[str]
    unused_forms: frozenset[str]
    unused_concepts: frozenset[str]

    def words(self, token: str) -> tuple[str, ...]:
        """The line's words for one normalised token: none for a filler, shorthand spelled out, typos mended."""
        return _spelled(self, token)

    def read(self, words: list[tuple[str, tuple[int, int]]]) -> Line:
        """A text's normalised words (see tokens) as a line of this list's words."""
        line, starts, sources, position = [], [], [], 1
        for token, source in words + [(CLAUSE_END, None)]:
            for word in (CLAUSE_END,) if token == CLAUSE_END else self.words(token):
                line.append(word)
                starts.append(position)
                sources.append(source)
                position += len(word) + 1
        return Line(" " + " ".join(line) + " ", set(line), starts, sources)


@dataclass(frozen=True)
class Line:
    """A text as one word list reads it, and where each of its words came from in the text."""
    text: str  # " word word | word | "
    words: set[str]
    starts: list[int]  # where each word begins in text
    sources: list[tuple[int, int] | None]  # where each word was in the patient's text


def tokens(text: str) -> tuple[str, list[tuple[str, tuple[int, int]]]]:
    """The text in composed Unicode, and its normalised words with their places; "|" for a sentence end."""
    original = unicodedata.normalize("NFC", text)
    return original, [(CLAUSE_END if match.group(1) else normalise_token(match.group()), match.span())
                      for match in WORDS.finditer(original)]


def squeeze(word: str) -> str:
    """Letters repeated for emphasis or by habit written once: "dieeee" -> "die", "kill" -> "kil"."""
    return re.sub(r"([^\W\d_])\1+", r"\1", word)


@lru_cache(maxsize=8192)
def normalise_token(token: str) -> str:
    """One word as typed -> lowercase letters without accents or apostrophes, repeats squeezed."""
    # A starred-out letter ("k*ll", "d*e") is most often an i; stars around a word are emphasis.
    decomposed = unicodedata.normalize("NFKD", token.strip("*").casefold()).replace("*", "i")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "'’")
    if any(ch.isalpha() for ch in plain):
        plain = plain.translate(LOOKALIKES)
    return squeeze(plain)


@lru_cache(maxsize=None)
def load(language: str) -> Lexicon:
    text = resources.files("engage.flags").joinpath("crisis_lexicon", f"{language}.yaml").read_text("utf-8")
    # Every entry is text: "no", "y" or "988" must stay words, not become booleans or numbers.
    return compile_lexicon(language, yaml.load(text, Loader=yaml.BaseLoader))


def compile_lexicon(language: str, data: dict) -> Lexicon:
    shorthand = {normalise_token(k): " ".join(normalise_token(w) for w in v.split())
                 for k, v in data.get("shorthand", {}).items()}
    fillers = frozenset(normalise_token(w) for w in data.get("fillers", []))

    def spell(word: str) -> list[str]:
        plain = normalise_token(word)
        if plain in fillers:
            raise LexiconError(f"{word!r} is a filler word, which is left out of every text")
        return shorthand.get(plain, plain).split()

    reader = PhraseReader(data.get("forms", {}), spell)
    matches = _rules(data["matches"], reader, ("urgent", "review"))
    lowered = _rules(data.get("lowered", {}), reader, ("review", "none"))
    negation, others = data["negation"], data["third_person"]
    # The first-person words that tell another person from the patient are also a concept of their own.
    named = {**data.get("concepts", {}), FIRST_PERSON: others["first_person"]}
    concepts = _rules({"concept": named}, reader, ("concept",))
    together = _together(data.get("together", {}), named)
    cues, between = reader.alternatives(negation["before"]), reader.alternatives(negation["between"])
    answers, before_answer = reader.alternatives(negation["after"]), reader.alternatives(negation["after_between"])
    subjects = reader.alternatives(others["subjects"])
    vocabulary, stems = frozenset(reader.vocabulary), frozenset(reader.stems)
    misses, spelling = data.get("near_misses", {}), data.get("spelling", {})
    not_typos = vocabulary | stems | {normalise_token(w) for w in misses.get("except", [])}
    return Lexicon(
        language, shorthand, fillers, vocabulary, stems, _near_misses(misses.get("words", []), not_typos),
        endings=tuple(tuple(pair) for pair in spelling.get("endings", [])),
        swaps=tuple(tuple(pair) for pair in spelling.get("swaps", [])),
        joined=tuple(normalise_token(w) for w in spelling.get("joined", [])),
        not_swapped=frozenset(normalise_token(w) for w in spelling.get("except", [])),
        matches=matches, lowered=lowered, concepts=concepts, together=together,
        negated_before=re.compile(rf"(?<= )(?:{cues})(?:{between}){{0,{NEGATION_REACH}}}\Z"),
        negated_after=re.compile(rf"(?:{before_answer}){{0,2}}(?:\| )?(?:{answers})(?=\| )"),
        subject=re.compile(rf"(?s).*(?<= )((?:{subjects}))((?:{ANY_WORD}){{0,{SUBJECT_REACH}}})\Z"),
        clause_words=frozenset(w for word in others.get("clause_words", []) for w in spell(word)),
        their_own=_any_of(reader, others.get("their_own", [])),
        first_person=_any_of(reader, others["first_person"]),
        unused_forms=frozenset(data.get("forms", {})) - reader.used_forms,
        unused_concepts=frozenset(named) - {name for rule in together for name in rule.concepts})


def _any_of(reader: PhraseReader, phrases: list[str]) -> re.Pattern[str]:
    """Any of the phrases, where a word begins; a pattern that finds nothing when there are none."""
    return re.compile(rf"(?<= )(?:{reader.alternatives(phrases)})") if phrases else re.compile(r"(?!)")


def _together(sections: dict, named: dict) -> tuple[Together, ...]:
    rules = []
    for level, categories in sections.items():
        if level not in ("urgent", "review"):
            raise LexiconError(f"level {level!r} is not one of ('urgent', 'review')")
        for category, concepts in categories.items():
            unknown = [name for name in concepts if name not in named]
            if unknown or not set(concepts) - {FIRST_PERSON}:
                raise LexiconError(f"together: {category} names no concept but {FIRST_PERSON}, "
                                   f"or one not listed: {unknown}")
            rules.append(Together(level, category, tuple(concepts)))
    return tuple(rules)


def _rules(sections: dict, reader: PhraseReader, levels: tuple[str, ...]) -> Rules:
    rules, by_word, by_prefix, always = [], {}, {}, []
    for level, categories in sections.items():
        if level not in levels:
            raise LexiconError(f"level {level!r} is not one of {levels}")
        for category, phrases in categories.items():
            for phrase in phrases:
                pattern = re.compile(rf" (?:{reader.regex(phrase)})")
                anchors = reader.anchors(phrase)
                index = len(rules)
                rules.append(Rule(level, category, phrase, pattern))
                if anchors is None:
                    always.append(index)
                    continue
                for word in anchors.words:
                    by_word.setdefault(word, []).append(index)
                for stem in anchors.prefixes:
                    by_prefix.setdefault(stem, []).append(index)
    return Rules(tuple(rules), {word: tuple(ids) for word, ids in by_word.items()},
                 {stem: tuple(ids) for stem, ids in by_prefix.items()},
                 tuple(sorted({len(stem) for stem in by_prefix})), tuple(always))


def _one_letter_off(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in ascii_lowercase}
            | {a + c + b for a, b in splits for c in ascii_lowercase})


def _near_misses(words: Iterable[str], not_typos: frozenset[str]) -> dict[str, str]:
    """Every one-letter typo of these (long, unmistakable) words, read as the word."""
    typos: dict[str, str] = {}
    for word in map(normalise_token, words):
        for typo in map(squeeze, _one_letter_off(word)):
            if typo not in not_typos:
                typos.setdefault(typo, word)
    return typos


@lru_cache(maxsize=16384)
def _spelled(lexicon: Lexicon, token: str) -> tuple[str, ...]:
    return tuple(_mended(lexicon, token).split())


def _mended(lexicon: Lexicon, token: str) -> str:
    if token in lexicon.fillers:
        return ""
    if token in lexicon.shorthand:
        return lexicon.shorthand[token]
    if token in lexicon.vocabulary or token in lexicon.stems or len(token) < 3 or not token.isalpha():
        return token
    if token in lexicon.near_misses:
        return lexicon.near_misses[token]
    for old, new in lexicon.endings:
        if token.endswith(old) and (mended := token[: -len(old)] + new) in lexicon.vocabulary:
            return mended
    if len(token) < MENDED_LENGTH or token in lexicon.not_swapped:
        return token  # short words are too often other words
    for mended in _swapped(token, lexicon.swaps):
        if mended in lexicon.vocabulary:
            return lexicon.shorthand.get(mended, mended)
    for first in lexicon.joined:
        rest = token[len(first):]
        if token.startswith(first) and len(rest) + 1 >= MENDED_LENGTH and rest in lexicon.vocabulary:
            return f"{first} {rest}"
    return token


def _swapped(token: str, swaps: tuple[tuple[str, str], ...]):
    """Sound-alike spellings of a token: each swap made everywhere, then at each place on its own."""
    for old, new in swaps:
        if old in token:
            yield squeeze(token.replace(old, new))
            start = token.find(old)
            while start != -1:
                yield squeeze(token[:start] + new + token[start + len(old):])
                start = token.find(old, start + 1)
