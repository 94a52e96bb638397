"""Carrier keywords in English and Spanish, honoured whatever the conversation state (CTIA)."""
from __future__ import annotations

from enum import StrEnum

from engage.instruments.parsing import normalise


class Keyword(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


_WORDS = {
    Keyword.OPT_OUT: {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
                      "alto", "parar", "cancelar", "baja"},
    Keyword.OPT_IN: {"start", "unstop", "yes", "comenzar", "si"},
    Keyword.HELP: {"help", "info", "ayuda"},
}
_BY_WORD = {word: keyword for keyword, words in _WORDS.items() for word in words}
# YES and SI also answer other questions (appointment confirmations): they opt in only a
# patient who has opted out.
AMBIGUOUS_OPT_IN = frozenset({"yes", "si"})
# Twilio's Advanced Opt-Out reports what it already handled in this parameter.
_OPT_OUT_TYPES = {"STOP": Keyword.OPT_OUT, "START": Keyword.OPT_IN, "HELP": Keyword.HELP}


def keyword_in(text: str, opted_out: bool, opt_out_type: str | None = None) -> Keyword | None:
    if opt_out_type and opt_out_type.upper() in _OPT_OUT_TYPES:
        return _OPT_OUT_TYPES[opt_out_type.upper()]
    word = normalise(text).replace(" ", "")
    keyword = _BY_WORD.get(word)
    if keyword is Keyword.OPT_IN and word in AMBIGUOUS_OPT_IN and not opted_out:
        return None
    return keyword
