"""The shipped catalogs against a fresh extraction: complete, not fuzzy, same placeholders, SMS that fit."""
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from engage.instruments import INSTRUMENTS
from engage.sms.render import sms_item_texts
from messages import sms, supported_languages, translate
from messages.segments import sms_segments
from messages.sms import MAX_SEGMENTS
from tests.patient_texts import LANGUAGES, sms_texts, to_every_language

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
SHIPPED = sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/messages.po"))


def _extracted() -> dict[tuple[str, str | None], str]:
    """What `pybabel extract -F babel.cfg` finds right now, as (msgid, context) -> file."""
    with (ROOT / "babel.cfg").open() as fp:
        method_map, options_map = parse_mapping_cfg(fp, "babel.cfg")
    found = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(str(ROOT), method_map, options_map):
        found[(message if isinstance(message, str) else message[0], context)] = filename
    return found


EXTRACTED = _extracted()


def _read(path: Path):
    with path.open("rb") as fp:
        return read_po(fp)


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def _translated(message) -> bool:
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms)


def _active(catalog):
    return {(message.id if isinstance(message.id, str) else message.id[0], message.context): message
            for message in catalog if message.id}


def test_there_are_texts_to_translate_and_a_spanish_catalog():
    assert len(EXTRACTED) > 50
    assert "es" in SHIPPED


def test_the_template_matches_the_source():
    template = _active(_read(LOCALES / "messages.pot"))
    assert set(template) == set(EXTRACTED), "run: pybabel extract -F babel.cfg -o locales/messages.pot ."


@pytest.mark.parametrize("language", SHIPPED)
def test_catalog_has_every_message_translated(language):
    catalog = _active(_read(LOCALES / language / "LC_MESSAGES" / "messages.po"))
    missing = [key[0] for key in EXTRACTED if key not in catalog]
    untranslated = [key[0] for key, message in catalog.items() if not _translated(message)]
    stale = [key[0] for key in catalog if key not in EXTRACTED]
    assert not missing, f"{language}: not in the catalog (run pybabel update): {missing}"
    assert not untranslated, f"{language}: untranslated: {untranslated}"
    assert not stale, f"{language}: no longer in the source (run pybabel update): {stale}"


@pytest.mark.parametrize("language", SHIPPED)
def test_catalog_has_no_fuzzy_entry(language):
    catalog = _read(LOCALES / language / "LC_MESSAGES" / "messages.po")
    # A fuzzy header makes `pybabel compile` skip the whole catalog.
    assert not catalog.fuzzy, f"{language}: the catalog header is marked fuzzy"
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not fuzzy, f"{language}: fuzzy entries must be reviewed: {fuzzy}"


@pytest.mark.parametrize("language", SHIPPED)
def test_placeholders_match_the_source(language):
    catalog = _read(LOCALES / language / "LC_MESSAGES" / "messages.po")
    wrong = {
        message.id: (sorted(_placeholders(message.id)), sorted(_placeholders(message.string)))
        for message in catalog
        if message.id and message.string and _placeholders(message.id) != _placeholders(message.string)
    }
    assert not wrong, f"{language}: placeholders differ (source, translation): {wrong}"


@pytest.mark.parametrize("language", SHIPPED)
def test_answer_word_lists_keep_their_shape(language):
    catalog = _read(LOCALES / language / "LC_MESSAGES" / "messages.po")
    for message in catalog:
        if message.id and "|" in message.id:
            words = [word.strip() for word in message.string.split("|")]
            assert all(words), f"{language}: empty alternative in {message.string!r}"
            if message.id == "zero|one|two|three":
                assert len(words) == 4, f"{language}: the numbers 0-3 need exactly four words"


ITEM_MESSAGES = [
    (language, code, index, sms_item_texts(instrument, index, language))
    for language in sorted(supported_languages())
    for code, instrument in INSTRUMENTS.items()
    for index in range(len(instrument.questions))
]


def _describe(case) -> str:
    language, code, index, texts = case
    counts = "+".join(f"{count.encoding}-{count.segments}seg" for count in map(sms_segments, texts))
    return f"{language}-{code}-q{index + 1}-{counts}"


@pytest.mark.parametrize("case", ITEM_MESSAGES, ids=_describe)
def test_every_item_message_fits_in_three_segments(case):
    language, code, index, texts = case
    for text in texts:
        count = sms_segments(text)
        print(f"{language} {code} q{index + 1}: {count.encoding}, {count.segments} segment(s), {count.units} units")
        assert count.segments <= MAX_SEGMENTS, f"{_describe(case)}: {text}"


@pytest.mark.parametrize("case", ITEM_MESSAGES, ids=_describe)
def test_every_question_reaches_the_patient_with_every_answer_label(case):
    language, code, index, texts = case
    question = INSTRUMENTS[code].questions[index]
    sent = " ".join(texts)
    assert translate(question.text, language) in texts[0]
    for choice in question.choices:
        assert f"{choice.value}={translate(choice.label, language)}" in sent, f"{_describe(case)}: {sent}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_fits_in_three_segments_with_real_names_times_and_links(language):
    too_long = {name: sms_segments(text).segments for name, text in sms_texts(language).items()
                if sms_segments(text).segments > MAX_SEGMENTS}
    assert not too_long


@pytest.mark.parametrize("msgid", [sms.SMS_UNKNOWN_NUMBER, sms.SMS_UNKNOWN_NUMBER_CRISIS])
def test_texts_to_unknown_numbers_fit_in_three_segments_in_every_language_at_once(msgid):
    assert sms_segments(to_every_language(msgid)).segments <= MAX_SEGMENTS
