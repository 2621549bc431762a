"""A migration rolled back and applied again leaves a copy of the demo database unchanged (issue 8 item 5).

The demo store (a week, a small scale) is built once. For every revision of the chain, a fresh copy
is rolled back to just before it and migrated to head again: the schema (columns, types, keys,
indexes) comes back identical, and every table that the rollback kept has exactly the rows it had.
Rolling back the newest migration alone and applying it again changes nothing but the rows of the tables it
created. Every
``downgrade()`` in the chain runs, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from store import db, migrate
from store.backup import sqlite_copy
from store.demo import DemoOptions, generate
from tests.conftest import separate_database

Kept = dict[str, set[str]] | None
Digest = dict[str, tuple[int, str]]
SCRIPTS = ScriptDirectory(str(migrate.MIGRATIONS))
REVISIONS = [(rev.revision, rev.down_revision or "base") for rev in SCRIPTS.walk_revisions()]  # newest first


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database holding a small demo store (the template every copy is made from)."""
    with separate_database(tmp_path_factory.mktemp("demo"), "mig_demo") as url:
        generate(DemoOptions(seed=7, end_on=date(2026, 3, 31), days=7, scale=0.02), echo=lambda _: None)
        db.dispose_engines(url)
        yield url


@pytest.fixture
def copy(demo: str, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the demo database of its own (a file copy, or a PostgreSQL database from the template)."""
    source = make_url(demo)
    if source.get_backend_name() == "sqlite":
        target = tmp_path / "copy.db"
        sqlite_copy.copy_online(Path(source.database or ""), target)
        engine = create_engine(f"sqlite:///{target}", poolclass=NullPool)
        yield engine
        engine.dispose()
        return
    name = f"{source.database}_copy"[:60]
    admin = create_engine(source, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"'))
    engine = create_engine(source.set(database=name), poolclass=NullPool)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(engine: Engine, direction: str, revision: str) -> None:
    config = migrate.alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, direction)(config, revision)


def schema(engine: Engine) -> dict[str, Any]:
    """Every table's columns (type, nullability, default), primary key, foreign keys, indexes and unique keys."""
    with engine.connect() as conn:
        found = inspect(conn)
        tables = {}
        for name in sorted(found.get_table_names()):
            columns = [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default"))) for c in found.get_columns(name)
            ]
            keys = sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
                for fk in found.get_foreign_keys(name)
            )
            indexes = sorted(
                (i["name"] or "", tuple(c or "" for c in i["column_names"]), bool(i["unique"]))
                for i in found.get_indexes(name)
            )
            uniques = sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(name))
            pk = tuple(found.get_pk_constraint(name)["constrained_columns"])
            tables[name] = {"columns": columns, "pk": pk, "fks": keys, "indexes": indexes, "uniques": uniques}
        return tables


def rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, each as column → value."""
    with engine.connect() as conn:
        quote = conn.dialect.identifier_preparer.quote
        return {
            name: [dict(row._mapping) for row in conn.execute(text(f"SELECT * FROM {quote(name)}"))]
            for name in sorted(inspect(conn).get_table_names())
        }


def data(engine: Engine, snapshot: dict[str, list[dict[str, Any]]] | None = None, columns: Kept = None) -> Digest:
    """Every table's row count and a hash of its rows (order-independent), over ``columns`` where given (a
    rollback that drops a column loses its values by design: only what the rollback kept is compared)."""
    found = rows(engine) if snapshot is None else snapshot
    result = {}
    for name, table in found.items():
        if columns is not None and name not in columns:
            continue
        names = sorted(columns[name]) if columns is not None else sorted(table[0]) if table else []
        lines = sorted(repr(tuple(row.get(c) for c in names)) for row in table)
        result[name] = (len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest())
    return result


def kept_columns(engine: Engine) -> dict[str, set[str]]:
    """The tables and columns there are now (after a rollback)."""
    found = inspect(engine)
    return {name: {c["name"] for c in found.get_columns(name)} for name in found.get_table_names()}


class TestMigrationRoundTrip:
    def test_the_demo_copy_has_data_to_lose(self, copy):
        counts = {name: count for name, (count, _) in data(copy).items()}
        assert counts["sales_order"] > 0 and counts["footfall_count"] > 0 and counts["kpi_sales_daily"] > 0

    def test_rolling_back_the_newest_migration_and_applying_it_again_changes_nothing(self, copy):
        head, previous = REVISIONS[0]
        before = (schema(copy), rows(copy))

        _migrate(copy, "downgrade", previous)
        assert migrate.current_revision(copy) == (None if previous == "base" else previous)
        # A migration that creates tables drops them, with the demo's rows in them: every table the
        # rollback kept must come back with exactly its rows, and the schema exactly as it was.
        kept = kept_columns(copy)
        _migrate(copy, "upgrade", head)

        assert migrate.current_revision(copy) == head
        assert schema(copy) == before[0]
        assert data(copy, columns=kept) == data(copy, before[1], columns=kept)

    @pytest.mark.slow
    @pytest.mark.parametrize(("revision", "previous"), REVISIONS, ids=[rev for rev, _ in REVISIONS])
    def test_each_downgrade_runs_and_upgrading_again_restores_the_schema_and_kept_rows(self, copy, revision, previous):
        before_schema, before_rows = schema(copy), rows(copy)

        _migrate(copy, "downgrade", previous)
        kept = kept_columns(copy)
        _migrate(copy, "upgrade", "head")

        assert schema(copy) == before_schema
        assert data(copy, columns=kept) == data(copy, before_rows, columns=kept)
