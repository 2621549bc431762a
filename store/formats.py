"""Money and numbers as people read them, in one place, through Babel: yuan from fen, counts, shares,
signed growth and compact amounts (万/亿 in Chinese, K/M in English).

Every page, download and report formats through these functions; none formats money on its own.
Amounts are exact (fen are integers; fractions and floats go through ``Decimal``) and rounded half-even
once, here. ``None`` is a dash: a figure without data is never shown as zero.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

DASH = "—"
Number = int | float | Fraction | Decimal

# Babel's locales for ours ("zh" as the report says it, "zh_CN" as the pages do).
LOCALES = {"zh": "zh_CN", "zh_CN": "zh_CN", "en": "en"}


def babel_locale(locale: str) -> str:
    return LOCALES.get(locale, "zh_CN")


@lru_cache(maxsize=8)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=64)
def _pattern(text: str) -> NumberPattern:
    return parse_pattern(text)


def format_decimal(value: Decimal, *, format: str, locale: str) -> str:
    """Babel's ``format_decimal`` with its locale and pattern parsed once, not on every call (a KPI table
    formats a few thousand cells)."""
    return _pattern(format).apply(value, _locale(locale))


def exact(value: Number) -> Decimal:
    """A number as a Decimal without losing anything a person could see (floats by their shortest text)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def yuan_amount(fen: Number | None, decimals: int = 2) -> Decimal | None:
    """Fen as a Decimal of yuan rounded half-even to ``decimals`` (spreadsheet and CSV cells)."""
    if fen is None:
        return None
    return (exact(fen) / 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


def yuan(fen: Number | None, locale: str = "zh_CN", *, decimals: int = 2) -> str:
    """'¥1,234.50' (negative '-¥1.00'; ``decimals=0``: '¥1,235'); None as a dash."""
    amount = yuan_amount(fen, decimals)
    if amount is None:
        return DASH
    digits = "0" * decimals
    pattern = f"¥#,##0{'.' + digits if decimals else ''}"
    return format_decimal(amount, format=f"{pattern};-{pattern}", locale=babel_locale(locale))


def _scale(value: Decimal, locale: str) -> tuple[Decimal, str]:
    """The unit a large number is read in: 亿 or 万 in Chinese, M or K in English (1 below them)."""
    size = abs(value)
    units: tuple[tuple[Decimal, str], ...]
    if babel_locale(locale) == "zh_CN":
        units = ((Decimal(100_000_000), "亿"), (Decimal(10_000), "万"))
    else:
        units = ((Decimal(1_000_000_000), "B"), (Decimal(1_000_000), "M"), (Decimal(1_000), "K"))
    for unit, name in units:
        if size >= unit:
            return unit, name
    return Decimal(1), ""


def yuan_compact(fen: Number | None, locale: str = "zh_CN", *, below: int = 100_000) -> str:
    """A card-sized amount: '¥1,249.18万' or '¥1.25亿' in Chinese, '¥12.49M' in English, from ``below``
    yuan up (English: from a million); smaller amounts exactly as :func:`yuan`."""
    amount = yuan_amount(fen)
    if amount is None or abs(amount) < below:
        return yuan(fen, locale)
    unit, name = _scale(amount, locale)
    if name in ("", "K"):
        return yuan(fen, locale)
    scaled = (amount / unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return format_decimal(scaled, format="¥#,##0.00;-¥#,##0.00", locale=babel_locale(locale)) + name


def number(value: Number | None, locale: str = "zh_CN", *, decimals: int | None = 0) -> str:
    """Thousands separators; ``decimals=None``: one decimal only where the value has one; None as a dash."""
    if value is None:
        return DASH
    amount = exact(value)
    if decimals is None:
        rounded = amount.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
        decimals = 0 if rounded == rounded.to_integral_value() else 1
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    quantum = Decimal(1).scaleb(-decimals)
    return format_decimal(
        amount.quantize(quantum, rounding=ROUND_HALF_EVEN), format=pattern, locale=babel_locale(locale)
    )


def compact(value: Number | None, locale: str = "zh_CN") -> str:
    """A count in 万/亿 (K/M in English) with up to two decimals ('1.5万', '80万', '9,000'); None as a dash."""
    if value is None:
        return DASH
    amount = exact(value)
    unit, name = _scale(amount, locale)
    scaled = (amount / unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return format_decimal(scaled, format="#,##0.##", locale=babel_locale(locale)) + name


def share(value: Number | None, locale: str = "zh_CN", *, decimals: int = 1) -> str:
    """A ratio (0.123) as '12.3%'; None as a dash."""
    if value is None:
        return DASH
    return _percent(exact(value), "#,##0" + ("." + "0" * decimals if decimals else "") + "%", locale, decimals)


def signed_percent(value: Number | None, locale: str = "zh_CN", *, decimals: int = 1) -> str:
    """A growth ratio (0.123) as '+12.3%' (negative '-4.0%', zero '0.0%'); None as a dash."""
    if value is None:
        return DASH
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    ratio = exact(value)
    text = _percent(ratio, f"{digits}%", locale, decimals)
    return "+" + text if ratio > 0 else text


def _percent(ratio: Decimal, pattern: str, locale: str, decimals: int) -> str:
    # Round the percentage here (half-even, exactly), so Babel only lays it out.
    hundred = (ratio * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    return format_decimal(hundred, format=pattern.replace("%", ""), locale=babel_locale(locale)) + "%"


def area(m2: Number | None, locale: str = "zh_CN") -> str:
    """An area as '1,234 m²' (one decimal where it has one)."""
    return DASH if m2 is None else f"{number(m2, locale, decimals=None)} m²"
