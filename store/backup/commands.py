"""``smartstore backup`` and ``smartstore restore FILE``: verified backups, restores into an empty database.

Exit codes: 0 done; 1 a restore or drill whose row counts differ from the backup's manifest; 2 an
error that changed nothing (printed as one ``error:`` line).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from store.config import SettingsError
from store.db import DatabaseUnavailable
from store.errors import StoreError

EXIT_OK, EXIT_MISMATCH, EXIT_ERROR = 0, 1, 2


def _one_line_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (StoreError, SettingsError, DatabaseUnavailable) as exc:
            click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _drill(file: Path) -> int:
    from store.backup import service as backup_service

    report, row = backup_service.drill(file)
    if report is not None:
        for line in report.lines():
            click.echo(line)
    state = "passed" if row.ok else "FAILED"
    click.echo(f"drill:    {state}, recorded as drill #{row.id}: {row.message}")
    if report is None:
        return EXIT_ERROR
    return EXIT_OK if row.ok else EXIT_MISMATCH


@click.command("backup")
@click.option(
    "--to",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the backup (default SMARTSTORE_BACKUP_DIR, var/backups).",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    default=None,
    help="Keep the newest N backups in the folder and delete older ones (default SMARTSTORE_BACKUP_KEEP, 7).",
)
@click.option("--drill", is_flag=True, help="Then restore the new backup into a scratch database and compare (F3).")
@_one_line_errors
def backup_command(directory: Path | None, keep: int | None, drill: bool) -> None:
    """Back up the whole database while the store keeps selling, verified, with a manifest of row counts.

    SQLite: the online backup API (rows still in the write-ahead log included), checked with PRAGMA
    integrity_check. PostgreSQL: pg_dump in custom format, checked with pg_restore --list.
    """
    from store.backup import service as backup_service
    from store.backup.manifest import manifest_path
    from store.db import check_database, get_engine

    check_database(get_engine())
    result = backup_service.backup(directory=directory, keep=keep)
    manifest = result.manifest
    rows = sum(manifest.tables.values())
    click.echo(
        f"backup:   {result.path} ({_size(manifest.size_bytes)}, {len(manifest.tables)} tables, {rows} rows, "
        f"migration {manifest.revision or '(none)'})"
    )
    click.echo(f"check:    {manifest.check}")
    click.echo(f"manifest: {manifest_path(result.path)}")
    pruned = ", ".join(result.pruned) if result.pruned else "nothing"
    click.echo(f"retention: deleted {pruned}")
    if drill:
        sys.exit(_drill(result.path))


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--drill",
    is_flag=True,
    help="Restore into a scratch database instead (the live one is not touched), compare and record the drill.",
)
@_one_line_errors
def restore_command(file: Path, drill: bool) -> None:
    """Restore a backup FILE into the configured database, which must be empty; compare every table's rows.

    The manifest beside FILE (FILE.json) must be there and match the file. Exit code 0: restored and
    every table matches; 1: restored but counts differ; 2: nothing restored (the error says why).
    """
    from store.backup import service as backup_service

    if drill:
        sys.exit(_drill(file))
    report = backup_service.restore(file)
    for line in report.lines():
        click.echo(line)
    sys.exit(EXIT_OK if report.ok else EXIT_MISMATCH)


COMMANDS = [backup_command, restore_command]
