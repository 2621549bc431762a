"""CSV and XLSX files → rows of text keyed by column name, numbered as a spreadsheet user sees them.

Files are read as a stream (issue 7 item 4): one pass in chunks for the checksum and the encoding, one
for the rows, so a 200k-row file is never held in memory.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import BinaryIO

from store.imports.errors import UnusableFile

HEADER_ROW = 1  # the header is row 1, so the first data row is row 2, as in Excel
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class Row:
    """One data row: its number in the file and its cells as stripped text ("" when empty)."""

    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    """The header (normalised column names) and the non-blank data rows of one file.

    ``rows`` is a list for ``read_table`` and a one-pass iterator for ``open_table``."""

    columns: list[str]
    rows: Iterable[Row] = field(default_factory=list)
    encoding: str = "utf-8"
    sha256: str = ""
    close: Callable[[], None] = lambda: None  # let go of the file (the caller still owns and closes it)


def read_table(content: bytes, file_name: str) -> Table:
    """Parse ``content`` by the extension of ``file_name`` (.csv or .xlsx), every row in a list."""
    table = open_table(io.BytesIO(content), file_name)
    try:
        table.rows = list(table.rows)
    finally:
        table.close()
    return table


def open_table(source: BinaryIO, file_name: str) -> Table:
    """The header of ``source`` (a seekable binary file) and an iterator over its rows, read as a stream."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UnusableFile(f"{file_name}: unsupported file type {suffix or '(none)'}: use .csv or .xlsx")
    source.seek(0)
    encoding, sha256 = _scan(source, text=suffix == ".csv")
    source.seek(0)
    table = stream_csv(source, encoding) if suffix == ".csv" else stream_xlsx(source)
    table.sha256 = sha256
    return table


def _decodes(source: BinaryIO, encoding: str, digest: hashlib._Hash | None = None) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    ok = True
    while chunk := source.read(CHUNK_BYTES):
        if digest is not None:
            digest.update(chunk)
        if ok:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                ok = False
                if digest is None:
                    return False
    if ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return ok


def _scan(source: BinaryIO, *, text: bool) -> tuple[str, str]:
    """The encoding (CSV: UTF-8, else GB18030) and the SHA-256 of the file, read in chunks."""
    digest = hashlib.sha256()
    if not text:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
        return "xlsx", digest.hexdigest()
    if _decodes(source, "utf-8-sig", digest):
        return "utf-8-sig", digest.hexdigest()
    # Excel on a Chinese Windows saves "CSV" in the ANSI code page: GBK, a subset of GB18030.
    source.seek(0)
    if not _decodes(source, "gb18030"):
        raise UnusableFile("the file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8")
    return "gb18030", digest.hexdigest()


def normalise_column(name: str) -> str:
    """Header cells compare case-insensitively, ignoring spaces around them."""
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_")


def _header(cells: list[str]) -> list[str]:
    columns = [normalise_column(cell) for cell in cells]
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise UnusableFile("the file is empty: row 1 must hold the column names")
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            raise UnusableFile(f"column {column!r} appears twice in row 1")
        seen.add(column)
    return columns


def _row(number: int, columns: list[str], cells: list[str]) -> Row | None:
    values = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(columns) if column}
    if not any(values.values()):
        return None  # blank lines (often at the end of an Excel export) are not rows
    return Row(number, values)


def stream_csv(source: BinaryIO, encoding: str) -> Table:
    """A CSV file in UTF-8 (with or without BOM) or GB18030, its rows read as they are needed."""
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
        columns = _header(header)
    except StopIteration:
        text.detach()
        raise UnusableFile("the file is empty: row 1 must hold the column names") from None
    except csv.Error as exc:
        text.detach()
        raise UnusableFile(f"row 1: not a valid CSV line: {exc}") from None
    except UnusableFile:
        text.detach()
        raise

    def rows() -> Iterator[Row]:
        try:
            # One CSV record is one spreadsheet row, even when a quoted cell holds a line break.
            for number, cells in enumerate(reader, start=HEADER_ROW + 1):
                row = _row(number, columns, cells)
                if row is not None:
                    yield row
        except csv.Error as exc:
            raise UnusableFile(f"row {reader.line_num}: not a valid CSV line: {exc}") from None

    def close() -> None:
        with contextlib.suppress(ValueError):  # already detached
            text.detach()

    return Table(columns, rows(), encoding="utf-8" if encoding == "utf-8-sig" else encoding, close=close)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps every number as a float: 12.0 is the 12 the user typed
    return str(value)


def stream_xlsx(source: BinaryIO) -> Table:
    """The first sheet of an XLSX workbook, column names in row 1, rows read as they are needed."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException)
        raise UnusableFile(f"not a readable .xlsx workbook: {exc.__class__.__name__}") from None
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        first = next(lines, None)
        if first is None:
            raise UnusableFile("the file is empty: row 1 must hold the column names")
        columns = _header([_cell_text(v) for v in first])
    except BaseException:
        workbook.close()
        raise

    def rows() -> Iterator[Row]:
        try:
            for number, values in enumerate(lines, start=HEADER_ROW + 1):
                row = _row(number, columns, [_cell_text(v) for v in values])
                if row is not None:
                    yield row
        finally:
            workbook.close()

    return Table(columns, rows(), encoding="xlsx", close=workbook.close)
