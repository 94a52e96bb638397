"""What patients read and hear: their own language, their own time zone, no clinical labels."""
import os
import re
import shutil
from datetime import datetime, timezone

import pytest

import messages
from engage.instruments import INSTRUMENTS, get_instrument, normalise
from engage.sms.render import sms_checkin_intro, sms_item_texts
from engage.voice.render import voice_checkin_start, voice_item
from messages import catalog, instruments, sms
from messages import format_datetime_for_patient, format_phone_for_patient, resolve_language, speakable_phone, translate
from messages.segments import sms_segments
from tests.patient_texts import LANGUAGES, SMS_TEXTS, VOICE_TEXTS, params, sms_texts, to_every_language, voice_texts

# Word starts, matched after accents are removed: "PHQ-9", "scores", "depresión", "diagnóstico"...
CLINICAL_WORDS = re.compile(r"\b(phq|gad|depression|anxiety|score|depresion|ansiedad|puntaje|puntuacion|diagnos)")
ITEM_TEXTS = {name: value for name, value in vars(instruments).items() if name.isupper() and isinstance(value, str)}
OPT_OUT_LINE = {"en": "Reply STOP to opt out.", "es": "Responda STOP para no recibir más mensajes."}
# Sent again and again, so each tells how to stop (CTIA).
RECURRING = ["SMS_CHECKIN_INTRO", "SMS_CHECKIN_REMINDER", "SMS_APPOINTMENT_REMINDER", "SMS_APPOINTMENT_REMINDER_VIDEO",
             "SMS_NO_SHOW", "SMS_HELP", "SMS_OPT_IN_CONFIRMATION"]
# Carrier opt-out words in English and Spanish: a patient told to reply one of them would be opted out.
CARRIER_OPT_OUT_WORDS = {"stop", "end", "cancel", "quit", "unsubscribe", "stopall", "revoke", "optout",
                         "alto", "parar", "cancelar", "baja", "detener", "pare", "basta"}


def _rendered(language):
    """Every patient-facing text as sent: the fixed texts and every question of every instrument."""
    out = sms_texts(language) | voice_texts(language)
    for code, instrument in INSTRUMENTS.items():
        out[f"{code} voice start"] = voice_checkin_start(instrument, language)
        for index in range(len(instrument.questions)):
            for part, text in enumerate(sms_item_texts(instrument, index, language)):
                out[f"{code} sms {index}.{part}"] = text
            out[f"{code} voice {index}"] = voice_item(instrument, index, language)
    return out


@pytest.fixture
def fresh_catalogs(monkeypatch, tmp_path):
    """Catalogs loaded from a copy of locales/ that the test may change."""
    shutil.copytree(catalog.LOCALES_DIR, tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(catalog, "LOCALES_DIR", tmp_path / "locales")
    catalog.translations.cache_clear()
    catalog.supported_languages.cache_clear()
    yield tmp_path / "locales" / "es" / "LC_MESSAGES"
    catalog.translations.cache_clear()
    catalog.supported_languages.cache_clear()


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_text_has_its_own_translation(language):
    english = params("en")
    same = [name for name, msgid in {**SMS_TEXTS, **VOICE_TEXTS, **ITEM_TEXTS}.items()
            if translate(msgid, language, **english) == translate(msgid, "en", **english)]
    assert not same


def test_a_spanish_speaking_patient_sees_only_spanish():
    english = re.compile(
        r"\b(the|you|your|reply|press|please|thank|question|reminder|appointment|help|call|not at all|several days)\b",
        re.I,
    )
    leaks = {name: text for name, text in _rendered("es").items() if english.search(text)}
    assert not leaks


def test_a_long_spanish_question_sends_its_answers_as_the_next_text():
    assert sms_item_texts(get_instrument("phq9"), 0, "es") == (
        "P1/9: Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes "
        "problemas? Poco interés o placer en hacer cosas.",
        "Responda 0=Ningún día, 1=Varios días, 2=Más de la mitad de los días, 3=Casi todos los días",
    )


def test_a_short_spanish_question_carries_its_answers():
    assert sms_item_texts(get_instrument("phq9"), 4, "es") == (
        "P5/9: Sin apetito o ha comido en exceso. Responda 0=Ningún día, 1=Varios días, "
        "2=Más de la mitad de los días, 3=Casi todos los días",
    )


def test_english_item_message_carries_the_instructions_and_the_key():
    assert sms_item_texts(get_instrument("phq9"), 2, "en") == (
        "Q3/9: Over the last 2 weeks, how often have you been bothered by any of the following problems? "
        "Trouble falling or staying asleep, or sleeping too much. "
        "Reply 0=Not at all, 1=Several days, 2=More than half the days, 3=Nearly every day",
    )


def test_the_closing_question_has_no_number_and_its_own_answers_in_every_language():
    english, = sms_item_texts(get_instrument("phq9"), 9, "en")
    assert english.startswith("How difficult") and english.endswith(
        "Reply 0=Not difficult at all, 1=Somewhat difficult, 2=Very difficult, 3=Extremely difficult")
    question, answers = sms_item_texts(get_instrument("phq9"), 9, "es")
    assert question.startswith("¿Qué tanta dificultad") and question.endswith("con otras personas?")
    assert answers == "Responda 0=No ha sido difícil, 1=Un poco difícil, 2=Muy difícil, 3=Extremadamente difícil"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_the_first_question_carries_the_published_instructions(code, language):
    instrument = get_instrument(code)
    first = sms_item_texts(instrument, 0, language)[0]
    assert translate(instrument.stem, language) in first
    assert translate(instrument.stem, language) not in sms_checkin_intro(instrument, language, "Riverside")


def test_the_intro_explains_how_to_answer_and_how_to_stop():
    assert sms_checkin_intro(get_instrument("gad7"), "en", "Riverside Family Medicine") == (
        "Riverside Family Medicine: We have 7 short questions for you. Answer each one with a number from 0 to 3. "
        "Send one at a time, or all at once with spaces between. Reply STOP to opt out.")
    assert sms_checkin_intro(get_instrument("gad7"), "es", "Riverside Family Medicine") == (
        "Riverside Family Medicine: Tenemos 7 preguntas cortas. Responda cada una con un número del 0 al 3. "
        "Envíe una a la vez o todas juntas, con espacios. Responda STOP para no recibir más mensajes.")


@pytest.mark.parametrize("language", LANGUAGES)
def test_recurring_texts_tell_how_to_stop_in_the_same_words(language):
    texts = sms_texts(language)
    assert [name for name in RECURRING if OPT_OUT_LINE[language] not in texts[name]] == []
    # STOP appears only in that line, wherever it appears.
    assert [name for name, text in texts.items() if "STOP" in text.replace(OPT_OUT_LINE[language], "")] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_asks_for_a_reply_that_would_opt_the_patient_out(language):
    # engage's own texts; the published items may say "stop" ("Not being able to stop or control worrying").
    words = {name: set(normalise(text.replace(OPT_OUT_LINE[language], "")).split()) & CARRIER_OPT_OUT_WORDS
             for name, text in (sms_texts(language) | voice_texts(language)).items()}
    assert {name: found for name, found in words.items() if found} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_plain_words_for_visits_and_questions(language):
    hard = re.compile(r"\b(appointment|reschedul\w*|check-in|chequeo)\b", re.I)
    assert {name: text for name, text in _rendered(language).items() if hard.search(text)} == {}


def test_opt_out_confirmation_names_the_program_promises_silence_and_tells_how_to_come_back():
    assert translate(sms.SMS_OPT_OUT_CONFIRMATION, "en", clinic="Riverside Family Medicine") == (
        "Riverside Family Medicine: You will get no more texts from us. Reply START to get them again.")
    assert translate(sms.SMS_OPT_OUT_CONFIRMATION, "es", clinic="Riverside Family Medicine") == (
        "Riverside Family Medicine: Ya no le vamos a enviar más mensajes. Si los quiere otra vez, responda START.")


def test_opt_in_confirmation_names_the_program_frequency_rates_help_and_stop():
    assert translate(sms.SMS_OPT_IN_CONFIRMATION, "en", clinic="Riverside Family Medicine") == (
        "Riverside Family Medicine: You will get texts from us again, about your care and visits. "
        "Message frequency varies. Msg & data rates may apply. Reply HELP for help. Reply STOP to opt out.")
    assert translate(sms.SMS_OPT_IN_CONFIRMATION, "es", clinic="Riverside Family Medicine") == (
        "Riverside Family Medicine: Ya puede recibir mensajes otra vez. La frecuencia varía. "
        "Puede haber cargos por mensajes y datos. Para ayuda, responda AYUDA. "
        "Responda STOP para no recibir más mensajes.")


def test_help_names_the_program_frequency_rates_phone_stop_911_and_988():
    here = dict(clinic="Riverside Family Medicine", clinic_phone="(312) 555-0100")
    assert translate(sms.SMS_HELP, "en", **here) == (
        "Riverside Family Medicine: We text you about your care and visits. Message frequency varies. "
        "Msg & data rates may apply. For help, call (312) 555-0100. Reply STOP to opt out. "
        "In an emergency, call 911. In a crisis, call or text 988.")
    assert translate(sms.SMS_HELP, "es", **here) == (
        "Riverside Family Medicine: Mensajes sobre su salud; la frecuencia varía. Pueden cobrarle mensajes y datos. "
        "Ayuda: (312) 555-0100. Responda STOP para no recibir más mensajes. Emergencias: 911 o 988.")


def test_spanish_crisis_resources_give_988_in_spanish_by_phone_and_text():
    crisis = translate(sms.SMS_CRISIS_RESOURCES, "es", clinic="Riverside Family Medicine", clinic_phone="(312) 555-0100")
    assert crisis == (
        "Si piensa en hacerse daño, hay ayuda ahora. Llame al 988 y marque 2, o envíe AYUDA al 988. "
        "Si está en peligro, llame al 911. También puede llamar a Riverside Family Medicine al (312) 555-0100.")


def test_crisis_text_to_an_unknown_number_reveals_no_clinic_and_gives_988_and_911_in_both_languages():
    assert to_every_language(sms.SMS_UNKNOWN_NUMBER_CRISIS) == (
        "If you are thinking of hurting yourself, call or text 988 now. If you are in danger, call 911. "
        "Si piensa en hacerse daño, llame al 988 y marque 2, o envíe AYUDA al 988. Si corre peligro, llame al 911.")
    assert "{" not in sms.SMS_UNKNOWN_NUMBER_CRISIS  # no placeholder: nothing about the clinic can be filled in


def test_spanish_items_are_the_published_us_spanish_wording():
    published = [
        "Poco interés o placer en hacer cosas",
        "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
        "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
        "Se ha sentido cansado(a) o con poca energía",
        "Sin apetito o ha comido en exceso",
        "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con usted mismo(a) o con "
        "su familia",
        "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el periódico o ver la "
        "televisión",
        "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo contrario – muy "
        "inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo normal",
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
        "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
        "No ha sido capaz de parar o controlar su preocupación",
        "Se ha preocupado demasiado por motivos diferentes",
        "Ha tenido dificultad para relajarse",
        "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
        "Se ha molestado o irritado fácilmente",
        "Ha tenido miedo de que algo terrible fuera a pasar",
    ]
    items = get_instrument("phq9").items + get_instrument("gad7").items
    assert [translate(item.text, "es") for item in items] == published
    assert [translate(c.label, "es") for c in get_instrument("gad7").choices] == [
        "Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días"]
    assert translate(instruments.PHQ_STEM, "es") == (
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_names_an_instrument_a_score_or_a_diagnosis(language):
    found = {name: text for name, text in _rendered(language).items() if CLINICAL_WORDS.search(normalise(text))}
    assert not found


def test_english_sms_stay_in_the_gsm7_alphabet():
    texts = {name: text for name, text in _rendered("en").items() if name.startswith("SMS_") or " sms " in name
             or name.endswith("intro")}
    assert {name: sms_segments(text).encoding for name, text in texts.items()} == dict.fromkeys(texts, "GSM-7")


@pytest.mark.parametrize("language", LANGUAGES)
def test_voice_is_written_to_be_heard(language):
    spoken = {name: text for name, text in _rendered(language).items() if name.startswith("VOICE_") or "voice" in name}
    # No paper-only marks, and numbers said digit by digit (988 as "9 8 8").
    unsayable = {name: text for name, text in spoken.items() if re.search(r"[()/=–—]|\d\d", text)}
    assert not unsayable


def test_language_preferences_resolve_to_a_shipped_catalog():
    assert [resolve_language(tag) for tag in ["es", "ES", "es-MX", "es_US", "en-GB", "fr", "", None]] == [
        "es", "es", "es", "es", "en", "en", "en", "en"]
    assert translate(instruments.SEVERAL_DAYS, "es-MX") == "Varios días"
    assert translate(instruments.SEVERAL_DAYS, "fr") == "Several days"


def test_a_broken_translation_falls_back_to_english(monkeypatch):
    class Broken:
        def gettext(self, msgid):
            return "Hola {nombre}"

    monkeypatch.setattr(catalog, "translations", lambda language: Broken())
    assert translate(sms.SMS_CHECKIN_THANKS, "es", clinic="Riverside") == (
        "Thank you for your answers. Your care team at Riverside will look at them.")


def test_an_uncompiled_catalog_is_compiled_in_memory(fresh_catalogs):
    assert not (fresh_catalogs / "messages.mo").exists()
    assert translate(instruments.NEARLY_EVERY_DAY, "es") == "Casi todos los días"


def test_a_compiled_catalog_older_than_its_source_is_ignored(fresh_catalogs):
    mo = fresh_catalogs / "messages.mo"
    mo.write_bytes(b"")  # unreadable, and older than the .po below
    os.utime(mo, (0, 0))
    assert translate(instruments.NEARLY_EVERY_DAY, "es") == "Casi todos los días"


def test_a_new_language_is_only_a_new_catalog(fresh_catalogs):
    italian = fresh_catalogs.parent.parent / "it" / "LC_MESSAGES"
    italian.mkdir(parents=True)
    (italian / "messages.po").write_text('msgid "Several days"\nmsgstr "Alcuni giorni"\n', encoding="utf-8")
    catalog.supported_languages.cache_clear()
    assert "it" in messages.supported_languages()
    assert translate(instruments.SEVERAL_DAYS, "it") == "Alcuni giorni"
    assert translate(instruments.NOT_AT_ALL, "it") == "Not at all"  # untranslated: English, never blank


@pytest.mark.parametrize(
    "moment, language, expected",
    [
        (datetime(2026, 11, 24, 15, 30, tzinfo=timezone.utc), "es", "martes, 24 de noviembre, 9:30 a.m."),
        (datetime(2026, 11, 24, 15, 30, tzinfo=timezone.utc), "en", "Tuesday, November 24, 9:30 AM"),
        # Daylight saving time: Chicago is UTC-5 in July.
        (datetime(2026, 7, 14, 14, 30, tzinfo=timezone.utc), "es", "martes, 14 de julio, 9:30 a.m."),
        # Still Tuesday evening in Chicago although it is Wednesday in UTC.
        (datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc), "en", "Tuesday, November 24, 9:00 PM"),
    ],
)
def test_dates_are_shown_in_the_patients_language_and_time_zone(moment, language, expected):
    assert format_datetime_for_patient(moment, language, "America/Chicago") == expected


def test_dates_use_plain_spaces_so_english_reminders_stay_gsm7():
    shown = format_datetime_for_patient(datetime(2026, 11, 24, 15, 30, tzinfo=timezone.utc), "en", "America/New_York")
    assert shown == "Tuesday, November 24, 10:30 AM"
    reminder = translate(sms.SMS_APPOINTMENT_REMINDER, "en", clinic="Riverside", when=shown)
    assert sms_segments(reminder).encoding == "GSM-7"


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError):
        format_datetime_for_patient(datetime(2026, 11, 24, 15, 30), "en", "America/Chicago")


def test_phone_numbers_as_written_and_as_spoken():
    assert format_phone_for_patient("+13125550100") == "(312) 555-0100"
    assert format_phone_for_patient("+442079460958") == "+44 20 7946 0958"
    assert speakable_phone("+13125550100") == "3 1 2, 5 5 5, 0 1 0 0"


def test_voice_item_speaks_the_question_and_every_answer():
    assert voice_item(get_instrument("gad7"), 3, "en") == (
        "Question 4 of 7. How often have you been bothered by trouble relaxing? "
        "Press 0, or say: Not at all. Press 1, or say: Several days. "
        "Press 2, or say: More than half the days. Press 3, or say: Nearly every day."
    )
    assert voice_item(get_instrument("gad7"), 3, "es").startswith(
        "Pregunta 4 de 7. ¿Qué tan seguido ha tenido dificultad para relajarse? Marque 0, o diga: Ningún día.")
