"""The phrase notation of the crisis word lists, read into regular expressions over a line of words.

A line is a text's words, each followed by one space, with "|" where a sentence ends. A phrase is
words separated by spaces: "a/b" is either word; "(a b|c)" either wording; a trailing "?" makes a
word, a form or a wording optional; "!a/b" means the next word is neither; "word*" is any word
starting so and "*word" any word ending so; "{form}" is any entry of that form; "..." is up to three
other words; "#" a number and "##" a number of ten or more; "$" the end of a sentence and "$$" the
end of the text.

Each phrase also gets its anchors: words one of which any text it matches must contain, so that
a text is only tried against the phrases whose anchors it has.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

ANY_WORD = r"[^ |]+ "
GAP = 3


class LexiconError(ValueError):
    """A word list that cannot be read as written."""


@dataclass(frozen=True)
class Anchors:
    words: frozenset[str]
    prefixes: frozenset[str]

    def __or__(self, other: Anchors) -> Anchors:
        return Anchors(self.words | other.words, self.prefixes | other.prefixes)

    def __len__(self) -> int:
        return len(self.words) + len(self.prefixes)


class PhraseReader:
    def __init__(self, forms: dict[str, list[str]], spell: Callable[[str], list[str]]):
        self.forms, self.spell = forms, spell
        self.vocabulary: set[str] = set()
        self.stems: set[str] = set()
        self.used_forms: set[str] = set()
        self._regex: dict[str, str] = {}
        self._anchors: dict[str, Anchors | None] = {}
        self._reading: set[str] = set()

    def alternatives(self, phrases: list[str]) -> str:
        return "|".join(self.regex(phrase) for phrase in phrases)

    def regex(self, phrase: str) -> str:
        try:
            return "".join(self._token(token) for token in _tokens(phrase))
        except LexiconError as error:
            raise LexiconError(f"{error} (in {phrase!r})") from None

    def anchors(self, phrase: str) -> Anchors | None:
        """The smallest set of words, one of which is in every line the phrase matches; None if any line."""
        best = None
        for token in _tokens(phrase):
            found = self._token_anchors(token)
            if found is not None and (best is None or len(found) < len(best)):
                best = found
        return best

    def _token(self, token: str) -> str:
        if token == "...":
            return f"(?:{ANY_WORD}){{0,{GAP}}}"
        if token == "$":
            return r"(?=\| )"
        if token == "$$":
            return r"(?=(?:\| )+$)"
        if token == "#":
            return r"[0-9]+ "
        if token == "##":
            return r"[1-9][0-9]+ "
        if token.startswith("!"):
            return f"(?!{self._token(token[1:])})"
        optional = token.endswith("?")
        body = "|".join(self._alternative(a) for a in _alternatives(token.removesuffix("?")))
        return f"(?:{body})?" if optional else f"(?:{body})"

    def _alternative(self, alternative: str) -> str:
        if not (alternative.startswith("(") or alternative.startswith("{")):
            return self._word(alternative)
        if alternative not in self._regex:
            if alternative in self._reading:
                raise LexiconError(f"{alternative} refers to itself")
            self._reading.add(alternative)
            self._regex[alternative] = "|".join(self.regex(phrase) for phrase in self._phrases(alternative))
            self._reading.discard(alternative)
        return self._regex[alternative]

    def _token_anchors(self, token: str) -> Anchors | None:
        if token in ("...", "$", "$$", "#", "##") or token.startswith("!") or token.endswith("?"):
            return None  # no word, or a word that may be missing
        found = Anchors(frozenset(), frozenset())
        for alternative in _alternatives(token):
            if alternative.startswith("(") or alternative.startswith("{"):
                for phrase in self._phrases(alternative):
                    anchors = self._cached_anchors(phrase)
                    if anchors is None:
                        return None
                    found |= anchors
            elif alternative.startswith("*"):
                return None
            elif alternative.endswith("*"):
                found |= Anchors(frozenset(), frozenset({self.spell(alternative[:-1])[0]}))
            else:
                found |= Anchors(frozenset({self.spell(alternative)[0]}), frozenset())
        return found

    def _cached_anchors(self, phrase: str) -> Anchors | None:
        if phrase not in self._anchors:
            self._anchors[phrase] = self.anchors(phrase)
        return self._anchors[phrase]

    def _phrases(self, alternative: str) -> list[str]:
        """The phrases a "(a|b c)" wording or a "{form}" stands for."""
        if alternative.startswith("("):
            if not alternative.endswith(")"):
                raise LexiconError(f"{alternative!r} does not end with ')'")
            return _split(alternative[1:-1], "|")
        name = alternative.strip("{}")
        if name not in self.forms:
            raise LexiconError(f"{{{name}}} is used but not listed under forms")
        self.used_forms.add(name)
        return self.forms[name]

    def _word(self, word: str) -> str:
        if word.startswith("*") or word.endswith("*"):
            stem = self.spell(word.strip("*"))[0]
            self.stems.add(stem)
            return rf"{re.escape(stem)}[^ |]* " if word.endswith("*") else rf"[^ |]*{re.escape(stem)} "
        words = self.spell(word)
        self.vocabulary.update(words)
        return "".join(re.escape(w) + " " for w in words)


def _tokens(phrase: str) -> list[str]:
    tokens = _split(phrase, " ")
    if not tokens:
        raise LexiconError("an empty phrase")
    return tokens


def _alternatives(token: str) -> list[str]:
    """ "a/b/{form}" -> its alternatives; a parenthesised wording is one alternative."""
    if token.startswith("("):
        return [token]
    alternatives = token.split("/")
    if not all(alternatives):
        raise LexiconError(f"an empty alternative in {token!r}")
    return alternatives


def _split(text: str, separator: str) -> list[str]:
    """Splits at the separator outside parentheses: "a (b c|d) e" -> ["a", "(b c|d)", "e"]."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    if depth:
        raise LexiconError(f"unbalanced parentheses in {text!r}")
    return [part.strip() for part in parts + [current] if part.strip()]
