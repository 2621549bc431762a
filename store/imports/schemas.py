"""Wire contract of the imports API: the same report the command prints, as JSON."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class ImportKind(StrEnum):
    store = "store"
    floors = "floors"
    shops = "shops"
    staff = "staff"
    zones = "zones"
    orders = "orders"
    daily_totals = "daily-totals"
    footfall = "footfall"
    evidence = "evidence"
    devices = "devices"  # facilities (issue 17)
    surveys = "surveys"  # facilities (issue 17)
    deliveries = "deliveries"
    live_sessions = "live-sessions"


class BadRowRead(BaseModel):
    row: int  # as a spreadsheet user sees it: the header is row 1
    column: str  # "" when the whole row is refused
    reason: str


class ReasonCount(BaseModel):
    reason: str
    rows: int


class ImportReportRead(BaseModel):
    kind: ImportKind
    file_name: str
    rows: int
    imported: int
    unchanged: int
    skipped: int
    written: bool  # False on a dry run
    dry_run: bool
    batch_id: int | None
    errors: list[BadRowRead]  # the first 1,000 bad rows (by row number); ``skipped`` counts them all
    errors_listed: int = 0
    reasons: list[ReasonCount] = []  # every bad row counted by its reason (values left out)
    notes: list[str] = []  # what the import did besides its rows, e.g. entrances it created
