"""``smartstore import KIND FILE``: load a store's history from its old systems (CSV or XLSX).

The command holds SQLite's write lock only for the write phase: it checks and stages the file in a
reading transaction on its own connection, then writes in transactions that take the lock up front: one
short one, or for orders on SQLite short slices (``store.imports.slices``), so a till posting meanwhile waits
only for a slice. Before it starts it undoes any half import a killed process left behind. Should a till
take an order number of the file between the two phases, the write fails as a whole (slices written are
removed again) and the file is checked again (the order is then "unchanged" or a bad row). It never
prints a traceback: every failure is one line and an exit code.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from store.imports.kinds_list import KIND_NAMES

# Exit codes other people script against: 0 imported, 1 bad rows (nothing imported), 2 unusable input.
EXIT_OK, EXIT_BAD_ROWS, EXIT_UNUSABLE = 0, 1, 2
ATTEMPTS = 3


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in some containers
        return "cli"


def _run(kind: str, file: Path, store_code: str | None, skip_bad: bool, dry_run: bool, create: bool) -> Any:
    from sqlalchemy.exc import IntegrityError

    from store import migrate
    from store.db import check_database, get_engine
    from store.errors import StoreError

    engine = get_engine()
    check_database(engine)
    if migrate.current_revision(engine) != migrate.head_revision():
        raise StoreError("the database is not migrated to head: run `smartstore db upgrade` first")
    if not dry_run:
        for line in recover(engine):
            click.echo(f"note: {line}", err=True)
    options = dict(store_code=store_code, skip_bad=skip_bad, dry_run=dry_run, create_entrances=create)
    for _ in range(ATTEMPTS - 1):
        try:
            return _attempt(engine, kind, file, options)
        except IntegrityError:
            continue  # a record of the file was written by someone else meanwhile: check the file again
    try:
        return _attempt(engine, kind, file, options)
    except IntegrityError:
        raise StoreError("the store's records changed while the file was imported: run it again") from None


def recover(engine: Any) -> list[str]:
    """Undo the half-written imports of processes that are gone (``store.imports.slices``), in short
    transactions that take SQLite's write lock up front; returns a line for each."""
    from sqlmodel import Session

    from store.db import WRITE_INTENT
    from store.imports import slices

    with engine.connect() as conn, Session(bind=conn, expire_on_commit=False) as session:
        conn.execution_options(**{WRITE_INTENT: True})
        try:
            return slices.recover(session, session.commit)
        except BaseException:
            session.rollback()
            raise


def _attempt(engine: Any, kind: str, file: Path, options: dict[str, Any]) -> Any:
    """One run on a connection of its own: check and stage in a reading transaction, write in a short one."""
    from sqlmodel import Session

    from store.db import WRITE_INTENT
    from store.imports import service as imports_service

    with engine.connect() as conn, file.open("rb") as source:
        if conn.dialect.name == "sqlite":
            # A larger page cache for this connection: the write phase updates big indexes at once.
            conn.exec_driver_sql("PRAGMA cache_size=-65536")
            conn.commit()
        with Session(bind=conn, expire_on_commit=False) as session:

            @contextmanager
            def writing() -> Iterator[None]:
                # End the reading transaction (the stage lives on in this connection's temporary
                # database) and let the write transaction take the write lock at its start; the
                # caller commits it.
                session.commit()
                conn.execution_options(**{WRITE_INTENT: True})
                yield

            try:
                report = imports_service.run_import(
                    session,
                    kind,
                    source,
                    file.name,
                    imported_by=_operator(),
                    writing=writing,
                    commit=session.commit,
                    **options,
                )
                session.commit()
                return report
            except BaseException:
                session.rollback()
                raise


@click.command("import")
@click.argument("kind", type=click.Choice(list(KIND_NAMES)), metavar="KIND")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-bad", is_flag=True, help="Import the good rows, report the bad ones (default: all or nothing).")
@click.option("--store", "store_code", default=None, help="Store code (default: the only store).")
@click.option("--dry-run", is_flag=True, help="Check every row and report, writing nothing.")
@click.option(
    "--create-entrances",
    is_flag=True,
    help="footfall: create the entrances the file names that the store lacks (on floor_code), and list them.",
)
def import_command(
    kind: str, file: Path, skip_bad: bool, store_code: str | None, dry_run: bool, create_entrances: bool
) -> None:
    """Import a CSV or XLSX file of KIND: a store's history and premises from its old systems.

    KIND: store, floors, shops, staff, zones, members, orders, daily-totals, footfall, evidence, products,
    price-book, devices, surveys, deliveries, live-sessions. Columns are
    described in docs/import.md. Rows are numbered as in a spreadsheet (the header is row 1).
    Exit code 0: imported; 1: bad rows, nothing imported; 2: the file cannot be used.
    """
    from sqlalchemy.exc import DBAPIError

    from store.config import SettingsError
    from store.db import DatabaseUnavailable
    from store.errors import StoreError
    from store.imports.errors import ImportRejected

    try:
        report = _run(kind, file, store_code, skip_bad, dry_run, create_entrances)
    except ImportRejected as exc:
        for line in exc.report.lines():
            click.echo(line)
        sys.exit(EXIT_BAD_ROWS)
    except (StoreError, SettingsError, DatabaseUnavailable) as exc:
        click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
        sys.exit(EXIT_UNUSABLE)
    except DBAPIError as exc:  # e.g. the database stayed locked past its busy timeout
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else exc.__class__.__name__
        click.echo(f"error: the database refused the import ({reason}); nothing was imported", err=True)
        sys.exit(EXIT_UNUSABLE)
    for line in report.lines():
        click.echo(line)


COMMANDS = [import_command]
