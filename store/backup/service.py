"""Backups of the whole database, their retention, restores into an empty database and restore drills.

``backup()`` writes one verified file (SQLite online backup API, or ``pg_dump`` custom format) and its
manifest, records the run in ``backup_file`` and deletes the oldest backups beyond the retention.
``restore()`` refuses a database that has any table, restores, checks the result and compares every
table's rows with the manifest. ``drill()`` does the same into a scratch database that is thrown away
afterwards and records the outcome in ``backup_drill``; F3 数据中心 reads the last good backup and the
last good drill from these two tables.

The recording functions take a ``Session`` and never commit; ``backup()`` and ``drill()`` are the
composed runs the command line and the worker share, each with its own unit of work.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from secrets import token_hex

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, select

from store.backup import manifest as manifests
from store.backup import pg_dump, retention, sqlite_copy
from store.backup.errors import BackupFailed, BackupUnusable, RestoreFailed, TargetNotEmpty
from store.backup.manifest import Manifest
from store.backup.models import BackupDrill, BackupFile
from store.clock import utcnow
from store.config import get_settings
from store.db import WRITE_INTENT, dispose_engines, get_engine, safe_url, unit_of_work


def _backend(url: URL) -> str:
    return "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"


def _plain_engine(url: URL) -> Engine:
    """An engine without the app's pool or pragmas, for one look at a copy or a restored database."""
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, poolclass=NullPool)


def _app_version() -> str:
    try:
        return version("smartstore")
    except PackageNotFoundError:
        return ""


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows of every table of the database on ``conn`` (in the connection's snapshot)."""
    quote = conn.dialect.identifier_preparer.quote
    names = sorted(inspect(conn).get_table_names())
    return {name: conn.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar_one() for name in names}


def _revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


# --- backup -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    record_id: int | None
    pruned: tuple[str, ...]
    offsite: str = ""  # the off-box copy: "" (none configured), "copied to ...", or why it failed


def take(engine: Engine, directory: Path, *, now: datetime | None = None) -> tuple[Path, Manifest]:
    """Write a verified backup of ``engine``'s database and its manifest into ``directory``."""
    now = now or utcnow()
    backend = _backend(engine.url)
    directory.mkdir(parents=True, exist_ok=True)
    final = manifests.new_file(directory, backend, now)
    temp = manifests.temporary(final)
    try:
        if backend == "sqlite":
            sqlite_copy.copy_online(sqlite_copy.database_file(engine.url), temp)
            check = sqlite_copy.check(temp)
            copy = _plain_engine(make_url(f"sqlite:///{temp}"))
            try:
                with copy.connect() as conn:
                    counts, revision = row_counts(conn), _revision(conn)
            finally:
                copy.dispose()
        else:
            counts, revision_text = pg_dump.dump(engine, temp, row_counts)
            revision = revision_text or None
            check = pg_dump.check(temp, counts)
        size, digest = temp.stat().st_size, manifests.sha256_of(temp)
        manifests.publish(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    manifest = Manifest(
        file=final.name,
        backend=backend,
        created_at=now,
        revision=revision,
        size_bytes=size,
        sha256=digest,
        tables=counts,
        check=check,
        app_version=_app_version(),
    )
    manifests.write_text(manifests.manifest_path(final), manifest.to_json())
    return final, manifest


def record_backup(session: Session, path: Path, manifest: Manifest, *, started_at: datetime) -> BackupFile:
    """The ``backup_file`` row of a good backup."""
    row = BackupFile(
        file_name=path.name,
        directory=str(path.parent.resolve()),
        backend=manifest.backend,
        revision=manifest.revision,
        size_bytes=manifest.size_bytes,
        sha256=manifest.sha256,
        row_counts=manifest.tables,
        ok=True,
        check=manifest.check[:500],
        started_at=started_at,
        finished_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def record_failure(session: Session, directory: Path, backend: str, message: str, *, started_at: datetime) -> None:
    """A ``backup_file`` row saying that a backup failed and why (nothing was kept)."""
    session.add(
        BackupFile(
            file_name="",
            directory=str(directory.resolve()),
            backend=backend,
            ok=False,
            check=message[:500],
            started_at=started_at,
        )
    )


def prune(
    session: Session, directory: Path, keep: int, *, weekly: int = 0, monthly: int = 0, now: datetime | None = None
) -> list[str]:
    """Delete the complete backups in ``directory`` that the retention does not keep (the newest ``keep``,
    and the newest of each of the last ``weekly`` weeks and ``monthly`` months); returns their names."""
    if keep < 1:
        raise BackupFailed("retention must keep at least 1 backup")
    backups = manifests.complete_backups(directory)
    kept = retention.to_keep(
        [m.created_at for _, m in backups],
        daily=keep,
        weekly=weekly,
        monthly=monthly,
        tz=get_settings().default_timezone,
    )
    doomed = [item for index, item in enumerate(backups) if index not in kept]
    folder = str(directory.resolve())
    for path, _ in doomed:
        manifests.manifest_path(path).unlink(missing_ok=True)  # first: without it the file no longer counts
        path.unlink(missing_ok=True)
    names = [path.name for path, _ in doomed]
    if names:
        rows = session.exec(
            select(BackupFile).where(col(BackupFile.file_name).in_(names), BackupFile.directory == folder)
        )
        for row in rows:
            row.pruned_at = now or utcnow()
            session.add(row)
    return names


def backup(*, directory: Path | None = None, keep: int | None = None, engine: Engine | None = None) -> BackupResult:
    """Take a backup of the configured database, record it, apply the retention (the CLI and the job)."""
    settings = get_settings()
    engine = engine or get_engine()
    directory = Path(directory or settings.backup_dir)
    keep = settings.backup_keep if keep is None else keep
    if keep < 1:
        raise BackupFailed("--keep must be at least 1")
    writer = engine.execution_options(**{WRITE_INTENT: True})
    started_at = utcnow()
    try:
        path, manifest = take(engine, directory, now=started_at)
    except (BackupFailed, OSError) as exc:
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        with unit_of_work(writer) as session:
            record_failure(session, directory, _backend(engine.url), message, started_at=started_at)
        raise BackupFailed(message) from None
    weekly, monthly = settings.backup_weekly, settings.backup_monthly
    with unit_of_work(writer) as session:
        row = record_backup(session, path, manifest, started_at=started_at)
        pruned = prune(session, directory, keep, weekly=weekly, monthly=monthly)
    offsite = _copy_offsite(path, settings.backup_offsite_dir, keep, weekly, monthly)
    if offsite.startswith("off-box copy"):  # kept as a failed run, so the page and /metrics show it
        with unit_of_work(writer) as session:
            record_failure(session, Path(settings.backup_offsite_dir), manifest.backend, offsite, started_at=started_at)
    return BackupResult(path=path, manifest=manifest, record_id=row.id, pruned=tuple(pruned), offsite=offsite)


def _copy_offsite(path: Path, folder: str, keep: int, weekly: int, monthly: int) -> str:
    """Copy a good backup and its manifest to the off-box folder (a NAS or USB mount) and apply the same
    retention there; returns what happened ("" when no off-box folder is set). A failure never undoes the
    local backup: it is reported (the worker logs it as an error) and the next night tries again."""
    if not folder:
        return ""
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for source in (path, manifests.manifest_path(path)):
            temp = target / f".{source.name}.part"
            shutil.copyfile(source, temp)
            temp.replace(target / source.name)  # the manifest last: a half copy never counts as a backup
        names = retention.to_keep(
            [m.created_at for _, m in manifests.complete_backups(target)],
            daily=keep,
            weekly=weekly,
            monthly=monthly,
            tz=get_settings().default_timezone,
        )
        for index, (old, _) in enumerate(manifests.complete_backups(target)):
            if index not in names:
                manifests.manifest_path(old).unlink(missing_ok=True)
                old.unlink(missing_ok=True)
    except OSError as exc:
        return f"off-box copy to {target} failed: {type(exc).__name__}: {exc}"
    return f"copied to {target}"


def latest_file(directory: Path | None = None) -> Path:
    """The newest complete backup in ``directory`` (default: the configured one)."""
    folder = Path(directory or get_settings().backup_dir)
    backups = manifests.complete_backups(folder)
    if not backups:
        raise BackupUnusable(f"no backup in {folder}: run `smartstore backup` first")
    return backups[-1][0]


# --- restore and drill --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreReport:
    """A restored database against its backup's manifest."""

    file: str
    manifest: Manifest
    target: str
    check: str
    revision: str | None
    counts: dict[str, int]

    @property
    def rows(self) -> list[tuple[str, int | None, int | None]]:
        """(table, rows in the backup, rows restored) for every table on either side."""
        names = sorted(set(self.manifest.tables) | set(self.counts))
        return [(name, self.manifest.tables.get(name), self.counts.get(name)) for name in names]

    @property
    def mismatched(self) -> list[str]:
        return [name for name, expected, got in self.rows if expected != got]

    @property
    def ok(self) -> bool:
        return not self.mismatched and self.revision == self.manifest.revision

    def lines(self) -> list[str]:
        """The comparison as the command prints it."""
        width = max([len("table"), *(len(name) for name, _, _ in self.rows)])
        out = [
            f"backup:   {self.file} (taken {self.manifest.created_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"{self.manifest.backend}, migration {self.manifest.revision or '(none)'})",
            f"restored: {self.target}",
            f"check:    {self.check}",
            f"{'table':<{width}}  {'backup':>10}  {'restored':>10}",
        ]
        for name, expected, got in self.rows:
            mark = "" if expected == got else "  ≠ differs"
            shown = ("—" if expected is None else str(expected), "—" if got is None else str(got))
            out.append(f"{name:<{width}}  {shown[0]:>10}  {shown[1]:>10}{mark}")
        if self.revision != self.manifest.revision:
            out.append(f"migration: backup {self.manifest.revision}, restored {self.revision}  ≠ differs")
        total = sum(self.counts.values())
        if self.ok:
            out.append(f"result:   all {len(self.rows)} tables match ({total} rows)")
        else:
            out.append(f"result:   {len(self.mismatched)} of {len(self.rows)} tables differ")
        return out


def _first_line(exc: BaseException) -> str:
    """The driver's own message, first line only (the command prints one line)."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def _tables_in(url: URL) -> list[str]:
    if _backend(url) == "sqlite":
        path = sqlite_copy.database_file(url)
        if not path.exists() or path.stat().st_size == 0:
            return []
    engine = _plain_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(inspect(conn).get_table_names())
    except Exception as exc:
        raise RestoreFailed(f"cannot open the target database {safe_url(str(url))}: {_first_line(exc)}") from None
    finally:
        engine.dispose()


def restore(file: Path, *, url: str | None = None) -> RestoreReport:
    """Restore ``file`` into the empty database of ``url`` (default: the configured one) and compare."""
    target = make_url(url or get_settings().database_url)
    manifest = manifests.read(file)
    backend = _backend(target)
    if manifest.backend != backend:
        raise BackupUnusable(
            f"{file.name} is a {manifest.backend} backup: it restores into a {manifest.backend} database"
        )
    existing = _tables_in(target)
    if existing:
        raise TargetNotEmpty(
            f"the target database {safe_url(str(target))} is not empty ({len(existing)} tables, e.g. {existing[0]}): "
            "restore goes only into an empty database"
        )
    dispose_engines(target.render_as_string(hide_password=False))
    if backend == "sqlite":
        path = sqlite_copy.database_file(target)
        sqlite_copy.restore(file, path)
        check = sqlite_copy.check(path, RestoreFailed)
    else:
        pg_dump.restore(file, target)
        check = "pg_restore exit 0 (one transaction, constraints validated)"
    engine = _plain_engine(target)
    try:
        with engine.connect() as conn:
            counts, revision = row_counts(conn), _revision(conn)
    finally:
        engine.dispose()
    return RestoreReport(
        file=file.name, manifest=manifest, target=safe_url(str(target)), check=check, revision=revision, counts=counts
    )


@contextmanager
def scratch_database(live: URL, *, near: Path | None = None) -> Iterator[URL]:
    """An empty database beside the live one, removed afterwards (for SQLite a hidden folder ``near`` the backup,
    where there is room for backups, rather than /tmp)."""
    if _backend(live) == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=".smartstore-drill-", dir=near))
        try:
            yield make_url(f"sqlite:///{folder / 'drill.sqlite3'}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"{live.database}_drill_{token_hex(4)}".lower()
    admin = create_engine(live.set(drivername="postgresql+psycopg"), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        raise RestoreFailed(f"cannot create a scratch database for the drill: {_first_line(exc)}") from None
    try:
        yield live.set(database=name)
    finally:
        with suppress(Exception), admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def drill(file: Path, *, engine: Engine | None = None) -> tuple[RestoreReport | None, BackupDrill]:
    """Restore ``file`` into a scratch database, compare, and record the drill in the live database."""
    engine = engine or get_engine()
    started_at = utcnow()
    report: RestoreReport | None = None
    message, taken_at, digest = "", None, ""
    try:
        with scratch_database(engine.url, near=file.parent if file.parent.is_dir() else None) as scratch:
            report = restore(file, url=scratch.render_as_string(hide_password=False))
        taken_at, digest = report.manifest.created_at, report.manifest.sha256
        if not report.ok:
            message = report.lines()[-1].removeprefix("result:").strip()
    except (BackupUnusable, RestoreFailed, BackupFailed, TargetNotEmpty) as exc:
        message = exc.message
    writer = engine.execution_options(**{WRITE_INTENT: True})
    with unit_of_work(writer) as session:
        row = BackupDrill(
            file_name=file.name,
            sha256=digest,
            backup_taken_at=taken_at,
            ok=report is not None and report.ok,
            tables=len(report.rows) if report else 0,
            mismatched=len(report.mismatched) if report else 0,
            message=(message or "restored into a scratch database; every table's rows match")[:500],
            started_at=started_at,
        )
        session.add(row)
    return report, row


# --- what F3 reads ------------------------------------------------------------------------------------


def last_good_backup(session: Session, *, until: datetime | None = None) -> BackupFile | None:
    """The newest backup that passed its check, taken at or before ``until``."""
    query = select(BackupFile).where(col(BackupFile.ok).is_(True))
    if until is not None:
        query = query.where(BackupFile.started_at <= until)
    return session.exec(query.order_by(col(BackupFile.started_at).desc()).limit(1)).first()


def last_good_drill(session: Session, *, until: datetime | None = None) -> BackupDrill | None:
    """The newest restore drill that succeeded, run at or before ``until``."""
    query = select(BackupDrill).where(col(BackupDrill.ok).is_(True))
    if until is not None:
        query = query.where(BackupDrill.started_at <= until)
    return session.exec(query.order_by(col(BackupDrill.started_at).desc()).limit(1)).first()


def last_failure(session: Session) -> BackupFile | None:
    """The newest failed backup run (a target not writable, an off-box copy that failed), if any."""
    query = select(BackupFile).where(col(BackupFile.ok).is_(False))
    return session.exec(query.order_by(col(BackupFile.started_at).desc(), col(BackupFile.id).desc()).limit(1)).first()
