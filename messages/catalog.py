"""Source texts rendered in the patient's language through the gettext catalogs under locales/."""
from __future__ import annotations

import logging
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

log = logging.getLogger(__name__)


def N_(msgid: str) -> str:
    """Mark a source text for extraction; it is translated later, once the patient's language is known."""
    return msgid


@lru_cache(maxsize=1)
def supported_languages() -> frozenset[str]:
    """English plus every language with a shipped catalog: adding a language is adding a catalog."""
    shipped = {p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return frozenset({SOURCE_LANGUAGE, *shipped})


def resolve_language(language: str | None) -> str:
    """The supported language closest to a patient's preference ("es-MX" -> "es"); English otherwise."""
    by_tag = {tag.lower(): tag for tag in supported_languages()}
    wanted = (language or "").strip().replace("-", "_").lower()
    for candidate in (wanted, wanted.split("_")[0]):
        if candidate in by_tag:
            return by_tag[candidate]
    return SOURCE_LANGUAGE


@lru_cache(maxsize=None)
def translations(language: str) -> NullTranslations:
    """The compiled catalog for a supported language; the source language needs none."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    directory = LOCALES_DIR / language / "LC_MESSAGES"
    po_path, mo_path = directory / f"{DOMAIN}.po", directory / f"{DOMAIN}.mo"
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    # *.mo files are not versioned: a fresh clone (or an edited .po) is compiled in memory.
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translate(msgid: str, language: str | None, **params: object) -> str:
    """The text in the patient's language (English when there is no translation), placeholders filled."""
    resolved = resolve_language(language)
    text = translations(resolved).gettext(msgid)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        # A broken translation must never keep a message (a crisis message above all) from going out.
        log.error("translation of %r into %s has bad placeholders; sending English", msgid, resolved)
        return msgid.format(**params)
