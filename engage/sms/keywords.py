"""Carrier keywords in English and Spanish, honoured whatever the conversation state (CTIA), and
opt-out in the patient's own words: since April 2025 the FCC requires honouring a request to stop
"by any reasonable means", so "quit texting me" and "ya no quiero mensajes" count as STOP does."""
from __future__ import annotations

import re
from enum import StrEnum

from engage.instruments.parsing import normalise


class Keyword(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


_WORDS = {
    Keyword.OPT_OUT: {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
                      "alto", "parar", "pare", "para", "detener", "detente", "basta", "cancelar", "baja"},
    Keyword.OPT_IN: {"start", "unstop", "yes", "comenzar", "empezar", "reanudar", "si"},
    Keyword.HELP: {"help", "info", "ayuda"},
}
_BY_WORD = {word: keyword for keyword, words in _WORDS.items() for word in words}
# YES and SI also answer other questions (appointment confirmations): they opt in only a
# patient who has opted out.
AMBIGUOUS_OPT_IN = frozenset({"yes", "si"})
# Carriers treat CANCEL as STOP; after a visit reminder the patient may have meant the visit.
CANCEL_WORDS = frozenset({"cancel", "cancelar"})
# A video visit today turns into a phone call: the words the visit reminder offers, alone.
CALL_WORDS = frozenset({"call", "callme", "llamar", "llamame", "llamenme"})
# Twilio's Advanced Opt-Out reports what it already handled in this parameter.
_OPT_OUT_TYPES = {"STOP": Keyword.OPT_OUT, "START": Keyword.OPT_IN, "HELP": Keyword.HELP}

# Words that wrap a keyword without changing it: "stop please", "STOP NOW!!", "ya basta".
_COURTESY = r"(?:please|pls|plz|now|thanks|thank you|thx|ok|okay|por favor|porfa|ya|ahora|gracias)"
_MESSAGES = r"(?:texts?|txts?|messages?|msgs?|sms|reminders?|notifications?|mensajes?|textos?|recordatorios?)"
_TEXTING = r"(?:texting|txting|messaging|msging|contacting|bugging)"
_TEXT = r"(?:text|txt|message|msg|contact)"
# What may follow "don't text me" in a request to stop, as against "don't text me back" or "... the bill".
_END_OF_REQUEST = r"(?= *$| (?:anymore|any more|again|ever|please|pls|thanks|thank you|ok|now|i|im|this|these|stop))"
# Each pattern is a request about the messages themselves, never about a medicine, a pain or a place:
# "I stopped my medication", "my headaches won't stop", "no para de llover" match none of them.
_OPT_OUT_PHRASES = [
    rf"\b(?:stop|quit|cease|no more) {_TEXTING} (?:me|us)\b",
    rf"\b(?:stop|quit|cease|no more) {_TEXTING}{_END_OF_REQUEST}",
    rf"\b(?:please dont|dont|do not) {_TEXT} (?:me|us){_END_OF_REQUEST}",
    rf"\bnever {_TEXT} (?:me|us) again\b",
    rf"\bstop (?:sending|texting) (?:me )?(?:these |this |your |any )?(?:more )?{_MESSAGES}\b",
    rf"\bno more {_MESSAGES}\b",
    r"\b(?:take|remove|delete|drop|get) (?:me|my (?:number|name|phone)) (?:off|from|out of) (?:of )?"
    r"(?:your |the |this |ur |these )?(?:list|texts?|messages|system|mailing list|contact list)\b",
    r"\bunsubscribe\b",
    r"\bopt (?:me )?out\b",
    rf"\b(?:i )?(?:dont|do not|no longer|don t) (?:want|wish|need|like) (?:to (?:get|receive|be sent) )?"
    rf"(?:these|this|your|any|the|ur|those)?(?: more)? ?(?:more )?{_MESSAGES}\b",
    rf"\b(?:dont|do not) (?:want|wish) (?:you )?to (?:text|message|contact) me\b",
    rf"\b(?:stop|quit|end|cancel) (?:my |these |this |the |all |all the |all these |your |ur |those |any )?"
    rf"(?:{_MESSAGES}|subscription)\b",
    rf"\b(?:ya )?no (?:quiero|deseo|necesito) (?:recibir |que me (?:manden|envien|escriban) )?(?:mas )?"
    rf"(?:sus |los |estos |tus )?(?:mas )?{_MESSAGES}\b(?! de voz)",
    rf"\bno (?:me )?(?:manden|envien|mande|envie|escriban|escriba|mandes|envies|escribas) (?:mas )?"
    rf"(?:{_MESSAGES}|nada)\b",
    r"\bno me (?:manden|envien|escriban|contacten|llamen) mas\b",
    r"\b(?:dejen|deje|deja|dejar) de (?:mandar|enviar|escribir|mandarme|enviarme|escribirme|molestar|"
    r"molestarme|contactar|contactarme)\b",
    r"\b(?:saquen|saque|sacar|sacarme|quiten|quite|quitar|quitarme|borren|borre|borrar|borrarme|eliminen|"
    r"eliminar|eliminarme|sacame|quitame|borrame)(?:me)? de (?:la|su|sus|esta|tu|vuestra) "
    r"(?:lista|listas|sistema)\b",
    rf"\bno mas {_MESSAGES}\b",
    r"\b(?:darme|dar|denme|deme|me doy) de baja\b",
    rf"\bcancelar (?:los |mis |sus |estos )?(?:{_MESSAGES}|suscripcion)\b",
    rf"\b(?:para|pare|paren|alto|basta) (?:de|con) (?:los |tus |sus |estos )?(?:{_MESSAGES}|mandar|enviar|"
    r"escribir|mandarme|enviarme|escribirme)\b",
]
_OPT_OUT_PATTERN = re.compile("|".join(f"(?:{p})" for p in _OPT_OUT_PHRASES))
_COURTESY_PATTERN = re.compile(rf"\b{_COURTESY}\b")


def keyword_in(text: str, opted_out: bool, opt_out_type: str | None = None) -> Keyword | None:
    if opt_out_type and opt_out_type.upper() in _OPT_OUT_TYPES:
        return _OPT_OUT_TYPES[opt_out_type.upper()]
    words = _words(text)
    keyword, word = _single_keyword(words)
    if keyword is Keyword.OPT_IN and word in AMBIGUOUS_OPT_IN and not opted_out:
        return None
    if keyword is None and _OPT_OUT_PATTERN.search(words):
        return Keyword.OPT_OUT
    return keyword


def words_beside_keyword(text: str) -> list[str]:
    """What the patient wrote besides the keyword or the request to stop (and courtesy words):
    "stop texting me, my chest hurts" leaves words a person must read."""
    rest = _COURTESY_PATTERN.sub(" ", _OPT_OUT_PATTERN.sub(" ", _words(text)))
    return [word for word in rest.split() if word not in _BY_WORD]


def is_cancel(text: str) -> bool:
    return normalise(text).replace(" ", "") in CANCEL_WORDS


def is_call_request(text: str) -> bool:
    """CALL or LLAMAR (with courtesy words around it): valid only while a video visit is due today,
    which the inbound path checks; otherwise the text is read like any other."""
    return "".join(_COURTESY_PATTERN.sub(" ", _words(text)).split()) in CALL_WORDS


def _words(text: str) -> str:
    return normalise(text).replace("don t", "dont").replace("do not", "dont")


def _single_keyword(words: str) -> tuple[Keyword | None, str]:
    """A keyword alone, or repeated, or wrapped in courtesy words: "STOP", "stop stop", "please stop".
    HELP counts only alone: "ayuda por favor" may be a cry for help, and a person must read it."""
    word = words.replace(" ", "")
    if word in _BY_WORD:
        return _BY_WORD[word], word
    left = set(_COURTESY_PATTERN.sub(" ", words).split())
    if len(left) == 1 and (keyword := _BY_WORD.get(word := left.pop())) not in (None, Keyword.HELP):
        return keyword, word
    return None, words
