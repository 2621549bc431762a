"""PostgreSQL backups with ``pg_dump`` (custom format) and restores with ``pg_restore``.

The row counts in the manifest are taken in the very snapshot the dump reads: a repeatable-read
transaction exports its snapshot (``pg_export_snapshot()``), counts every table, and ``pg_dump
--snapshot`` dumps exactly that state while tills keep writing. A dump counts once ``pg_dump`` exited
0 and ``pg_restore --list`` reads it back with a data entry for every table.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine

from store.backup.errors import BackupFailed, BackupUnusable, RestoreFailed

HEADER = b"PGDMP"
_DATA_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ")


def tool(name: str) -> str:
    """Path of a PostgreSQL client program; a clear error when it is not installed."""
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").is_file() else None)
    if found is None:
        raise BackupFailed(f"{name} not found: install the PostgreSQL client tools (same major version as the server)")
    return found


def conninfo(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL for the command line and the environment that carries the password (never argv)."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], error: type[BackupFailed] | type[RestoreFailed]) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise error(f"{Path(args[0]).name} could not start: {exc}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise error(f"{Path(args[0]).name} failed (exit status {done.returncode}): {reason}")
    return done.stdout


def dump(engine: Engine, target: Path, count: Callable[[Connection], dict[str, int]]) -> tuple[dict[str, int], str]:
    """Dump the database into ``target``; returns the row counts of the dumped snapshot and its revision."""
    from alembic.runtime.migration import MigrationContext

    dsn, env = conninfo(engine.url)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = count(conn)
            revision = MigrationContext.configure(conn).get_current_revision()
            args = [tool("pg_dump"), "--format=custom", f"--file={target}", f"--snapshot={snapshot}"]
            _run([*args, "--no-password", f"--dbname={dsn}"], env, BackupFailed)
    return counts, revision or ""


def check(path: Path, tables: dict[str, int]) -> str:
    """``pg_restore --list`` reads the dump back, with a data entry for every counted table."""
    listing = _run([tool("pg_restore"), "--list", str(path)], {**os.environ}, BackupFailed)
    data = {match.group(2) for line in listing.splitlines() if (match := _DATA_ENTRY.match(line))}
    missing = sorted(set(tables) - data)
    if missing:
        raise BackupFailed(f"{path.name}: pg_restore --list shows no data for {', '.join(missing[:5])}")
    return f"pg_dump exit 0; pg_restore --list: {len(listing.splitlines())} entries, data for {len(data)} tables"


def restore(backup: Path, url: URL) -> None:
    """Restore the dump into the (empty) database of ``url`` in one transaction; stops at the first error."""
    with backup.open("rb") as handle:
        if handle.read(len(HEADER)) != HEADER:
            raise BackupUnusable(f"{backup}: not a pg_dump custom-format file")
    dsn, env = conninfo(url)
    args = [tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run([*args, "--no-password", f"--dbname={dsn}", str(backup)], env, RestoreFailed)
