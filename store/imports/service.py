"""Load a store's history from its old systems: one file, one kind, all or nothing.

The file is read as a stream. Kinds of many rows (orders, daily totals, footfall) run in two phases:
**check** — every row parsed, compared with what is stored a chunk at a time (reads only) and the new
ones staged in a temporary table, no write lock taken — then **write** — a few set-based statements in
one short transaction (orders on SQLite, when the caller gives ``commit``: short slices, all or nothing in
the end state, see ``store.imports.slices``). ``writing`` (given by the command) wraps the write: it ends the reading
transaction and makes the next one take SQLite's write lock up front, so a till posting meanwhile waits well under a
second, never for the whole import. A file with bad rows (without ``skip_bad``) or a dry run stops after
the check: nothing is written. The small kinds (store, floors, shops, staff) apply row by row, each in
its own savepoint, inside one savepoint for the whole file, as before.

Re-importing a file finds every row already there ("unchanged") and writes nothing but its batch row.
A report lists the first ``MAX_LISTED`` bad rows and counts every bad row by reason.
"""

from __future__ import annotations

import bisect
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, BinaryIO

from sqlmodel import Session

from store.imports import slices
from store.imports.catalog_rows import PriceBookRows, ProductRows
from store.imports.delivery_rows import DeliveryRows
from store.imports.device_rows import DeviceRows, SurveyRows
from store.imports.errors import ImportRejected, RowError, UnusableFile
from store.imports.evidence_rows import EvidenceRows
from store.imports.footfall_rows import FootfallRows
from store.imports.history_rows import DailyTotalRows, OrderRows
from store.imports.kinds import BulkHandler, Handler, Outcome, Parsed, expected_columns, missing_columns
from store.imports.live_rows import LiveSessionRows
from store.imports.member_rows import MemberRows
from store.imports.models import ImportBatch
from store.imports.premises_rows import FloorRows, ShopRows, StaffRows, StoreRows
from store.imports.readers import Row, Table, open_table
from store.imports.zone_rows import ZoneRows
from store.premises import service as premises_service
from store.premises.models import Store

KINDS: dict[str, type[Handler]] = {
    handler.kind: handler
    for handler in (
        StoreRows,
        FloorRows,
        ShopRows,
        StaffRows,
        ZoneRows,
        MemberRows,
        OrderRows,
        DailyTotalRows,
        FootfallRows,
        EvidenceRows,
        ProductRows,
        PriceBookRows,
        DeviceRows,
        SurveyRows,
        DeliveryRows,
        LiveSessionRows,
    )
}
MAX_LISTED = 1000  # bad rows listed one by one in a report; every bad row is counted by its reason
MAX_REASONS = 100  # distinct reasons counted; the rest are counted as "other reasons"
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\d[\d.,:+ -]*\d|\d")


@dataclass(frozen=True)
class BadRow:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.reason}" if self.column else f"row {self.row}: {self.reason}"


def reason_of(column: str, reason: str) -> str:
    """A bad row's reason without its values, so that rows refused for the same rule count together."""
    general = _QUOTED.sub("…", reason)
    return f"{column}: {general}" if column else general


@dataclass
class ImportReport:
    """What one import did (or, on a dry run or a rejected file, would have done)."""

    kind: str
    file_name: str
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)  # the first MAX_LISTED, by row number
    written: bool = False  # False: dry run, or rejected because of bad rows
    dry_run: bool = False
    batch_id: int | None = None
    skipped: int = 0  # every bad row, listed or not
    reasons: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # what the import did besides its rows (entrances created)

    def add_bad(self, number: int, column: str, reason: str) -> None:
        self.skipped += 1
        key = reason_of(column, reason)
        if key in self.reasons or len(self.reasons) < MAX_REASONS:
            self.reasons[key] += 1
        else:
            self.reasons["other reasons"] += 1
        if len(self.bad_rows) < MAX_LISTED or number < self.bad_rows[-1].row:
            bisect.insort(self.bad_rows, BadRow(number, column, reason), key=lambda bad: bad.row)
            del self.bad_rows[MAX_LISTED:]

    def summary(self) -> str:
        line = f"{self.kind}: imported {self.imported}, unchanged {self.unchanged}, skipped {self.skipped} bad rows"
        if self.dry_run:
            return line + " (dry run: nothing written)"
        if not self.written:
            return line + " (nothing imported: fix the rows or use --skip-bad)"
        return line

    def lines(self) -> list[str]:
        """The summary, the notes, one line per listed bad row and, past MAX_LISTED, the counts by reason."""
        lines = [self.summary(), *self.notes, *(str(bad) for bad in self.bad_rows)]
        if self.skipped > len(self.bad_rows):
            lines.append(f"… {self.skipped - len(self.bad_rows)} more bad rows not listed; all bad rows by reason:")
            lines += [f"{count:>9} × {reason}" for reason, count in self.reasons.most_common()]
        return lines

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
            "errors_listed": len(self.bad_rows),
            "reasons": [{"reason": reason, "rows": count} for reason, count in self.reasons.most_common()],
            "notes": list(self.notes),
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


def _parsed(handler: Handler, rows: Iterable[Row], report: ImportReport) -> Iterable[Parsed]:
    """Parse every row as it is read; bad rows and repeats of an earlier row go to the report."""
    first_row: dict[object, int] = {}
    for row in rows:
        report.rows += 1
        try:
            item = handler.parse(row)
        except RowError as exc:
            report.add_bad(row.number, exc.column, exc.reason)
            continue
        if item.key in first_row:
            report.add_bad(row.number, "", f"same record as row {first_row[item.key]}")
            continue
        first_row[item.key] = row.number
        yield item


def _count(report: ImportReport, results: Iterable[tuple[Row, Outcome | RowError]]) -> None:
    for row, outcome in results:
        if isinstance(outcome, RowError):
            report.add_bad(row.number, outcome.column, outcome.reason)
        elif outcome is Outcome.imported:
            report.imported += 1
        else:
            report.unchanged += 1


def _check_bulk(handler: BulkHandler, table: Table, report: ImportReport) -> None:
    """The check phase: parse, compare with the stored rows a chunk at a time, stage the new ones."""
    chunk: list[Parsed] = []
    for parsed in _parsed(handler, table.rows, report):
        chunk.append(parsed)
        if len(chunk) >= handler.chunk:
            _count(report, handler.check(chunk))
            chunk = []
    if chunk:
        _count(report, handler.check(chunk))
    report.notes += handler.notes()


def _rejected(report: ImportReport) -> ImportRejected:
    return ImportRejected(
        f"{report.file_name}: {report.skipped} bad row(s), nothing imported",
        errors=[{"row": b.row, "column": b.column, "reason": b.reason} for b in report.bad_rows],
        report=report,
    )


def run_import(
    session: Session,
    kind: str,
    content: bytes | BinaryIO,
    file_name: str,
    *,
    store_id: int | None = None,
    store_code: str | None = None,
    skip_bad: bool = False,
    dry_run: bool = False,
    imported_by: str = "",
    restrict_store_code: str | None = None,
    create_entrances: bool = False,
    writing: Callable[[], AbstractContextManager[Any]] | None = None,
    commit: Callable[[], None] | None = None,
) -> ImportReport:
    """Import one file of ``kind``; raises ImportRejected (nothing written) when rows are bad without skip_bad.

    ``content``: the file's bytes or a seekable binary file (read as a stream). ``restrict_store_code``: a
    store file may only touch that store (managers importing over the API). ``create_entrances``: a
    footfall file may create the entrances it names (listed in the report's notes). ``writing``: a context
    manager around the write phase (the command ends its reading transaction and takes the write lock
    there; a request may use ``db.write_lock``); without it the writes run in the session as it is.
    ``commit``: ends the write transaction (the command commits its session); given, an orders import on
    SQLite writes in short slices, each committed, all or nothing in its end state (``store.imports.slices``).
    """
    handler_class = handler_for(kind)
    file_name = PurePath(file_name).name
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    options: dict[str, Any] = dict(
        skip_bad=skip_bad,
        imported_by=imported_by,
        restrict_store_code=restrict_store_code,
        create_entrances=create_entrances,
        writing=writing,
        commit=commit,
    )
    table = open_table(source, file_name)
    try:
        report = _run(session, handler_class, table, file_name, store_id, store_code, dry_run=dry_run, **options)
    finally:
        table.close()
    if report.skipped and not skip_bad:
        raise _rejected(report)
    return report


def _run(
    session: Session,
    handler_class: type[Handler],
    table: Table,
    file_name: str,
    store_id: int | None,
    store_code: str | None,
    *,
    dry_run: bool,
    skip_bad: bool,
    imported_by: str,
    restrict_store_code: str | None,
    create_entrances: bool,
    writing: Callable[[], AbstractContextManager[Any]] | None,
    commit: Callable[[], None] | None,
) -> ImportReport:
    check_columns(handler_class, table, file_name)
    store = _store(session, handler_class, store_id, store_code)
    report = ImportReport(kind=handler_class.kind, file_name=file_name, dry_run=dry_run)
    handler = handler_class(session, store)
    handler.restrict_store_code = restrict_store_code
    if isinstance(handler, FootfallRows):
        handler.create_entrances = create_entrances
    if isinstance(handler, EvidenceRows):
        handler.recorded_by = imported_by or "import"
    if isinstance(handler, BulkHandler):
        _run_bulk(handler, table, report, skip_bad=skip_bad, writing=writing, imported_by=imported_by, commit=commit)
    else:
        _run_rows(handler, table, report, skip_bad=skip_bad, writing=writing, imported_by=imported_by)
    return report


def _run_bulk(
    handler: BulkHandler,
    table: Table,
    report: ImportReport,
    *,
    skip_bad: bool,
    writing: Callable[[], AbstractContextManager[Any]] | None,
    imported_by: str,
    commit: Callable[[], None] | None = None,
) -> None:
    # The stage is dropped on the way out; after a failure the caller's rollback takes care of it (a
    # statement in a failed PostgreSQL transaction would only hide the error).
    handler.open()
    _check_bulk(handler, table, report)
    if (report.skipped and not skip_bad) or report.dry_run:
        handler.close()
        return
    if report.imported:
        handler.prepare()
    session = handler.session

    def finish() -> None:
        report.batch_id = _record_batch(session, handler, report, table.sha256, imported_by)

    with (writing or nullcontext)():
        if report.imported and _sliced(handler, commit):
            assert commit is not None
            slices.write_orders(session, handler.store_id, report.file_name, commit, finish)
        else:
            if report.imported:
                handler.write()
            finish()
        report.written = True
        handler.close()


def _sliced(handler: BulkHandler, commit: Callable[[], None] | None) -> bool:
    """Orders on SQLite, with a caller that lets the write commit as it goes: written in slices."""
    sqlite = handler.session.get_bind().dialect.name == "sqlite"
    return isinstance(handler, OrderRows) and commit is not None and sqlite


def _run_rows(
    handler: Handler,
    table: Table,
    report: ImportReport,
    *,
    skip_bad: bool,
    writing: Callable[[], AbstractContextManager[Any]] | None,
    imported_by: str,
) -> None:
    """Small kinds: parse every row (reads), then apply each in its own savepoint inside one for the file."""
    parsed = list(_parsed(handler, table.rows, report))
    session = handler.session
    with (writing or nullcontext)(), session.begin_nested() as whole_file:
        _count(report, handler.apply_all(parsed))
        if (report.skipped and not skip_bad) or report.dry_run:
            whole_file.rollback()
        else:
            handler.finish()
            report.batch_id = _record_batch(session, handler, report, table.sha256, imported_by)
            report.written = True


def _record_batch(session: Session, handler: Handler, report: ImportReport, sha256: str, by: str) -> int:
    batch = ImportBatch(
        store_id=handler.batch_store_id(),
        kind=report.kind,
        file_name=report.file_name[:255],
        sha256=sha256,
        rows=report.rows,
        imported=report.imported,
        unchanged=report.unchanged,
        skipped=report.skipped,
        imported_by=by[:120],
    )
    session.add(batch)
    session.flush()
    return batch.id  # type: ignore[return-value]
