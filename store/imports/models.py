"""Tables of the imports domain: one row per file loaded, so a store can show where its history came from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class ImportBatch(SQLModel, table=True):
    """One file imported by `smartstore import` or POST /imports/{kind} (dry runs and rejected files leave none)."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    # None only when a store file had no usable row (there is no store to attach the batch to).
    store_id: int | None = Field(default=None, foreign_key="store.id", index=True)
    kind: str = Field(max_length=20)  # store, floors, shops, staff, zones, orders, daily-totals, footfall, evidence
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    rows: int  # data rows in the file (the header not counted)
    imported: int
    unchanged: int
    skipped: int
    imported_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    imported_by: str = Field(default="", max_length=120)  # "cli:alice" or "user:3"


class ImportWrite(SQLModel, table=True):
    """An orders import writing on SQLite in short slices (one row per import, written before its first
    slice). ``state`` is "writing" until the last slice commits ("done") or the slices already written are
    removed again ("undone"). A "writing" row whose process is gone is a half import: the next
    `smartstore import` or `smartstore db upgrade` removes orders ``first_order_id``..``last_order_id`` and
    rebuilds the rollups of ``first_day``..``last_day`` (see ``store.imports.slices``)."""

    __tablename__ = "import_write"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    kind: str = Field(max_length=20)
    file_name: str = Field(default="", max_length=255)
    first_order_id: int = Field(sa_type=BigInteger)
    last_order_id: int = Field(sa_type=BigInteger)
    first_day: date
    last_day: date
    state: str = Field(default="writing", max_length=10, index=True)  # writing, done, undone
    owner: str = Field(default="", max_length=120)  # "host:pid" of the writing process
    started_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
