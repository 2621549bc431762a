"""Tables of the backup domain: every backup written and every restore drill run (F3 数据中心).

A backup covers the whole database (every store of the deployment), so these rows carry no ``store_id``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger
from sqlmodel import JSON, Column, Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class BackupFile(SQLModel, table=True):
    """One run of ``smartstore backup``: the file, its check and its row counts (``ok`` False: it failed)."""

    __tablename__ = "backup_file"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255, index=True)
    directory: str = Field(max_length=1000)
    backend: str = Field(max_length=20)  # sqlite, postgresql
    revision: str | None = Field(default=None, max_length=64)  # the migration the database was at
    size_bytes: int = Field(default=0, sa_type=BigInteger)
    sha256: str = Field(default="", max_length=64)
    row_counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    ok: bool
    check: str = Field(default="", max_length=500)  # "integrity_check: ok" or what failed
    started_at: datetime = Field(sa_type=AwareDateTime)
    finished_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    pruned_at: datetime | None = Field(default=None, sa_type=AwareDateTime)  # deleted by retention


class BackupDrill(SQLModel, table=True):
    """One restore drill: a backup restored into a scratch database and its row counts compared."""

    __tablename__ = "backup_drill"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    sha256: str = Field(default="", max_length=64)
    backup_taken_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    ok: bool
    tables: int = 0  # tables compared
    mismatched: int = 0  # tables whose restored row count differs from the manifest
    message: str = Field(default="", max_length=500)
    started_at: datetime = Field(sa_type=AwareDateTime)
    finished_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
