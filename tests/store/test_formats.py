"""The one set of formatters (store.formats): yuan, counts, shares, growth and 万/亿 per locale."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from store import formats

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


class TestYuan:
    def test_fen_become_yuan_with_separators_half_even(self) -> None:
        assert formats.yuan(123_450) == "¥1,234.50"
        assert formats.yuan(-100) == "-¥1.00"
        assert formats.yuan(Fraction(1, 2)) == "¥0.00" and formats.yuan(Fraction(3, 2)) == "¥0.02"
        assert formats.yuan(123_456, decimals=0) == "¥1,235"
        assert formats.yuan(None) == "—"

    def test_cells_get_exact_decimals(self) -> None:
        assert formats.yuan_amount(12_345) == Decimal("123.45")
        assert formats.yuan_amount(None) is None

    def test_large_amounts_in_wan_and_yi_or_millions(self) -> None:
        assert formats.yuan_compact(1_249_178_480, "zh_CN") == "¥1,249.18万"
        assert formats.yuan_compact(12_491_784_800, "zh_CN") == "¥1.25亿"
        assert formats.yuan_compact(1_249_178_480, "en") == "¥12.49M"
        assert formats.yuan_compact(9_999_999, "zh_CN") == "¥99,999.99"  # below 10万: exact
        assert formats.yuan_compact(90_000_000, "en") == "¥900,000.00"  # below a million: exact


class TestNumbers:
    def test_counts_and_shares(self) -> None:
        assert formats.number(907.9) == "908"
        assert formats.number(1234.56, decimals=None) == "1,234.6"
        assert formats.number(1234.0, decimals=None) == "1,234"
        assert formats.share(0.1234) == "12.3%"
        assert formats.share(None) == "—"

    def test_growth_is_signed(self) -> None:
        assert formats.signed_percent(0.1234) == "+12.3%"
        assert formats.signed_percent(-0.04) == "-4.0%"
        assert formats.signed_percent(0) == "0.0%"
        assert formats.signed_percent(Fraction(49996, 1_000_000), decimals=4) == "+4.9996%"

    def test_compact_counts_use_one_unit_style(self) -> None:
        assert formats.compact(9000) == "9,000"
        assert formats.compact(15_000) == "1.5万"
        assert formats.compact(1_000_000) == "100万"
        assert formats.compact(250_000_000) == "2.5亿"
        assert formats.compact(1_234_567, "en") == "1.23M"
