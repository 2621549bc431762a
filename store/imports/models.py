"""Tables of the imports domain: one row per file loaded, so a store can show where its history came from."""

from __future__ import annotations

from datetime import datetime

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
