"""Kiosk texts in Chinese or English, from the committed zh_CN .po compiled in memory (no .mo build step).

The same approach as the admin's (``admin/i18n.py``); the two edges may not import each other.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from store.config import get_settings

PACKAGE = Path(__file__).parent
LANG_COOKIE = "lang"
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "en": "en", "en_us": "en", "en-us": "en"}


def normalize(value: str | None) -> str | None:
    return _ALIASES.get((value or "").strip().lower())


def negotiate(request: Request) -> str:
    """``?lang=`` first, then the ``lang`` cookie, then the configured default (zh_CN)."""
    return (
        normalize(request.query_params.get("lang"))
        or normalize(request.cookies.get(LANG_COOKIE))
        or get_settings().default_locale
    )


def remember_choice(request: Request, response: Response) -> None:
    chosen = normalize(request.query_params.get("lang"))
    if chosen:
        # A kiosk is shared: the choice lasts one shopper's visit (an hour), then zh-CN returns.
        response.set_cookie(LANG_COOKIE, chosen, max_age=3600, samesite="lax", httponly=True)


@lru_cache(maxsize=2)
def translations(locale: str) -> NullTranslations:
    po = PACKAGE / "locale" / locale / "LC_MESSAGES" / "messages.po"
    if locale == "en" or not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext(message: str, locale: str) -> str:
    return translations(locale).gettext(message)


@lru_cache(maxsize=2)
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(PACKAGE / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals["locale"] = locale
    env.globals["html_lang"] = "zh-CN" if locale == "zh_CN" else "en"
    return env


def switch_url(request: Request, locale: str) -> str:
    """The current page in the other language."""
    params = dict(request.query_params)
    params["lang"] = "en" if locale == "en" else "zh"
    return str(request.url.include_query_params(**params).replace(scheme="", netloc=""))
