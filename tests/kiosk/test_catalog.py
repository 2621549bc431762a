"""Every kiosk text has its Chinese translation."""

from __future__ import annotations

from pathlib import Path

import pytest

import kiosk
from tests.admin.test_catalog import conflicting, extracted, translated

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

PACKAGE = Path(kiosk.__file__).parent


class TestCatalog:
    def test_every_kiosk_text_has_a_chinese_translation(self):
        missing = sorted(extracted(PACKAGE) - set(translated(PACKAGE)))
        assert not missing, f"add to kiosk/locale/zh_CN/LC_MESSAGES/<module>.po: {missing}"

    def test_no_text_is_translated_two_ways_in_two_files(self):
        assert not conflicting(PACKAGE)
