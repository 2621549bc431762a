"""SQLite backups through the online backup API (``sqlite3.Connection.backup``).

A plain copy of the database file misses every row still in the write-ahead log (a probe lost 5
orders that way); the backup API reads the database as one consistent snapshot, WAL included, while
tills keep writing. The copy is turned into a single self-contained file (rollback journal) and
checked with ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` before it counts.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL

from store.backup.errors import BackupFailed, BackupUnusable, RestoreFailed

HEADER = b"SQLite format 3\x00"


def database_file(url: URL) -> Path:
    """The file of a SQLite URL; an in-memory database has none to back up or restore into."""
    if not url.database or url.database == ":memory:":
        raise BackupFailed("an in-memory SQLite database has no file to back up or restore into")
    return Path(url.database)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def copy_online(source: Path, target: Path) -> None:
    """Copy ``source`` into a new file ``target`` in one consistent read (writers are not blocked)."""
    if not source.is_file():
        raise BackupFailed(f"{source}: the database file does not exist")
    try:
        with closing(_connect(source)) as src, closing(_connect(target)) as dst:
            src.backup(dst)  # pages=-1: one step, one snapshot (WAL included)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise BackupFailed(f"SQLite backup of {source} failed: {exc}") from None


def check(path: Path, error: type[BackupFailed] | type[RestoreFailed] = BackupFailed) -> str:
    """``integrity_check`` and ``foreign_key_check`` of the file at ``path``; raises ``error`` on a finding."""
    try:
        with closing(_connect(path)) as conn:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                raise error(f"{path.name}: PRAGMA integrity_check: {'; '.join(integrity[:5])}")
            orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
            if orphans:
                table, rowid, parent = orphans[0][:3]
                raise error(
                    f"{path.name}: PRAGMA foreign_key_check: {len(orphans)} rows point at missing rows "
                    f"(first: {table} row {rowid} → {parent})"
                )
    except sqlite3.Error as exc:
        raise error(f"{path.name}: cannot be checked: {exc}") from None
    return "PRAGMA integrity_check: ok; foreign_key_check: ok"


def restore(backup: Path, target: Path) -> None:
    """Write the backup into the (empty or missing) database file ``target``."""
    with backup.open("rb") as handle:
        if handle.read(len(HEADER)) != HEADER:
            raise BackupUnusable(f"{backup}: not a SQLite database file")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(_connect(backup)) as src, closing(_connect(target)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise RestoreFailed(f"restoring {backup.name} into {target} failed: {exc}") from None
