"""What every kind of import file has in common: its columns, and parse → apply, one row at a time."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from store.errors import StoreError
from store.imports.errors import RowError
from store.imports.readers import Row
from store.premises.models import Store


class Outcome(StrEnum):
    imported = "imported"  # written: created or changed
    unchanged = "unchanged"  # already there with the same values (re-importing a file)


@dataclass(frozen=True)
class Parsed:
    """A row that parsed: what to write, and the key that must be unique within the file."""

    row: Row
    key: Hashable
    item: Any


class Handler:
    """One kind of file. Subclasses name their columns and implement ``parse`` and ``apply``."""

    kind: ClassVar[str]
    # Each entry is a column, or alternatives separated by "|" (one of them must be present).
    required: ClassVar[tuple[str, ...]]
    optional: ClassVar[tuple[str, ...]] = ()
    needs_store: ClassVar[bool] = True

    def __init__(self, session: Session, store: Store | None) -> None:
        self.session = session
        self._store = store
        # Set for managers importing over the API: a store file may touch their own store only.
        self.restrict_store_code: str | None = None

    def batch_store_id(self) -> int | None:
        """The store the import batch is filed under."""
        return self._store.id if self._store is not None else None

    @property
    def store(self) -> Store:
        assert self._store is not None, "this kind needs a store"
        return self._store

    @property
    def store_id(self) -> int:
        return self.store.id  # type: ignore[return-value]

    def parse(self, row: Row) -> Parsed:
        """Check and convert one row (may read the database, never writes); RowError when bad."""
        raise NotImplementedError

    def apply(self, parsed: Parsed) -> Outcome:
        """Write one parsed row through the owning domain's service; RowError or StoreError when refused."""
        raise NotImplementedError

    def apply_all(self, rows: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        """Apply each row in its own savepoint, so a refused row leaves no trace (bulk kinds override)."""
        for parsed in rows:
            yield parsed.row, self.apply_guarded(parsed)

    def apply_guarded(self, parsed: Parsed) -> Outcome | RowError:
        return self.guarded(lambda: self.apply(parsed))

    def guarded(self, write: Callable[[], Outcome]) -> Outcome | RowError:
        """Run ``write`` in a savepoint: a refusal rolls back only this row and becomes its reason."""
        try:
            with self.session.begin_nested():
                return write()
        except RowError as exc:
            return exc
        except StoreError as exc:
            return RowError("", exc.message)
        except IntegrityError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "constraint failed"
            return RowError("", f"the database refused the row: {reason}")

    def write_in_chunks(
        self, rows: list[Parsed], write: Callable[[list[Parsed]], object], size: int = 500
    ) -> Iterator[tuple[Row, Outcome | RowError]]:
        """Write new rows in bulk; when a chunk is refused, retry it row by row to name the bad ones."""
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            outcome = self.guarded(_writing(write, chunk))
            if isinstance(outcome, Outcome):
                yield from ((parsed.row, outcome) for parsed in chunk)
                continue
            for parsed in chunk:
                yield parsed.row, self.guarded(_writing(write, [parsed]))

    def finish(self) -> None:
        """After every row: bring derived data (KPI rollups) up to date with what was written."""

    def notes(self) -> list[str]:
        """What the import did besides its rows, for the report (entrances created)."""
        return []


def _writing(write: Callable[[list[Parsed]], object], rows: list[Parsed]) -> Callable[[], Outcome]:
    def run() -> Outcome:
        write(rows)
        return Outcome.imported

    return run


def expected_columns(handler: type[Handler]) -> str:
    """The columns of a kind as documentation shows them: required first, then [optional]."""
    optional = [f"[{column}]" for column in handler.optional]
    return ", ".join([*handler.required, *optional])


def missing_columns(handler: type[Handler], columns: list[str]) -> list[str]:
    present = set(columns)
    return [spec for spec in handler.required if not present.intersection(spec.split("|"))]


class BulkHandler(Handler):
    """A kind of many rows (orders, daily totals, footfall), written in bulk in two phases.

    Check: rows parsed one by one are compared, a chunk at a time, with what is stored (reads only) and
    the new or changed ones are staged in a temporary table of the owning domain (no write lock).
    Write: ``write`` moves the stage into the domain's tables with a few set-based statements, in one
    short transaction; the rollups move in the same statements (no rebuild)."""

    chunk: ClassVar[int] = 2000

    def open(self) -> None:
        """Create the empty stage."""
        raise NotImplementedError

    def check(self, chunk: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        """Compare ``chunk`` with the stored rows: unchanged, a bad row, or imported (and staged)."""
        raise NotImplementedError

    def prepare(self) -> None:
        """After the check, before the write transaction: work on the stage that needs no write lock."""

    def write(self) -> None:
        """Write the stage (the write phase)."""
        raise NotImplementedError

    def close(self) -> None:
        """Drop the stage."""
        raise NotImplementedError
