"""Every text of the admin pages has its Chinese translation (zh-CN is what managers read)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

import admin
from store.i18n import catalog_files

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

PACKAGE = Path(admin.__file__).parent
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)s")
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def extracted(package: Path) -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(package, METHODS, OPTIONS, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def translations_per_file(package: Path) -> dict[Path, dict[str, str]]:
    found = {}
    for po in catalog_files(package, "zh_CN"):
        with po.open("rb") as handle:
            found[po] = {m.id: m.string for m in read_po(handle) if m.id and m.string and not m.fuzzy}
    return found


def translated(package: Path) -> dict[str, str]:
    """Every file's translations (``messages.po`` and one ``<module>.po`` per module)."""
    merged: dict[str, str] = {}
    for texts in translations_per_file(package).values():
        for english, chinese in texts.items():
            merged.setdefault(english, chinese)
    return merged


def conflicting(package: Path) -> list[str]:
    """Texts translated differently in two files: the page would show whichever file loads first."""
    seen: dict[str, str] = {}
    clashes = []
    for texts in translations_per_file(package).values():
        for english, chinese in texts.items():
            if seen.setdefault(english, chinese) != chinese:
                clashes.append(english)
    return sorted(clashes)


class TestCatalog:
    def test_every_admin_text_has_a_chinese_translation(self):
        missing = sorted(extracted(PACKAGE) - set(translated(PACKAGE)))
        assert not missing, f"add to admin/locale/zh_CN/LC_MESSAGES/<module>.po: {missing}"

    def test_no_text_is_translated_two_ways_in_two_files(self):
        assert not conflicting(PACKAGE)

    def test_placeholders_survive_translation(self):
        for english, chinese in translated(PACKAGE).items():
            assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(chinese)), english
