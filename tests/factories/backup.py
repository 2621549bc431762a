"""Factories for the backup records F3 reads (rows as `smartstore backup` and a drill would write them)."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from sqlmodel import Session

from store.backup.models import BackupDrill, BackupFile

_seq = count(1)


def record_backup(session: Session, *, at: datetime, ok: bool = True) -> BackupFile:
    n = next(_seq)
    row = BackupFile(
        file_name=f"smartstore-{at:%Y%m%dT%H%M%SZ}-{n}.sqlite3" if ok else "",
        directory="/var/backups",
        backend="sqlite",
        revision="head",
        size_bytes=4096,
        sha256="0" * 64,
        row_counts={"sales_order": 3},
        ok=ok,
        check="PRAGMA integrity_check: ok" if ok else "disk full",
        started_at=at,
        finished_at=at,
    )
    session.add(row)
    session.flush()
    return row


def record_drill(session: Session, *, at: datetime, ok: bool = True) -> BackupDrill:
    row = BackupDrill(
        file_name=f"smartstore-{at:%Y%m%d}.sqlite3",
        sha256="0" * 64,
        backup_taken_at=at,
        ok=ok,
        tables=27,
        mismatched=0 if ok else 1,
        message="every table's rows match" if ok else "1 of 27 tables differ",
        started_at=at,
        finished_at=at,
    )
    session.add(row)
    session.flush()
    return row
