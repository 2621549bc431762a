"""A migration rolled back and applied again leaves a copy of the demo database unchanged (issue 8 item 5).

The demo store (a week, a small scale) is built once. One copy walks the chain down from head, one
revision at a time: each revision is rolled back and applied again (the schema (columns, types, keys,
indexes) comes back identical, and every table that its rollback kept has exactly the rows it had), then
rolled back for good, and the walk goes on to the one before, down to an empty database; from there the
whole chain is applied again and the schema is head's. So every ``downgrade()`` in the chain runs, on
the data the revisions before it left, on SQLite and on PostgreSQL, with one full round trip, in about
3n steps (rolling each copy back from head to one revision, n copies, took n² steps). Rolling back the
newest migration alone and applying it again changes nothing but the rows of the tables it created.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, inspect, text
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
# The walk is built once per worker: its tests go to one worker (one demo store, one walk).
pytestmark = pytest.mark.xdist_group("migration_roundtrip")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database holding a small demo store (the template every copy is made from)."""
    with separate_database(tmp_path_factory.mktemp("demo"), "mig_demo") as url:
        generate(DemoOptions(seed=7, end_on=date(2026, 3, 31), days=7, scale=0.02), echo=lambda _: None)
        db.dispose_engines(url)
        yield url


@contextmanager
def copy_of(demo: str, folder: Path) -> Iterator[Engine]:
    """A copy of the demo database of its own (a file copy, or a PostgreSQL database from the template)."""
    source = make_url(demo)
    if source.get_backend_name() == "sqlite":
        target = folder / "copy.db"
        sqlite_copy.copy_online(Path(source.database or ""), target)
        engine = create_engine(f"sqlite:///{target}", poolclass=NullPool)
        yield engine
        engine.dispose()
        return
    name = f"{source.database}_{hashlib.sha256(str(folder).encode()).hexdigest()[:8]}"[-63:]
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


@pytest.fixture
def copy(demo: str, tmp_path: Path) -> Iterator[Engine]:
    with copy_of(demo, tmp_path) as engine:
        yield engine


def _migrate(engine: Engine, direction: str, revision: str) -> None:
    config = migrate.alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, direction)(config, revision)


def schema(engine: Engine, only: set[str] | None = None) -> dict[str, Any]:
    """Every table's (or those in ``only``) columns (type, nullability, default), primary key, foreign keys,
    indexes and unique keys."""
    with engine.connect() as conn:
        found = inspect(conn)
        tables = {}
        for name in sorted(found.get_table_names()):
            if only is not None and name not in only:
                continue
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


def rows(engine: Engine, only: set[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every table's (or those in ``only``) rows, each as column → value."""
    with engine.connect() as conn:
        quote = conn.dialect.identifier_preparer.quote
        return {
            name: [dict(row._mapping) for row in conn.execute(text(f"SELECT * FROM {quote(name)}"))]
            for name in sorted(inspect(conn).get_table_names())
            if only is None or name in only
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

    @pytest.mark.parametrize(("revision", "previous"), REVISIONS, ids=[rev for rev, _ in REVISIONS])
    def test_each_downgrade_runs_and_upgrading_again_restores_the_schema_and_kept_rows(self, walk, revision, previous):
        step = walk.steps.get(revision)
        assert step is not None, f"the walk stopped before {revision}: {walk.stopped_by}"
        assert step.error is None, step.error
        assert step.schema_after == step.schema_before
        assert step.data_after == step.data_before

    @pytest.mark.slow
    def test_the_whole_chain_applied_again_from_an_empty_database_gives_heads_schema(self, walk):
        assert walk.stopped_by is None
        assert walk.full_schema_after == walk.head_schema


@dataclass
class Step:
    """One revision of the walk: the schema and kept rows before its rollback and after it was applied again."""

    schema_before: dict[str, Any] | None = None
    schema_after: dict[str, Any] | None = None
    data_before: Digest | None = None
    data_after: Digest | None = None
    error: str | None = None


@dataclass
class Walk:
    steps: dict[str, Step]
    head_schema: dict[str, Any]
    full_schema_after: dict[str, Any] | None = None
    stopped_by: str | None = None


class Snapshot:
    """The schema (read whole after every step) and the rows of every table of a copy; rows are read again
    after a migration step only for the tables whose schema changed, those its SQL named (or named one of
    their indexes) and those whose foreign keys point at them (a cascade): the others cannot have changed.

    Reading all 137 tables' rows (about 100,000 demo rows) at every step of the walk took most of its time.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] | None = None
        event.listen(engine, "before_cursor_execute", self._seen)
        self.schema: dict[str, Any] = schema(engine)
        self.rows: dict[str, list[dict[str, Any]]] = rows(engine)

    def _seen(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if self.statements is not None:
            self.statements.append(statement)

    def migrate(self, direction: str, revision: str) -> None:
        self.statements = []
        try:
            _migrate(self.engine, direction, revision)
        finally:
            said, self.statements = "\n".join(self.statements), None
        fresh = schema(self.engine)  # always read whole: PostgreSQL's ALTER TYPE changes columns it does not name
        now = set(fresh)
        # Rows are read again where the schema changed, where the SQL named the table or one of its indexes
        # (DROP INDEX names no table), and where a foreign key points at such a table (ON DELETE CASCADE).
        owners = {t: t for t in now | set(self.schema)}
        owners.update({index[0]: t for t, found in self.schema.items() for index in found["indexes"] if index[0]})
        named = {
            t for word, t in owners.items() if re.search(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", said)
        }
        named |= {t for t in now if fresh[t] != self.schema.get(t)}
        while True:
            more = {t for t, found in fresh.items() if any(fk[1] in named for fk in found["fks"])} - named
            if not more:
                break
            named |= more
        stale = named & now
        self.schema = fresh
        self.rows = {t: found for t, found in self.rows.items() if t in now} | rows(self.engine, stale)

    def kept(self) -> dict[str, set[str]]:
        return {name: {column[0] for column in table["columns"]} for name, table in self.schema.items()}


@pytest.fixture(scope="module")
def walk(demo: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    """One copy walked down the chain: each revision rolled back, applied again, compared, rolled back for good;
    then the whole chain applied again from the empty database."""
    with copy_of(demo, tmp_path_factory.mktemp("walk")) as engine:
        snapshot = Snapshot(engine)
        result = Walk(steps={}, head_schema=dict(snapshot.schema))
        for revision, previous in REVISIONS:
            step = result.steps[revision] = Step()
            try:
                step.schema_before, before_rows = dict(snapshot.schema), dict(snapshot.rows)
                snapshot.migrate("downgrade", previous)
                kept = snapshot.kept()
                snapshot.migrate("upgrade", revision)
                assert migrate.current_revision(engine) == revision
                step.schema_after = dict(snapshot.schema)
                # Only the tables this step's SQL reached can differ: the others are the very same rows.
                changed = {
                    name: columns
                    for name, columns in kept.items()
                    if before_rows.get(name) is not snapshot.rows.get(name)
                }
                step.data_before = data(engine, before_rows, columns=changed)
                step.data_after = data(engine, snapshot.rows, columns=changed)
                snapshot.migrate("downgrade", previous)  # for good: the walk goes on from the revision before
            except Exception as error:  # the walk cannot go on: this revision fails, the older ones say why
                step.error = f"{type(error).__name__}: {error}"
                result.stopped_by = f"{revision}: {step.error}"
                break
        if result.stopped_by is None:
            assert migrate.current_revision(engine) is None
            _migrate(engine, "upgrade", "head")
            result.full_schema_after = schema(engine)
        yield result
