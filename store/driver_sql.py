"""Prebuilt statements run straight on the DBAPI cursor: the few that every till sale runs.

SQLAlchemy Core spends 60–130 µs of Python on each executed statement (execution context, events,
result proxy, the session's connection lookup), several times what the statement itself costs on SQLite;
a single till post ran ten of them. Here a statement is compiled once per dialect, its values go through
the columns' own bind processors (so a date, a timestamp or a JSON document is stored exactly as the ORM
stores it) and its rows through their result processors, and the driver runs it on the connection of the
session's transaction (the same transaction, so commit and rollback are unchanged).

Only for statements with plain bound values (no expanding ``IN``); everything else stays on Core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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

    def values(self, params: dict[str, Any]) -> Any:
        processed = {name: (f(params[name]) if f is not None else params[name]) for name, f in self.binds}
        if self.names is None:
            return processed
        return tuple(processed[name] for name in self.names)

    def row(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(f(v) if f is not None else v for f, v in zip(self.results, row, strict=True))


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


def _cursor(conn: Connection) -> Any:
    driver = conn.connection.driver_connection
    assert driver is not None, "a connection of a live transaction"
    return driver.cursor()


@contextmanager
def _as_core(conn: Connection, sql: str, params: Any) -> Iterator[None]:
    """Driver errors raised as Core raises them (``sqlalchemy.exc.IntegrityError`` and the rest)."""
    dbapi = conn.dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, params, exc, dbapi.Error, dialect=conn.dialect) from exc


def execute(conn: Connection, sql: str) -> None:
    """A statement without values (``BEGIN IMMEDIATE``, ``COMMIT``) on the driver."""
    cursor = _cursor(conn)
    try:
        with _as_core(conn, sql, ()):
            cursor.execute(sql)
    finally:
        cursor.close()


def fetch(conn: Connection, statement: ClauseElement, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of a prebuilt SELECT (or INSERT … RETURNING) with ``params``, processed as Core would."""
    plan = compiled(statement, conn.dialect, tuple(params) if _is_insert(statement) else None)
    values = plan.values(params)
    cursor = _cursor(conn)
    try:
        with _as_core(conn, plan.sql, values):
            cursor.execute(plan.sql, values)
            return [plan.row(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def execute_many(conn: Connection, statement: ClauseElement, rows: Iterable[dict[str, Any]]) -> None:
    """A prebuilt INSERT (or upsert) once per row of ``rows``, as one executemany on the driver."""
    rows = list(rows)
    if not rows:
        return
    plan = compiled(statement, conn.dialect, tuple(rows[0]) if _is_insert(statement) else None)
    values = [plan.values(row) for row in rows]
    cursor = _cursor(conn)
    try:
        with _as_core(conn, plan.sql, values):
            cursor.executemany(plan.sql, values)
    finally:
        cursor.close()


def _is_insert(statement: ClauseElement) -> bool:
    return getattr(statement, "is_insert", False) and isinstance(getattr(statement, "table", None), Table)
