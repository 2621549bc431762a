"""CSV and XLSX files → rows of text keyed by column name, numbered as a spreadsheet user sees them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath

from store.imports.errors import UnusableFile

HEADER_ROW = 1  # the header is row 1, so the first data row is row 2, as in Excel


@dataclass(frozen=True)
class Row:
    """One data row: its number in the file and its cells as stripped text ("" when empty)."""

    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    """The header (normalised column names) and the non-blank data rows of one file."""

    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    encoding: str = "utf-8"


def read_table(content: bytes, file_name: str) -> Table:
    """Parse ``content`` by the extension of ``file_name`` (.csv or .xlsx)."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".csv":
        return read_csv(content)
    if suffix == ".xlsx":
        return read_xlsx(content)
    raise UnusableFile(f"{file_name}: unsupported file type {suffix or '(none)'}: use .csv or .xlsx")


def _decode(content: bytes) -> tuple[str, str]:
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Excel on a Chinese Windows saves "CSV" in the ANSI code page: GBK, a subset of GB18030.
    try:
        return content.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise UnusableFile("the file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8") from None


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


def read_csv(content: bytes) -> Table:
    """A CSV file in UTF-8 (with or without BOM) or GB18030."""
    text, encoding = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UnusableFile("the file is empty: row 1 must hold the column names") from None
    except csv.Error as exc:
        raise UnusableFile(f"row 1: not a valid CSV line: {exc}") from None
    table = Table(_header(header), encoding=encoding)
    try:
        # One CSV record is one spreadsheet row, even when a quoted cell holds a line break.
        for number, cells in enumerate(reader, start=HEADER_ROW + 1):
            row = _row(number, table.columns, cells)
            if row is not None:
                table.rows.append(row)
    except csv.Error as exc:
        raise UnusableFile(f"row {reader.line_num}: not a valid CSV line: {exc}") from None
    return table


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


def read_xlsx(content: bytes) -> Table:
    """The first sheet of an XLSX workbook, column names in row 1."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException)
        raise UnusableFile(f"not a readable .xlsx workbook: {exc.__class__.__name__}") from None
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        first = next(lines, None)
        if first is None:
            raise UnusableFile("the file is empty: row 1 must hold the column names")
        table = Table(_header([_cell_text(v) for v in first]), encoding="xlsx")
        for number, values in enumerate(lines, start=HEADER_ROW + 1):
            row = _row(number, table.columns, [_cell_text(v) for v in values])
            if row is not None:
                table.rows.append(row)
        return table
    finally:
        workbook.close()
