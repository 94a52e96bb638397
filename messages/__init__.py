"""Every patient-facing text, in the source language (English), marked for Babel."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SOURCE_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@lru_cache(maxsize=1)
def supported_languages() -> frozenset[str]:
    """English plus every language with a shipped catalog: adding a language is adding a catalog."""
    shipped = {p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")}
    return frozenset({SOURCE_LANGUAGE, *shipped})
