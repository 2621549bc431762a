"""Cell parsers: text from a file → typed values, or a RowError naming the column and the reason."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from store.imports.errors import RowError
from store.imports.readers import Row
from store.wire import MONEY_MAX

# Chinese exports write dates as 2025/3/1 or 2025年3月1日; both mean 2025-03-01.
_DATE_PARTS = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?$")
_DATETIME = re.compile(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(.*)$")


def text(row: Row, column: str, *, required: bool = True, max_length: int = 120) -> str:
    value = row.get(column)
    if required and not value:
        raise RowError(column, "is required")
    if len(value) > max_length:
        raise RowError(column, f"is longer than {max_length} characters")
    return value


def integer(
    row: Row,
    column: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = True,
    default: int = 0,
) -> int:
    raw = row.get(column).replace(",", "")
    if not raw:
        if required:
            raise RowError(column, "is required")
        return default
    if raw.isascii() and raw.isdigit():  # the common case, without a Decimal
        return _bounded(column, int(raw), minimum, maximum)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise RowError(column, f"{raw!r} is not a whole number") from None
    if number != number.to_integral_value():
        raise RowError(column, f"{raw!r} is not a whole number")
    return _bounded(column, int(number), minimum, maximum)


def _bounded(column: str, value: int, minimum: int | None, maximum: int | None) -> int:
    if minimum is not None and value < minimum:
        raise RowError(column, "must not be negative" if minimum == 0 else f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise RowError(column, f"must be at most {maximum}")
    return value


def positive_decimal(row: Row, column: str) -> float:
    raw = row.get(column).replace(",", "")
    if not raw:
        raise RowError(column, "is required")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError(column, f"{raw!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise RowError(column, "must be greater than 0")
    return float(value)


def _parse_date(raw: str) -> date | None:
    match = _DATE_PARTS.match(raw)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def day(row: Row, column: str, *, required: bool = True) -> date | None:
    raw = row.get(column)
    if not raw:
        if required:
            raise RowError(column, "is required")
        return None
    # An XLSX date cell arrives as "2025-03-01 00:00:00".
    if raw.endswith(" 00:00:00"):
        raw = raw[: -len(" 00:00:00")]
    parsed = _parse_date(raw)
    if parsed is None:
        raise RowError(column, f"{raw!r} is not a date (use YYYY-MM-DD)")
    return parsed


def moment(row: Row, column: str, timezone: str) -> datetime:
    """ISO 8601 with an offset, or local time in the store's timezone; always returned aware."""
    raw = row.get(column)
    if not raw:
        raise RowError(column, "is required")
    if _ISO_DATETIME.match(raw):  # the common spelling, parsed at once (a 200k-row file has 200k of them)
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise RowError(column, f"{raw!r} is not a date and time (use YYYY-MM-DD HH:MM[:SS][+08:00])") from None
        return value if value.tzinfo is not None else value.replace(tzinfo=_zone(timezone))
    match = _DATETIME.match(raw)
    parsed_day = _parse_date(match.group(1)) if match else None
    if match is None or parsed_day is None:
        raise RowError(column, f"{raw!r} is not a date and time (use YYYY-MM-DD HH:MM[:SS][+08:00])")
    try:
        value = datetime.fromisoformat(f"{parsed_day.isoformat()}T{match.group(2).zfill(5)}{match.group(3)}")
    except ValueError:
        raise RowError(column, f"{raw!r} is not a date and time (use YYYY-MM-DD HH:MM[:SS][+08:00])") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone(timezone))
    return value


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _yuan_to_fen(column: str, raw: str) -> int:
    try:
        yuan = Decimal(raw.replace(",", "").lstrip("¥￥"))
    except InvalidOperation:
        raise RowError(column, f"{raw!r} is not an amount in yuan") from None
    if not yuan.is_finite():
        raise RowError(column, f"{raw!r} is not an amount in yuan")
    fen = yuan * 100
    if fen != fen.to_integral_value():
        raise RowError(column, "has more than 2 decimals (fen are the smallest unit)")
    return int(fen)


def money(row: Row, name: str, *, required: bool = True) -> int:
    """``<name>_fen`` (integer fen) or ``<name>_yuan`` (at most 2 decimals), converted exactly; never negative."""
    fen_column, yuan_column = f"{name}_fen", f"{name}_yuan"
    fen_raw, yuan_raw = row.get(fen_column), row.get(yuan_column)
    if not fen_raw and not yuan_raw:
        if required:
            raise RowError(fen_column, f"is required (or {yuan_column})")
        return 0
    value = integer(row, fen_column) if fen_raw else _yuan_to_fen(yuan_column, yuan_raw)
    if fen_raw and yuan_raw and _yuan_to_fen(yuan_column, yuan_raw) != value:
        raise RowError(yuan_column, f"does not match {fen_column}")
    if value < 0:
        raise RowError(fen_column if fen_raw else yuan_column, "must not be negative")
    if value > MONEY_MAX:  # past what a BIGINT rollup can safely add up
        raise RowError(fen_column if fen_raw else yuan_column, f"must be at most {MONEY_MAX} fen")
    return value


def choice(
    row: Row,
    column: str,
    options: dict[str, str],
    *,
    required: bool = True,
    default: str = "",
    shown: list[str] | None = None,
) -> str:
    """One of ``options`` (spelling → value, matched case-insensitively); ``shown`` lists them in messages."""
    raw = row.get(column)
    if not raw:
        if required:
            raise RowError(column, "is required")
        return default
    value = options.get(raw.lower()) or options.get(raw)
    if value is None:
        allowed = shown or sorted({key for key in options if key.isascii()})
        raise RowError(column, f"{raw!r} is not one of {', '.join(allowed)}")
    return value


_TRUE = {"1", "yes", "y", "true", "t", "是", "有", "√", "✓"}
_FALSE = {"0", "no", "n", "false", "f", "否", "无", "×"}


def boolean(row: Row, column: str, *, required: bool = True, default: bool = False) -> bool:
    """yes/no, true/false, 1/0 or 是/否 (case-insensitive)."""
    raw = row.get(column).lower()
    if not raw:
        if required:
            raise RowError(column, "is required (yes or no)")
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise RowError(column, f"{raw!r} is not yes or no")
