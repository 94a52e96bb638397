"""Carrier keywords and opt-out in the patient's own words, read from the text alone (the webhook
tables in test_safety_inbound show what each decision does). Every keyword and every way of
asking to stop is written out here, so losing one from the lexicon fails a test named after it."""
from __future__ import annotations

import pytest

from engage.sms.keywords import Keyword, is_call_request, is_cancel, keyword_in, words_beside_keyword

OPT_OUT, OPT_IN, HELP = Keyword.OPT_OUT, Keyword.OPT_IN, Keyword.HELP

# CTIA's keywords and their Spanish counterparts, as the carriers list them.
KEYWORDS = [
    ("en", "STOP", OPT_OUT), ("en", "STOPALL", OPT_OUT), ("en", "UNSUBSCRIBE", OPT_OUT), ("en", "CANCEL", OPT_OUT),
    ("en", "END", OPT_OUT), ("en", "QUIT", OPT_OUT), ("en", "REVOKE", OPT_OUT), ("en", "OPTOUT", OPT_OUT),
    ("es", "ALTO", OPT_OUT), ("es", "PARAR", OPT_OUT), ("es", "PARE", OPT_OUT), ("es", "PARA", OPT_OUT),
    ("es", "DETENER", OPT_OUT), ("es", "DETENTE", OPT_OUT), ("es", "BASTA", OPT_OUT), ("es", "CANCELAR", OPT_OUT),
    ("es", "BAJA", OPT_OUT),
    ("en", "START", OPT_IN), ("en", "UNSTOP", OPT_IN), ("en", "YES", OPT_IN),
    ("es", "COMENZAR", OPT_IN), ("es", "EMPEZAR", OPT_IN), ("es", "REANUDAR", OPT_IN), ("es", "SÍ", OPT_IN),
    ("en", "HELP", HELP), ("en", "INFO", HELP), ("es", "AYUDA", HELP),
]


def _ids(case):
    return f"{case[0]}-{case[1]}"


@pytest.mark.parametrize("language, word, keyword", KEYWORDS, ids=map(_ids, KEYWORDS))
def test_each_keyword_alone_is_honoured_however_it_is_typed(language, word, keyword):
    # An opted-out patient, so that YES and SÍ count too; they are ambiguous only for everyone else.
    for typed in (word, word.lower(), word.title(), f" {word}. ", f"{word}!!"):
        assert keyword_in(typed, opted_out=True) is keyword, typed


@pytest.mark.parametrize("language, word, keyword", [k for k in KEYWORDS if k[2] is not HELP],
                         ids=map(_ids, [k for k in KEYWORDS if k[2] is not HELP]))
def test_each_opt_out_and_opt_in_keyword_counts_wrapped_in_courtesy_words(language, word, keyword):
    courtesy = "please" if language == "en" else "por favor"
    for typed in (f"{word} {courtesy}", f"{courtesy} {word} now", f"{word} {word}"):
        assert keyword_in(typed, opted_out=True) is keyword, typed


@pytest.mark.parametrize("typed, keyword", [("stop all", OPT_OUT), ("S T O P", OPT_OUT), ("opt out", OPT_OUT),
                                            ("un stop", OPT_IN)])
def test_a_keyword_typed_with_spaces_inside_still_counts(typed, keyword):
    assert keyword_in(typed, opted_out=True) is keyword


@pytest.mark.parametrize("courtesy", ["please", "pls", "plz", "now", "thanks", "thank you", "thx", "ok", "okay",
                                      "por favor", "porfa", "ya", "ahora", "gracias"])
def test_every_courtesy_word_leaves_stop_a_stop(courtesy):
    assert keyword_in(f"{courtesy} STOP {courtesy}", opted_out=False) is OPT_OUT


@pytest.mark.parametrize("word", ["yes", "YES!", "si", "Sí", "yes please", "si gracias"])
def test_yes_opts_in_only_a_patient_who_opted_out(word):
    # YES and SÍ also confirm visits: for everyone else they are an answer, not a keyword.
    assert keyword_in(word, opted_out=True) is OPT_IN
    assert keyword_in(word, opted_out=False) is None


@pytest.mark.parametrize("word", ["start", "unstop", "comenzar", "empezar", "reanudar"])
def test_the_other_opt_in_words_are_keywords_for_everyone(word):
    assert keyword_in(word, opted_out=False) is OPT_IN


@pytest.mark.parametrize("text", ["help please", "ayuda por favor", "please help", "help help", "info por favor"])
def test_help_counts_only_alone_because_a_cry_for_help_needs_a_person(text):
    assert keyword_in(text, opted_out=False) is None


@pytest.mark.parametrize("reported, text, keyword", [
    ("STOP", "arrêt", OPT_OUT), ("stop", "please remove me", OPT_OUT), ("START", "oui", OPT_IN),
    ("HELP", "aide", HELP), ("Help", "help", HELP),
])
def test_what_twilio_already_handled_as_a_keyword_is_taken_as_reported(reported, text, keyword):
    assert keyword_in(text, opted_out=False, opt_out_type=reported) is keyword


@pytest.mark.parametrize("reported", [None, "", "CONFIRM"])
def test_an_opt_out_type_twilio_does_not_name_leaves_the_text_to_decide(reported):
    assert keyword_in("stop", opted_out=False, opt_out_type=reported) is OPT_OUT
    assert keyword_in("see you friday", opted_out=False, opt_out_type=reported) is None


# Each way of asking to stop that the opt-out phrases cover, in the patient's own words.
OWN_WORDS = [
    ("en", "quit texting me"), ("en", "stop contacting us"), ("en", "stop texting"), ("en", "no more bugging pls"),
    ("en", "please don't text me"), ("en", "do not message us anymore"), ("en", "dont txt me i said"),
    ("en", "never text me again"),
    ("en", "stop sending me these reminders"), ("en", "stop texting any more messages"),
    ("en", "no more notifications"), ("en", "no more reminders please"),
    ("en", "take me off your list"), ("en", "remove my number from the contact list"),
    ("en", "delete my name out of this system"), ("en", "get me off of your mailing list"),
    ("en", "unsubscribe me"), ("en", "please unsubscribe me from this"),
    ("en", "opt me out"), ("en", "opt out please"),
    ("en", "I don't want these messages"), ("en", "i dont want any more texts"),
    ("en", "I no longer need reminders"), ("en", "I do not wish to receive these texts"),
    ("en", "I don't want you to text me"), ("en", "do not wish to message me"),
    ("en", "stop my subscription"), ("en", "end these reminders"), ("en", "cancel all the texts"),
    ("es", "ya no quiero mensajes"), ("es", "no deseo recibir sus recordatorios"),
    ("es", "no quiero que me manden mas mensajes"),
    ("es", "no me manden más mensajes"), ("es", "no me envies nada"),
    ("es", "no me llamen más"), ("es", "no me escriban mas"),
    ("es", "dejen de mandarme mensajes"), ("es", "deja de molestarme"),
    ("es", "sáquenme de la lista"), ("es", "quitame de su sistema"), ("es", "borren de esta lista mi numero"),
    ("es", "no más mensajes"), ("es", "no mas textos"),
    ("es", "quiero darme de baja"), ("es", "denme de baja"),
    ("es", "cancelar mis mensajes"), ("es", "cancelar suscripción"),
    ("es", "para de mandar"), ("es", "basta con los mensajes"), ("es", "paren de enviarme"),
]


@pytest.mark.parametrize("language, text", OWN_WORDS, ids=[text for _, text in OWN_WORDS])
def test_asking_to_stop_in_the_patients_own_words_is_an_opt_out(language, text):
    assert keyword_in(text, opted_out=False) is OPT_OUT


# About a medicine, a pain, the weather or a visit: never an opt-out.
LOOK_ALIKES = [
    "I need to stop by the pharmacy", "I stopped my medication", "my headaches won't stop", "I can't stop crying",
    "please call me, I want to stop taking my pills", "can you send me the address", "text me the time please",
    "no more pain since the new pills", "the end of the week works", "I quit smoking", "cancel my appointment",
    "dont send me the bill, my insurance covers it", "you never text me back", "don't text me back later",
    "stop contacting my daughter", "I never text much", "stop texting while driving",
    "no para de llover", "dejé de tomar la medicina", "no puedo parar de llorar", "no quiero ir a la cita",
    "no quiero mensajes de voz, solo textos",
    "basta de dolor", "alto riesgo", "para mañana", "sí, a las 3", "yes I will be there",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_keywords(text):
    assert keyword_in(text, opted_out=False) is None
    assert keyword_in(text, opted_out=True) is None


@pytest.mark.parametrize("text, beside", [
    ("STOP", []), ("stop please", []), ("Stop stop STOP!", []), ("quit texting me thanks", []),
    ("stop texting me, my chest hurts", ["my", "chest", "hurts"]), ("ayuda, me siento mal", ["me", "siento", "mal"]),
    ("unsubscribe. also call me", ["also", "call", "me"]),
])
def test_the_words_beside_a_keyword_are_what_a_person_must_still_read(text, beside):
    assert words_beside_keyword(text) == beside


@pytest.mark.parametrize("text, cancel", [
    ("CANCEL", True), ("cancel.", True), ("Cancelar", True), ("can cel", True), ("cancel please", False),
    ("stop", False), ("cancel my appointment", False),
])
def test_cancel_is_told_apart_because_it_may_mean_the_visit(text, cancel):
    assert is_cancel(text) is cancel


@pytest.mark.parametrize("text", ["CALL", "call me", "Call me please", "LLAMAR", "llamar por favor", "Llámame",
                                  "llámenme, gracias", "ok call"])
def test_call_or_llamar_alone_or_with_courtesy_words_asks_for_a_call(text):
    assert is_call_request(text) is True


@pytest.mark.parametrize("text", ["", "please", "call me later about my pills", "dont call", "no me llamen",
                                  "stop", "callme maybe", "recall"])
def test_any_other_text_mentioning_a_call_is_read_like_any_other(text):
    assert is_call_request(text) is False
