"""Number and date types every domain's wire schemas share: strict, and bounded to fit their columns.

PostgreSQL's INTEGER is 32-bit and SQLite's is 64-bit: without a bound, an id or an amount past either
limit reaches the database and fails there as a 500. Bounded here, it is a 422 naming the field, and the
OpenAPI spec says the limit.

Strict (issue 7): pydantic's lax mode read ``?day=0`` as 1970-01-01, ``"headcount": false`` as 0 and
``"1.0"`` as 1. Here a whole number is a JSON integer or a string of digits (query strings and forms),
never a bool or a float; a day is ``YYYY-MM-DD`` (or a ``date``), never a number or a datetime.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_WHOLE = re.compile(r"-?[0-9]+")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def whole_number(value: Any) -> Any:
    """Let through an int (not a bool) or a string of digits; pydantic then reads and bounds it."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    if isinstance(value, str) and not _WHOLE.fullmatch(value):
        raise PydanticCustomError("int_parsing", "Input should be a whole number, like 12")
    return value


def real_number(value: Any) -> Any:
    """Let through an int or float (not a bool) or a numeric string; pydantic then reads it."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


def iso_day(value: Any) -> Any:
    """Let through a ``date`` or a ``YYYY-MM-DD`` string; pydantic then checks it is a real day."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return value
    raise PydanticCustomError("date_type", "Input should be a date as YYYY-MM-DD")


# A whole number; its bounds come with the field (``Field(ge=0, le=100_000)``).
Whole = Annotated[int, BeforeValidator(whole_number)]

# A real number (areas, shares); its bounds come with the field.
Real = Annotated[float, BeforeValidator(real_number)]

# A calendar day, ISO 8601 ``YYYY-MM-DD`` only.
Day = Annotated[date, BeforeValidator(iso_day)]

INT32_MAX = 2**31 - 1
# ¥10,000,000,000,000.00: far past any sale or declared total, yet a day's rollup of thousands of such
# amounts still fits a BIGINT (2^63 − 1 ≈ 9.2 × 10^18), so no upsert can overflow.
MONEY_MAX = 10**15

# The whole-number check, to put on an integer *after* its bounds: ``Annotated[int, Ge(0), Le(9), NotBool]``.
# Before them (as in ``Whole`` with ``Field(ge=...)`` on an optional field) the bounds come out of the JSON
# schema as ``ge``/``le``, which no client understands; tests/fuzz checks the spec has none.
NotBool = BeforeValidator(whole_number)
# The same for a real number (areas, shares).
NotReal = BeforeValidator(real_number)

# The id of a row (path, query or body): row ids start at 1.
RowId = Annotated[int, Ge(1), Le(INT32_MAX), NotBool]

# A stored count (quantities, people) in an INTEGER column; its sign rules stay with the domain's own checks.
Int32 = Annotated[int, Ge(-INT32_MAX - 1), Le(INT32_MAX), NotBool]

# An amount in fen, stored in a BIGINT column; its sign rules stay with the domain's own checks.
Money = Annotated[int, Ge(-MONEY_MAX), Le(MONEY_MAX), NotBool]

# How many rows a list page skips.
Offset = Annotated[int, Ge(0), Le(INT32_MAX), NotBool]
