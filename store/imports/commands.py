"""``smartstore import KIND FILE``: load a store's history from its old systems (CSV or XLSX)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from store.config import SettingsError
from store.db import DatabaseUnavailable
from store.errors import StoreError
from store.imports.errors import ImportRejected
from store.imports.service import KINDS, ImportReport

# Exit codes other people script against: 0 imported, 1 bad rows (nothing imported), 2 unusable input.
EXIT_OK, EXIT_BAD_ROWS, EXIT_UNUSABLE = 0, 1, 2


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in some containers
        return "cli"


def _run(kind: str, file: Path, store_code: str | None, skip_bad: bool, dry_run: bool) -> ImportReport:
    from store import migrate
    from store.db import check_database, get_engine, unit_of_work
    from store.imports import service as imports_service

    engine = get_engine()
    check_database(engine)
    if migrate.current_revision(engine) != migrate.head_revision():
        raise StoreError("the database is not migrated to head: run `smartstore db upgrade` first")
    content = file.read_bytes()
    with unit_of_work(engine) as session:
        return imports_service.run_import(
            session,
            kind,
            content,
            file.name,
            store_code=store_code,
            skip_bad=skip_bad,
            dry_run=dry_run,
            imported_by=_operator(),
        )


@click.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)), metavar="KIND")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-bad", is_flag=True, help="Import the good rows, report the bad ones (default: all or nothing).")
@click.option("--store", "store_code", default=None, help="Store code (default: the only store).")
@click.option("--dry-run", is_flag=True, help="Check every row and report, writing nothing.")
def import_command(kind: str, file: Path, skip_bad: bool, store_code: str | None, dry_run: bool) -> None:
    """Import a CSV or XLSX file of KIND: store, floors, shops, staff, orders, daily-totals, footfall.

    Columns are described in docs/import.md. Rows are numbered as in a spreadsheet (the header is
    row 1). Exit code 0: imported; 1: bad rows, nothing imported; 2: the file cannot be used.
    """
    try:
        report = _run(kind, file, store_code, skip_bad, dry_run)
    except ImportRejected as exc:
        for line in exc.report.lines():
            click.echo(line)
        sys.exit(EXIT_BAD_ROWS)
    except (StoreError, SettingsError, DatabaseUnavailable) as exc:
        click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
        sys.exit(EXIT_UNUSABLE)
    for line in report.lines():
        click.echo(line)


COMMANDS = [import_command]
