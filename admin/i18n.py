"""Texts in Chinese or English: gettext catalogs read from the committed .po files, one Jinja env per locale.

The catalogs are built in memory from ``locale/<lang>/LC_MESSAGES/messages.po`` with Babel's
``read_po`` when first needed: no compile step, no .mo files to keep in sync (``*.mo`` is ignored by
git). Message ids are English, so the English "catalog" is the identity.
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
LOCALES = ("zh_CN", "en")
LANG_COOKIE = "lang"
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "en": "en", "en_us": "en", "en-us": "en"}


def N_(message: str) -> str:
    """Mark a text for extraction; it is translated where it is shown."""
    return message


def normalize(value: str | None) -> str | None:
    """``zh``, ``zh-CN``, ``zh_CN`` → ``zh_CN``; ``en`` → ``en``; anything else → None."""
    return _ALIASES.get((value or "").strip().lower())


def negotiate(request: Request) -> str:
    """The page's locale: ``?lang=`` first, then the ``lang`` cookie, then the configured default (zh_CN)."""
    return (
        normalize(request.query_params.get("lang"))
        or normalize(request.cookies.get(LANG_COOKIE))
        or get_settings().default_locale
    )


def remember_choice(request: Request, response: Response) -> None:
    """Keep a ``?lang=`` choice in a cookie, so the next pages stay in that language."""
    chosen = normalize(request.query_params.get("lang"))
    if chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax", httponly=True)


def load_translations(package: Path, locale: str) -> NullTranslations:
    """The catalog of ``locale`` compiled in memory from the package's .po file (identity for English)."""
    po = package / "locale" / locale / "LC_MESSAGES" / "messages.po"
    if locale == "en" or not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(fp=compiled)


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> NullTranslations:
    return load_translations(PACKAGE, locale)


def gettext(message: str, locale: str) -> str:
    """``message`` in ``locale``."""
    return translations(locale).gettext(message)


@lru_cache(maxsize=len(LOCALES))
def environment(locale: str) -> Environment:
    """The template environment of ``locale`` (one per locale, so no request swaps global state)."""
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
