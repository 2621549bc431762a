"""Temporary stage tables of bulk imports: rows added fast, outside any write transaction.

A stage is a ``TEMPORARY`` table on the import's own connection: writing it takes no lock on the
database (on SQLite it lives in the connection's temporary database), so an import can check and stage
200,000 rows while tills keep writing, then move them with a few ``INSERT … SELECT`` in one short
transaction. On SQLite the rows go straight to the driver's ``executemany`` in the storage format
SQLAlchemy itself writes (dates ``YYYY-MM-DD``, UTC times ``YYYY-MM-DD HH:MM:SS.ffffff``), skipping the
per-row parameter processing that would otherwise dominate.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo is not None else value
        return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond:06d}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def add_rows(conn: Connection, stage: Table, rows: list[dict[str, Any]]) -> None:
    """Append ``rows`` (dicts with the same keys) to ``stage``."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(stage), rows)
        return
    names = list(rows[0])
    sql = f"INSERT INTO {stage.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    conn.exec_driver_sql(sql, [tuple(_sqlite_value(row[name]) for name in names) for row in rows])
