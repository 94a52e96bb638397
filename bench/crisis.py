"""Crisis wording: the classifier against the labelled corpus of patient texts, per language, and
its throughput beside the exact phrase list it replaced, in the same process.

    .venv/bin/python -m bench.crisis [--seconds 2]

Sensitivity is the share of texts labelled urgent that are read as urgent; false urgent the share
of the other texts (review and none) read as urgent; review agreement the share of texts labelled
review that are read as review. The phrase list counts as urgent whenever it matches.
"""
from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable

from engage.flags.crisis import classify
from engage.flags.lexicon import LANGUAGES
from engage.instruments.parsing import normalise
from tests.crisis_corpus import Figures, Row, corpus, figures

SHOWN_CHARS = 70
# The exact phrase list engage matched before the classifier, kept here as the baseline only.
PHRASES = (
    "suicide", "suicidal", "kill myself", "killing myself", "end my life", "ending my life", "take my life",
    "want to die", "wanna die", "better off dead", "no reason to live", "hurt myself", "hurting myself",
    "self harm", "overdose", "end it all", "dont want to live", "don't want to live", "not want to be alive",
    "suicidio", "suicidarme", "suicida", "quiero morir", "quiero morirme", "matarme", "me quiero matar",
    "quitarme la vida", "acabar con mi vida", "no quiero vivir", "hacerme dano", "mejor muerto", "mejor muerta",
    "no vale la pena vivir",
)
PHRASE_LIST = re.compile(r"\b(" + "|".join(re.escape(normalise(p)) for p in PHRASES) + r")\b")


def phrase_list_level(text: str) -> str:
    return "urgent" if PHRASE_LIST.search(normalise(text)) else "none"


def classifier_level(language: str) -> Callable[[str], str]:
    return lambda text: classify(text, language).level.value


def per_second(level_of: Callable[[str], str], texts: list[str], seconds: float) -> tuple[float, float]:
    """Texts read per second, round robin over the corpus, and the 99th percentile of one text in microseconds."""
    durations, end = [], time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < end:
        for text in texts:
            before = time.perf_counter()
            level_of(text)
            durations.append(time.perf_counter() - before)
    rate = len(durations) / (time.perf_counter() - started)
    return rate, sorted(durations)[int(len(durations) * 0.99)] * 1e6


def shown(rows: list[Row]) -> str:
    return "\n".join(f"    [{row.label}/{row.category}] {row.text[:SHOWN_CHARS]}" for row in rows) or "    none"


def report(language: str, name: str, result: Figures) -> None:
    print(f"{language:<4}{name:<13}{result.urgent:>7}{result.review:>7}{result.none:>6}"
          f"{result.sensitivity:>13.1%}{result.false_urgent:>14.1%}{result.review_agreement:>9.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds of reading per throughput figure")
    args = parser.parse_args()
    classify("warm up", None)  # the word lists compile on first use
    print(f"{'':<17}{'urgent':>7}{'review':>7}{'none':>6}{'sensitivity':>13}{'false urgent':>14}{'review':>9}")
    details = []
    for language in LANGUAGES:
        rows = corpus(language)
        result = figures(rows, classifier_level(language))
        report(language, "classifier", result)
        report(language, "phrase list", figures(rows, phrase_list_level))
        details.append((language, result))
    for language, result in details:
        print(f"\n{language} urgent texts not read as urgent:\n{shown(result.misses)}")
        print(f"{language} other texts read as urgent:\n{shown(result.false_alarms)}")
    texts = [row.text for language in LANGUAGES for row in corpus(language)]
    print(f"\nthroughput over {len(texts)} corpus texts, {args.seconds:g} s each:")
    for name, level_of in (("classifier", classifier_level("en")), ("phrase list", phrase_list_level)):
        rate, p99 = per_second(level_of, texts, args.seconds)
        print(f"  {name:<12}{rate:>10,.0f} texts/s{1e6 / rate:>8.1f} µs mean{p99:>8.0f} µs p99")


if __name__ == "__main__":
    main()
