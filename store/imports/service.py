"""Load a store's history from its old systems: one file, one kind, one unit of work.

Every row is parsed and applied in its own savepoint; the whole file runs inside one more savepoint,
rolled back when a row is bad and ``skip_bad`` was not given, or on a dry run: nothing is written then.
Re-importing a file finds every row already there ("unchanged") and writes nothing but its batch row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlmodel import Session

from store.imports.errors import ImportRejected, RowError, UnusableFile
from store.imports.footfall_rows import FootfallRows
from store.imports.history_rows import DailyTotalRows, OrderRows
from store.imports.kinds import Handler, Outcome, Parsed, expected_columns, missing_columns
from store.imports.models import ImportBatch
from store.imports.premises_rows import FloorRows, ShopRows, StaffRows, StoreRows
from store.imports.readers import Table, read_table
from store.premises import service as premises_service
from store.premises.models import Store

KINDS: dict[str, type[Handler]] = {
    handler.kind: handler
    for handler in (StoreRows, FloorRows, ShopRows, StaffRows, OrderRows, DailyTotalRows, FootfallRows)
}


@dataclass(frozen=True)
class BadRow:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.reason}" if self.column else f"row {self.row}: {self.reason}"


@dataclass
class ImportReport:
    """What one import did (or, on a dry run or a rejected file, would have done)."""

    kind: str
    file_name: str
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    written: bool = False  # False: dry run, or rejected because of bad rows
    dry_run: bool = False
    batch_id: int | None = None

    @property
    def skipped(self) -> int:
        return len(self.bad_rows)

    def summary(self) -> str:
        line = f"{self.kind}: imported {self.imported}, unchanged {self.unchanged}, skipped {self.skipped} bad rows"
        if self.dry_run:
            return line + " (dry run: nothing written)"
        if not self.written:
            return line + " (nothing imported: fix the rows or use --skip-bad)"
        return line

    def lines(self) -> list[str]:
        """The summary, then one line per bad row, as the command prints them."""
        return [self.summary(), *(str(bad) for bad in self.bad_rows)]

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "file_name": self.file_name,
            "rows": self.rows,
            "imported": self.imported,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "written": self.written,
            "dry_run": self.dry_run,
            "batch_id": self.batch_id,
            "errors": [{"row": b.row, "column": b.column, "reason": b.reason} for b in self.bad_rows],
        }


def handler_for(kind: str) -> type[Handler]:
    if kind not in KINDS:
        raise UnusableFile(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    return KINDS[kind]


def check_columns(handler: type[Handler], table: Table, file_name: str) -> None:
    missing = missing_columns(handler, table.columns)
    if missing:
        raise UnusableFile(
            f"{file_name}: missing column(s) {', '.join(missing)}; "
            f"{handler.kind} files have the columns: {expected_columns(handler)}"
        )


def _store(session: Session, handler: type[Handler], store_id: int | None, store_code: str | None) -> Store | None:
    if not handler.needs_store:
        return None
    if store_id is not None:
        return premises_service.get_store(session, store_id)
    if store_code:
        return premises_service.get_store_by_code(session, store_code)
    return premises_service.default_store(session)


def _parse(handler: Handler, table: Table, report: ImportReport) -> list[Parsed]:
    parsed: list[Parsed] = []
    first_row: dict[object, int] = {}
    for row in table.rows:
        try:
            item = handler.parse(row)
        except RowError as exc:
            report.bad_rows.append(BadRow(row.number, exc.column, exc.reason))
            continue
        if item.key in first_row:
            report.bad_rows.append(BadRow(row.number, "", f"same record as row {first_row[item.key]}"))
            continue
        first_row[item.key] = row.number
        parsed.append(item)
    return parsed


def _apply(handler: Handler, parsed: list[Parsed], report: ImportReport) -> None:
    for row, outcome in handler.apply_all(parsed):
        if isinstance(outcome, RowError):
            report.bad_rows.append(BadRow(row.number, outcome.column, outcome.reason))
        elif outcome is Outcome.imported:
            report.imported += 1
        else:
            report.unchanged += 1
    report.bad_rows.sort(key=lambda bad: bad.row)


def run_import(
    session: Session,
    kind: str,
    content: bytes,
    file_name: str,
    *,
    store_id: int | None = None,
    store_code: str | None = None,
    skip_bad: bool = False,
    dry_run: bool = False,
    imported_by: str = "",
    restrict_store_code: str | None = None,
) -> ImportReport:
    """Import one file of ``kind``; raises ImportRejected (nothing written) when rows are bad without skip_bad.

    ``restrict_store_code``: a store file may only touch that store (managers importing over the API).
    """
    handler_class = handler_for(kind)
    file_name = PurePath(file_name).name
    table = read_table(content, file_name)
    check_columns(handler_class, table, file_name)
    store = _store(session, handler_class, store_id, store_code)
    report = ImportReport(kind=kind, file_name=file_name, rows=len(table.rows), dry_run=dry_run)
    with session.begin_nested() as whole_file:
        handler = handler_class(session, store)
        handler.restrict_store_code = restrict_store_code
        _apply(handler, _parse(handler, table, report), report)
        if report.bad_rows and not skip_bad or dry_run:
            whole_file.rollback()
        else:
            handler.finish()
            report.batch_id = _record_batch(session, handler, report, content, imported_by)
            report.written = True
    if report.bad_rows and not skip_bad:
        raise ImportRejected(
            f"{file_name}: {report.skipped} bad row(s), nothing imported",
            errors=[{"row": b.row, "column": b.column, "reason": b.reason} for b in report.bad_rows],
            report=report,
        )
    return report


def _record_batch(session: Session, handler: Handler, report: ImportReport, content: bytes, by: str) -> int:
    store_id = handler.batch_store_id()
    batch = ImportBatch(
        store_id=store_id,
        kind=report.kind,
        file_name=report.file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        rows=report.rows,
        imported=report.imported,
        unchanged=report.unchanged,
        skipped=report.skipped,
        imported_by=by[:120],
    )
    session.add(batch)
    session.flush()
    return batch.id  # type: ignore[return-value]
