"""Kiosk texts in Chinese (default) or English: ``store.i18n.PageTexts`` over this package's catalog."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from store.i18n import PageTexts

PACKAGE = Path(__file__).parent
# A kiosk is shared: a language choice lasts one shopper's visit (an hour), then zh-CN returns.
_texts = PageTexts(PACKAGE, cookie_max_age_s=3600)
translations = _texts.translations
gettext = _texts.gettext
negotiate = _texts.negotiate
remember_choice = _texts.remember_choice
environment = _texts.environment


def switch_url(request: Request, locale: str) -> str:
    """The current page in the other language."""
    params = dict(request.query_params)
    params["lang"] = "en" if locale == "en" else "zh"
    return str(request.url.include_query_params(**params).replace(scheme="", netloc=""))
