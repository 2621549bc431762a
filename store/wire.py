"""Integer types every domain's wire schemas share, bounded so a value always fits its database column.

PostgreSQL's INTEGER is 32-bit and SQLite's is 64-bit: without a bound, an id or an amount past either
limit reaches the database and fails there as a 500. Bounded here, it is a 422 naming the field, and the
OpenAPI spec says the limit.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from annotated_types import Ge, Le
from pydantic import BeforeValidator

INT32_MAX = 2**31 - 1
# ¥10,000,000,000,000.00: far past any sale or declared total, yet a day's rollup of thousands of such
# amounts still fits a BIGINT (2^63 − 1 ≈ 9.2 × 10^18), so no upsert can overflow.
MONEY_MAX = 10**15


def _not_bool(value: object) -> object:
    # Pydantic's lax mode reads JSON true as 1: {"shop_id": true} would post for shop 1. The spec says integer.
    if isinstance(value, bool):
        raise ValueError("a number is required, not true or false")
    return value


# Put on any integer a client sends, after its bounds (before them, the bounds drop out of the JSON schema);
# query strings are text, so only JSON bodies are affected.
NotBool = BeforeValidator(_not_bool)

# The id of a row (path, query or body): row ids start at 1.
RowId = Annotated[int, Ge(1), Le(INT32_MAX), NotBool]

# A stored count (quantities, people) in an INTEGER column; its sign rules stay with the domain's own checks.
Int32 = Annotated[int, Ge(-INT32_MAX - 1), Le(INT32_MAX), NotBool]

# An amount in fen, stored in a BIGINT column; its sign rules stay with the domain's own checks.
Money = Annotated[int, Ge(-MONEY_MAX), Le(MONEY_MAX), NotBool]

# How many rows a list page skips.
Offset = Annotated[int, Ge(0), Le(INT32_MAX), NotBool]


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: object) -> object:
    # Pydantic's lax mode reads a number as a Unix timestamp: ?day=0 was 1970-01-01. The spec says YYYY-MM-DD.
    if isinstance(value, bool | int | float) or (isinstance(value, str) and not ISO_DAY.match(value)):
        raise ValueError("a day is written YYYY-MM-DD")
    return value


# A calendar day a client sends (query or body): only YYYY-MM-DD text.
Day = Annotated[date, BeforeValidator(_iso_day)]
