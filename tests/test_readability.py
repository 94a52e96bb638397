"""Every text engage writes reads at grade 6 or below in English and 70 or above (easy) in Spanish.

Each text is measured on its own, filled as the patient gets it: textstat strips the braces of an
unfilled placeholder and counts its name as a word, so placeholders carry real values. A clinic name
of long words ("Riverside Family Medicine") raises the grade; phone digits and clock times count as
one-syllable words. The published instrument wording (messages.instruments) is validated and not
measured here.
"""
import re

import pytest
import textstat

from tests.patient_texts import LANGUAGES, page_texts, sms_texts, voice_texts

MAX_ENGLISH_GRADE = 6  # Flesch-Kincaid grade
MIN_SPANISH_EASE = 70  # Fernandez-Huerta: 70-80 "fairly easy", above 80 "easy"
# A link is tapped, not read: the formulas would count its letters as the syllables of one long word.
LINK = re.compile(r"https?://\S+")


def readability(text: str, language: str) -> float:
    textstat.set_lang(language)
    prose = LINK.sub("", text)
    return textstat.flesch_kincaid_grade(prose) if language == "en" else textstat.fernandez_huerta(prose)


def _cases():
    for language in LANGUAGES:
        for name, text in {**sms_texts(language), **voice_texts(language), **page_texts(language)}.items():
            yield pytest.param(language, text, id=f"{language}-{name}")


@pytest.mark.parametrize("language, text", _cases())
def test_every_text_is_easy_to_read(language, text):
    score = readability(text, language)
    if language == "en":
        assert score <= MAX_ENGLISH_GRADE, f"grade {score}: {text}"
    else:
        assert score >= MIN_SPANISH_EASE, f"ease {score}: {text}"


def test_the_measure_tells_plain_from_hard_text():
    plain_en = "We got your message. Your care team will see it."
    hard_en = ("Notwithstanding administrative considerations, appointment rescheduling necessitates "
               "communication with organizational representatives.")
    assert readability(plain_en, "en") <= MAX_ENGLISH_GRADE < readability(hard_en, "en")
    plain_es = "Recibimos su mensaje. Su equipo de salud lo va a ver."
    hard_es = ("Independientemente de consideraciones administrativas, la reprogramación necesita "
               "comunicación con representantes institucionales.")
    assert readability(hard_es, "es") < MIN_SPANISH_EASE <= readability(plain_es, "es")


def test_a_link_is_not_scored_as_words():
    text = "To join your video visit, tap this link: https://engage.example.org/visit/MTIzNDU2.aw34QQ.1Otdi0Yq"
    assert readability(text, "en") == readability("To join your video visit, tap this link:", "en")
