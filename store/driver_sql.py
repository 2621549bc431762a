"""Prebuilt statements run straight on the DBAPI cursor: the few that every till sale runs.

SQLAlchemy Core spends 60–130 µs of Python on each executed statement (execution context, events,
result proxy, the session's connection lookup), several times what the statement itself costs on SQLite;
a single till post ran ten of them. Here a statement is compiled once per dialect, its values go through
the columns' own bind processors (so a date, a timestamp or a JSON document is stored exactly as the ORM
stores it) and its rows through their result processors, and the driver runs it on the connection of the
session's transaction (the same transaction, so commit and rollback are unchanged).

Only for statements with plain bound values (no expanding ``IN``); everything else stays on Core.

Bulk rows already in the storage format (the demo hooks) go through ``insert_rows`` / ``insert_dicts``:
``executemany`` on SQLite, ``COPY`` on PostgreSQL, with no bind processor per value.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Compiled:
    """A statement's SQL for one dialect, the order of its values, and their processors."""

    sql: str
    names: tuple[str, ...] | None  # positional paramstyles: the bound names in order; None: named
    binds: tuple[tuple[str, Processor], ...]
    results: tuple[Processor, ...]
    values: Callable[[dict[str, Any]], Any] = field(init=False, compare=False)  # the driver's values of a row
    plain_rows: bool = field(init=False, compare=False)  # no result processor: rows as the driver gives them

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _values_of(self.names, self.binds))
        object.__setattr__(self, "plain_rows", not any(self.results))

    def row(self, row: Sequence[Any]) -> tuple[Any, ...]:
        if self.plain_rows:
            return tuple(row)
        return tuple(f(v) if f is not None else v for f, v in zip(self.results, row, strict=True))


def _values_of(names: tuple[str, ...] | None, binds: tuple[tuple[str, Processor], ...]) -> Callable[..., Any]:
    """The fastest function from a row's dict to the driver's values: each statement runs it per row."""
    processors = dict(binds)
    if names is None:  # named paramstyle (psycopg): a dict
        if not any(processors.values()):
            return lambda params: {name: params[name] for name in processors}
        return lambda params: {name: (f(params[name]) if f is not None else params[name]) for name, f in binds}
    if not any(processors.values()):  # positional, nothing to convert: the values as they are
        if len(names) == 1:
            only = names[0]
            return lambda params: (params[only],)
        return operator.itemgetter(*names)
    ordered = tuple((name, processors[name]) for name in names)
    return lambda params: tuple([f(params[name]) if f is not None else params[name] for name, f in ordered])


@lru_cache(maxsize=64)
def compiled(statement: ClauseElement, dialect: Dialect, column_keys: tuple[str, ...] | None = None) -> Compiled:
    """``statement`` compiled for ``dialect`` (cached: pass statements built once, at import)."""
    done: Any = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
    positions = getattr(done, "positiontup", None)
    binds = tuple((name, bind.type._cached_bind_processor(dialect)) for name, bind in done.binds.items())
    columns: Any = getattr(statement, "selected_columns", None)
    if columns is None:  # INSERT … RETURNING
        columns = getattr(statement, "_returning", ())
    results = tuple(column.type._cached_result_processor(dialect, None) for column in columns)
    return Compiled(done.string, tuple(positions) if positions is not None else None, binds, results)


def _driver(conn: Connection) -> Any:
    driver = conn.connection.driver_connection
    assert driver is not None, "a connection of a live transaction"
    return driver


def _as_core(conn: Connection, sql: str, params: Any, exc: Exception) -> Exception:
    """A driver error as Core raises it (``sqlalchemy.exc.IntegrityError`` and the rest)."""
    return DBAPIError.instance(sql, params, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect)


def execute(conn: Connection, sql: str) -> None:
    """A statement without values (``BEGIN IMMEDIATE``, ``COMMIT``) on the driver."""
    cursor = _driver(conn).cursor()
    try:
        cursor.execute(sql)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _as_core(conn, sql, (), exc) from exc
    finally:
        cursor.close()


def fetch(conn: Connection, statement: ClauseElement, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of a prebuilt SELECT (or INSERT … RETURNING) with ``params``, processed as Core would."""
    plan = compiled(statement, conn.dialect, tuple(params) if _is_insert(statement) else None)
    values = plan.values(params)
    cursor = _driver(conn).cursor()
    try:
        cursor.execute(plan.sql, values)
        rows = cursor.fetchall()
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _as_core(conn, plan.sql, values, exc) from exc
    finally:
        cursor.close()
    return [plan.row(row) for row in rows]


def execute_many(conn: Connection, statement: ClauseElement, rows: Iterable[dict[str, Any]]) -> None:
    """A prebuilt INSERT (or upsert) once per row of ``rows``, as one executemany on the driver."""
    rows = list(rows)
    if not rows:
        return
    plan = compiled(statement, conn.dialect, tuple(rows[0]) if _is_insert(statement) else None)
    values = list(map(plan.values, rows))
    cursor = _driver(conn).cursor()
    try:
        cursor.executemany(plan.sql, values)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _as_core(conn, plan.sql, values, exc) from exc
    finally:
        cursor.close()


def _is_insert(statement: ClauseElement) -> bool:
    return getattr(statement, "is_insert", False) and isinstance(getattr(statement, "table", None), Table)


# Bulk rows in the storage format (the demo hooks): values the driver takes as they are, without the columns'
# bind processors (most of a bulk load's time otherwise). A UTC time is written as AwareDateTime stores it: on
# SQLite the naive UTC text ``YYYY-MM-DD HH:MM:SS.ffffff`` (``isoformat(" ", "microseconds")`` of the naive UTC
# time, the same text, see tests/store/test_dbtypes.py), on PostgreSQL that text with ``+00:00`` (a timestamptz);
# a date as ``YYYY-MM-DD``; JSON as its text.
UTC_SUFFIX = {"sqlite": ""}  # any other backend: "+00:00"


def utc_suffix(conn: Connection) -> str:
    """What follows the naive UTC text of a time on ``conn``'s backend (see ``utc_text``)."""
    return UTC_SUFFIX.get(conn.dialect.name, "+00:00")


def utc_text(moment: datetime, suffix: str) -> str:
    """An aware time (or a naive one already in UTC) in the storage format; ``suffix`` from ``utc_suffix``."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(" ", "microseconds") + suffix


def insert_rows(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """``rows`` (tuples in the order of ``columns``, values in the storage format) into ``table``, on the
    connection of the session's transaction: one ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL
    (several times faster there than any ``INSERT``)."""
    if not rows:
        return
    names = ", ".join(columns)
    driver = _driver(conn)
    cursor = driver.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(columns))})", rows)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _as_core(conn, f"INSERT INTO {table} ({names})", rows[:1], exc) from exc
    finally:
        cursor.close()


def storage_value(value: Any, suffix: str) -> Any:
    """``value`` in the storage format: times as ``utc_text``, dates ISO, lists and dicts as JSON text, an
    enum member as its value."""
    if isinstance(value, datetime):
        return utc_text(value, suffix)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, Enum):
        return value.value
    return value


def insert_dicts(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], batch: int = 20_000) -> None:
    """``rows`` (dicts with the same keys, values as the ORM takes them) through ``insert_rows``; a column left
    out gets its scalar default, as Core would give it (one with a computed default must be given)."""
    if not rows:
        return
    names = list(rows[0])
    missing = {}
    for column in table.c:
        if column.name not in rows[0] and column.default is not None:
            if not column.default.is_scalar:
                raise ValueError(f"{table.name}.{column.name}: give its value (its default is computed)")
            missing[column.name] = column.default.arg  # type: ignore[attr-defined]
    suffix = utc_suffix(conn)
    columns = [*names, *missing]
    tail = tuple(storage_value(v, suffix) for v in missing.values())
    for start in range(0, len(rows), batch):
        insert_rows(
            conn,
            table.name,
            columns,
            [tuple([storage_value(row[n], suffix) for n in names]) + tail for row in rows[start : start + batch]],
        )
