"""Errors of the imports domain."""

from __future__ import annotations

from typing import Any

from store.errors import InvalidInput


class UnusableFile(InvalidInput):
    """The file cannot be read as a table of the kind asked for (exit code 2 on the command line)."""

    type = "import-unusable-file"
    title = "File cannot be imported"


class ImportRejected(InvalidInput):
    """The file has bad rows and ``skip_bad`` was not given: nothing was imported."""

    type = "import-rejected"
    title = "File has bad rows: nothing imported"

    def __init__(self, message: str, *, errors: list[dict[str, Any]], report: Any) -> None:
        super().__init__(message, errors=errors)
        self.report = report  # the ImportReport: what would have been imported, and every bad row


class RowError(Exception):
    """A bad cell or row: reported as ``row N: column: reason`` and the row is not imported."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}" if column else reason)
        self.column = column
        self.reason = reason
