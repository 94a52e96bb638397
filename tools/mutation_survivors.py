"""The mutants `make mutation` leaves alive on purpose, each with why no test can or should kill it,
by file, original line and mutated line (both stripped, as tools/mutation.py prints them)."""
from __future__ import annotations

_FROZEN = ("Harmless: nothing assigns to or hashes these values; `frozen` documents that they are "
           "results, not state.")
_KEYWORD_NAME = ("Harmless: the name only labels the reply's message kind (`keyword_opt_out`) in the message "
                 "log; nothing reads it back, and the keyword itself is compared by identity.")
_REPR = "Harmless: a reading is never printed; `repr=False` only keeps the cached matches out of its repr."
EXPLAINED: dict[tuple[str, str, str], str] = {
    **{(path, "@dataclass(frozen=True)", "@dataclass(frozen=False)"): _FROZEN
       for path in ("engage/instruments/scoring.py", "engage/outbox/quiet_hours.py", "engage/flags/crisis.py")},
    ("engage/checkins/conversation.py",
     "Step = Intro | Ask | Reprompt | CrisisResources | Reminder | Resume | MovingOn | Closing", "Step = None"):
        "Equivalent: `Step` is only a type: read in annotations, which are never evaluated, and in the "
        "voice renderer's union of steps, itself read only in annotations (`None | ...` builds it as well).",
    ("engage/instruments/parsing.py", "@lru_cache(maxsize=None)", ""):
        "Harmless: the cache only saves rebuilding the vocabulary for every reply.",
    ("engage/instruments/parsing.py", "if choice.value < len(numbers):", "if choice.value <= len(numbers):"):
        "Equivalent: every scale is 0-3 and every catalog has the four number words zero to three, so a "
        "value never equals the count of number words.",
    ("engage/sms/keywords.py", 'OPT_OUT = "opt_out"', 'OPT_OUT = "XXopt_outXX"'): _KEYWORD_NAME,
    ("engage/sms/keywords.py", 'OPT_IN = "opt_in"', 'OPT_IN = "XXopt_inXX"'): _KEYWORD_NAME,
    ("engage/sms/keywords.py", 'HELP = "help"', 'HELP = "XXhelpXX"'): _KEYWORD_NAME,
    ("engage/sms/keywords.py",
     'Keyword.OPT_OUT: {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",',
     'Keyword.OPT_OUT: {"stop", "stopall", "XXunsubscribeXX", "cancel", "end", "quit", "revoke", "optout",'):
        "Equivalent: the phrase `\\bunsubscribe\\b` opts out any text containing the word, alone or wrapped.",
    ("engage/sms/keywords.py",
     'return normalise(text).replace("don t", "dont").replace("do not", "dont")',
     'return normalise(text).replace("don t", "dont").replace("XXdo notXX", "dont")'):
        "Equivalent: every phrase that accepts `dont` also accepts `do not`.",
    ("engage/outbox/quiet_hours.py", "if start < end:", "if start <= end:"):
        "Equivalent: `start == end` has already returned (no quiet hours).",
    ("engage/outbox/rate_limit.py",
     ".values(next_slot=case((_RATES.c.next_slot > now, _RATES.c.next_slot), else_=now) + interval)",
     ".values(next_slot=case((_RATES.c.next_slot >= now, _RATES.c.next_slot), else_=now) + interval)"):
        "Equivalent: when the next free slot is exactly now, both branches give now.",
    ("engage/outbox/rate_limit.py",
     'lambda: SendRateLimiter(runtime.engine, f"{channel}:{settings.sender}", rate))',
     'lambda: SendRateLimiter(runtime.engine, f"XX{channel}:{settings.sender}XX", rate))'):
        "Equivalent: the key only names the row of shared slots; it is still the same for every worker "
        "sending from one number on one channel and differs otherwise, and nothing else reads it.",
    ("engage/flags/crisis.py", "LOOKBACK_WORDS = 12", "LOOKBACK_WORDS = 13"):
        "Harmless: the window only bounds the search; the negation and subject patterns end at the crisis "
        "words and reach back a cue plus at most NEGATION_REACH (4) or SUBJECT_REACH (6) words.",
    ("engage/flags/crisis.py", "_RANK = {CrisisLevel.NONE: 0, CrisisLevel.REVIEW: 1, CrisisLevel.URGENT: 2}",
     "_RANK = {CrisisLevel.NONE: 0, CrisisLevel.REVIEW: 1, CrisisLevel.URGENT: 3}"):
        "Equivalent: only the order of the ranks is used, and 0 < 1 < 3 keeps it.",
    ("engage/flags/crisis.py", 'preferred = (language or "").split("-")[0].casefold()',
     'preferred = (language or "XXXX").split("-")[0].casefold()'):
        "Equivalent: with no language, neither \"\" nor \"xxxx\" names a list, so no list is preferred.",
    ("engage/flags/crisis.py", "best, best_key = NO_CRISIS, (0, False)", "best, best_key = NO_CRISIS, (0, True)"):
        "Equivalent: any reading kept is review or urgent, ranked 1 or 2, above either starting key.",
    ("engage/flags/crisis.py", "return kept if _RANK[kept[0]] < _RANK[level] else (level, None)",
     "return kept if _RANK[kept[0]] <= _RANK[level] else (level, None)"):
        "Harmless: only a review saying over review words differs, and the level stays review; the flag "
        "then names the saying's list (\"idiom\") rather than the words' own.",
    ("engage/flags/crisis.py",
     'words = " ".join(original[sources[0][0]:sources[-1][1]].split()) if sources else ""',
     'words = " ".join(original[sources[0][0]:sources[-1][1]].split()) if sources else "XXXX"'):
        "Equivalent: every matched span holds at least one of the patient's words, and each has its place "
        "in the text (only the line's closing mark has none), so `sources` is never empty.",
    ("engage/flags/crisis.py", "_lowered: list | None = field(default=None, repr=False)",
     "_lowered: list & None = field(default=None, repr=False)"):
        "Equivalent: the module postpones annotations, and a dataclass only reads them as text.",
    ("engage/flags/crisis.py", "_lowered: list | None = field(default=None, repr=False)",
     "_lowered: list | None = field(default=None, repr=True)"): _REPR,
    ("engage/flags/crisis.py", "_lowered: list | None = field(default=None, repr=False)",
     "_lowered: list | None = None"): _REPR,
    ("engage/flags/crisis.py", "weighed: dict[_Found, tuple[CrisisLevel, str | None]] = {}",
     "weighed: dict[_Found, tuple[CrisisLevel, str & None]] = {}"):
        "Equivalent: Python never evaluates the annotation of a local variable.",
    ("engage/flags/crisis.py", "if judged[0] is CrisisLevel.URGENT:", "if judged[1] is CrisisLevel.URGENT:"):
        "Equivalent: the rules after the first urgent one are read too, but none can rank higher, and "
        "`classify` replaces a reading only with one that ranks higher (the first of equal rank stays).",
    ("engage/flags/crisis.py", "break", "continue"):
        "Equivalent: it is the loop's last statement; once a window reaches the rule's level no later window "
        "ranks higher (the level is capped at the rule's), and `best` is replaced only by a higher one.",
    ("engage/flags/crisis.py",
     "return best if best is not None and best[0] is not CrisisLevel.NONE else None",
     "return best if best is not None and best[1] is not CrisisLevel.NONE else None"):
        "Equivalent: a reading left at none is then yielded instead of dropped, and `classify` drops it: it "
        "keeps only urgent or review readings.",
    ("engage/flags/crisis.py", "cues += options[:count]", "cues = options[:count]"):
        "Equivalent: each concept comes once from the Counter, so `cues` is still empty when first-person "
        "cues are added.",
    ("engage/flags/crisis.py", "if _RANK[weakest[0]] < _RANK[level]:", "if _RANK[weakest[0]] <= _RANK[level]:"):
        "Harmless: the level is the same; only when two concepts are lowered to the same level does the later "
        "one, not the earlier, name why (both are true reasons).",
}


