"""Chinese-first page texts for the web edges: gettext catalogs from committed .po files, one Jinja env per locale.

The catalogs are built in memory from ``<package>/locale/<lang>/LC_MESSAGES/messages.po`` with Babel's
``read_po`` when first needed: no compile step, no .mo files to keep in sync (``*.mo`` is ignored by git).
Message ids are English, so the English "catalog" is the identity. Each edge (admin, kiosk) makes one
``PageTexts`` for its own package; they share this code because edges may not import each other.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from store.config import get_settings

LOCALES = ("zh_CN", "en")
LANG_COOKIE = "lang"
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "en": "en", "en_us": "en", "en-us": "en"}


def normalize(value: str | None) -> str | None:
    """``zh``, ``zh-CN``, ``zh_CN`` → ``zh_CN``; ``en`` → ``en``; anything else → None."""
    return _ALIASES.get((value or "").strip().lower())


def catalog_files(package: Path, locale: str) -> list[Path]:
    """``messages.po`` first, then one ``<module>.po`` per module (so parallel work never edits one file)."""
    folder = package / "locale" / locale / "LC_MESSAGES"
    main = folder / "messages.po"
    rest = sorted(p for p in folder.glob("*.po") if p != main) if folder.is_dir() else []
    return ([main] if main.exists() else []) + rest


def load_translations(package: Path, locale: str) -> NullTranslations:
    """The catalog of ``locale`` compiled in memory from the package's .po files (identity for English)."""
    files = catalog_files(package, locale)
    if locale == "en" or not files:
        return NullTranslations()
    with files[0].open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    for extra in files[1:]:
        with extra.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.id not in catalog:
                    catalog[message.id] = message
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(fp=compiled)


class PageTexts:
    """The texts and templates of one edge package, and how a request picks its language."""

    def __init__(self, package: Path, *, cookie_max_age_s: int) -> None:
        self.package = package
        self.cookie_max_age_s = cookie_max_age_s
        self.translations = cache(lambda locale: load_translations(self.package, locale))
        self.environment = cache(self._environment)

    def gettext(self, message: str, locale: str) -> str:
        """``message`` in ``locale``."""
        return self.translations(locale).gettext(message)

    def negotiate(self, request: Request) -> str:
        """The page's locale: ``?lang=`` first, then the ``lang`` cookie, then the configured default (zh_CN)."""
        return (
            normalize(request.query_params.get("lang"))
            or normalize(request.cookies.get(LANG_COOKIE))
            or get_settings().default_locale
        )

    def remember_choice(self, request: Request, response: Response) -> None:
        """Keep a ``?lang=`` choice in a cookie, so the next pages stay in that language."""
        chosen = normalize(request.query_params.get("lang"))
        if chosen:
            response.set_cookie(LANG_COOKIE, chosen, max_age=self.cookie_max_age_s, samesite="lax", httponly=True)

    def _environment(self, locale: str) -> Environment:
        """The template environment of ``locale`` (one per locale, so no request swaps global state)."""
        env = Environment(
            loader=FileSystemLoader(self.package / "templates"),
            autoescape=select_autoescape(["html"]),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(self.translations(locale), newstyle=True)  # type: ignore[attr-defined]
        env.globals["locale"] = locale
        env.globals["html_lang"] = "zh-CN" if locale == "zh_CN" else "en"
        return env
