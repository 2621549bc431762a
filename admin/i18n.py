"""Admin texts in Chinese (default) or English: ``store.i18n.PageTexts`` over this package's catalog."""

from __future__ import annotations

from pathlib import Path

from store.i18n import LANG_COOKIE, LOCALES, PageTexts

__all__ = ["LANG_COOKIE", "LOCALES", "N_", "environment", "gettext", "negotiate", "remember_choice", "translations"]

PACKAGE = Path(__file__).parent
_texts = PageTexts(PACKAGE, cookie_max_age_s=365 * 24 * 3600)
translations = _texts.translations
gettext = _texts.gettext
negotiate = _texts.negotiate
remember_choice = _texts.remember_choice
environment = _texts.environment


def N_(message: str) -> str:
    """Mark a text for extraction; it is translated where it is shown."""
    return message
