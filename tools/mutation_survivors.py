"""The mutants `make mutation` leaves alive on purpose, each with why no test can or should kill it,
by file, original line and mutated line (both stripped, as tools/mutation.py prints them)."""
from __future__ import annotations

_FROZEN = ("Harmless: nothing assigns to or hashes these values; `frozen` documents that they are "
           "results, not state.")
_KEYWORD_NAME = ("Harmless: the name only labels the reply's message kind (`keyword_opt_out`) in the message "
                 "log; nothing reads it back, and the keyword itself is compared by identity.")
EXPLAINED: dict[tuple[str, str, str], str] = {
    **{(path, "@dataclass(frozen=True)", "@dataclass(frozen=False)"): _FROZEN
       for path in ("engage/instruments/scoring.py", "engage/checkins/conversation.py",
                    "engage/scheduling/quiet_hours.py")},
    ("engage/instruments/parsing.py", "@lru_cache(maxsize=None)", ""):
        "Harmless: the cache only saves rebuilding the vocabulary for every reply.",
    ("engage/instruments/parsing.py", "if choice.value < len(numbers):", "if choice.value <= len(numbers):"):
        "Equivalent: every scale is 0-3 and every catalog has the four number words zero to three, so a "
        "value never equals the count of number words.",
    ("engage/messaging/keywords.py", 'OPT_OUT = "opt_out"', 'OPT_OUT = "XXopt_outXX"'): _KEYWORD_NAME,
    ("engage/messaging/keywords.py", 'OPT_IN = "opt_in"', 'OPT_IN = "XXopt_inXX"'): _KEYWORD_NAME,
    ("engage/messaging/keywords.py", 'HELP = "help"', 'HELP = "XXhelpXX"'): _KEYWORD_NAME,
    ("engage/messaging/keywords.py",
     'Keyword.OPT_OUT: {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",',
     'Keyword.OPT_OUT: {"stop", "stopall", "XXunsubscribeXX", "cancel", "end", "quit", "revoke", "optout",'):
        "Equivalent: the phrase `\\bunsubscribe\\b` opts out any text containing the word, alone or wrapped.",
    ("engage/messaging/keywords.py",
     'rf"\\bstop (?:sending|texting) (?:me )?(?:these |this |your |any )?(?:more )?{_MESSAGES}\\b",',
     'rf"XX\\bstop (?:sending|texting) (?:me )?(?:these |this |your |any )?(?:more )?{_MESSAGES}\\bXX",'):
        "Equivalent: the first phrase already matches every text this one matches (`stop sending`, "
        "`stop texting` followed by anything).",
    ("engage/messaging/keywords.py",
     'words = normalise(text).replace("don t", "dont").replace("do not", "dont")',
     'words = normalise(text).replace("don t", "dont").replace("XXdo notXX", "dont")'):
        "Equivalent: every phrase that accepts `dont` also accepts `do not`.",
    ("engage/scheduling/quiet_hours.py", "if start < end:", "if start <= end:"):
        "Equivalent: `start == end` has already returned (no quiet hours).",
    ("engage/scheduling/rate_limit.py",
     ".values(next_slot=case((_RATES.c.next_slot > now, _RATES.c.next_slot), else_=now) + interval)",
     ".values(next_slot=case((_RATES.c.next_slot >= now, _RATES.c.next_slot), else_=now) + interval)"):
        "Equivalent: when the next free slot is exactly now, both branches give now.",
}


