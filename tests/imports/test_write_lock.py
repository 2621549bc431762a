"""`smartstore import` never holds the write lock while it checks a file: a till posting meanwhile is
answered at once, and an import that loses an order number to it stays all or nothing (issue 7 item 2)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from store import db
from store.cli import cli
from store.imports import slices
from store.imports.history_rows import OrderRows
from store.imports.models import ImportWrite
from store.kpi.models import SALES_KEY, SALES_SUMS
from store.kpi.service import SALES
from store.premises.models import Shop
from store.sales import bulk as sales_bulk
from store.sales import rollups
from store.sales import service as sales_service
from store.sales.models import Order
from tests.conftest import separate_database
from tests.factories.sales import order_in

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
ROWS = 4500  # more than two chunks of the check phase


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with separate_database(tmp_path_factory.mktemp("lock"), "imports_lock") as url:
        for kind in ("store", "floors", "shops"):
            assert run(kind, EXAMPLES / f"{kind}.csv").exit_code == 0
        yield url


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, ["import", *map(str, args)])


def orders_file(folder: Path, prefix: str) -> Path:
    start = datetime.now(UTC) - timedelta(days=30)
    rows = [
        f"{prefix}{n:05d},{(start + timedelta(minutes=n)).isoformat()},CO01,offline,own_till,{100 + n}"
        for n in range(ROWS)
    ]
    path = folder / f"{prefix}.csv"
    path.write_text("order_no,ordered_at,shop_code,channel,source,total_fen\n" + "\n".join(rows) + "\n")
    return path


def till_sells(order_no: str) -> None:
    """A till's sale in a unit of work of its own, on another connection, as the API writes it."""
    engine = db.get_engine().execution_options(**{db.WRITE_INTENT: True})
    with db.unit_of_work(engine) as session:
        shop = session.execute(select(Shop).where(Shop.code == "CO01")).scalars().one()
        at = datetime.now(UTC) - timedelta(minutes=1)
        sales_service.create_order(session, shop.store_id, order_in(shop, order_no=order_no, ordered_at=at))


def stored(prefix: str) -> int:
    with db.get_engine().connect() as conn:
        query = select(func.count()).select_from(Order).where(Order.order_no.like(f"{prefix}%"))  # type: ignore[attr-defined]
        return conn.execute(query).scalar_one()


def during_check(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> list[str]:
    """Run ``action`` once, while the import checks its second chunk of rows; returns what happened."""
    seen: list[str] = []
    check = OrderRows.check

    def checking(self: OrderRows, chunk: list) -> Iterator:
        seen.append("chunk")
        if len(seen) == 2:
            action()
            seen.append("till answered")
        return check(self, chunk)

    monkeypatch.setattr(OrderRows, "check", checking)
    return seen


class TestATillDuringAnImport:
    def test_is_answered_while_the_file_is_checked_and_the_import_completes(self, database, tmp_path, monkeypatch):
        seen = during_check(monkeypatch, lambda: till_sells("TILL-A1"))

        result = run("orders", orders_file(tmp_path, "LOCKA"))

        assert "till answered" in seen
        assert (result.exit_code, "Traceback" in result.output) == (0, False)
        assert result.output.startswith(f"orders: imported {ROWS}, unchanged 0, skipped 0 bad rows")
        assert (stored("LOCKA"), stored("TILL-A1")) == (ROWS, 1)

    def test_an_order_number_the_till_takes_meanwhile_makes_a_bad_row_and_nothing_is_imported(
        self, database, tmp_path, monkeypatch
    ):
        during_check(monkeypatch, lambda: till_sells("LOCKB00007"))

        result = run("orders", orders_file(tmp_path, "LOCKB"))

        assert (result.exit_code, "Traceback" in result.output) == (1, False), result.output
        assert "row 9: order_no: order_no exists with" in result.output
        assert (stored("LOCKB"), stored("LOCKB00007")) == (1, 1)  # the till's sale, and no row of the file


class TestNoTraceback:
    def test_a_database_error_is_one_line_and_exit_2(self, database, tmp_path, monkeypatch):
        def locked(*args, **kwargs):
            raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))

        monkeypatch.setattr("store.imports.service.run_import", locked)

        result = run("orders", orders_file(tmp_path, "LOCKC"))

        assert (result.exit_code, "Traceback" in result.output) == (2, False)
        assert result.output.strip() == (
            "error: the database refused the import (database is locked); nothing was imported"
        )


# --- The write phase on SQLite: short slices, each its own transaction; all or nothing in the end state.

sqlite_only = pytest.mark.skipif(
    "postgresql" in os.environ.get("SMARTSTORE_TEST_DATABASE_URL", ""),
    reason="PostgreSQL writes an import in one transaction (tills are not blocked by it)",
)


def between_slices(monkeypatch: pytest.MonkeyPatch, before: int, action: Callable[[], None]) -> list[str]:
    """Write slices of 1,000 orders and run ``action`` just before slice number ``before`` is written."""
    monkeypatch.setattr(slices, "SLICE", 1000)
    seen: list[str] = []
    insert = sales_bulk.insert_staged_orders

    def inserting(*args: object, **kwargs: object) -> None:
        seen.append("slice")
        if len(seen) == before:
            action()
            seen.append("done")
        insert(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sales_bulk, "insert_staged_orders", inserting)
    return seen


def writes() -> list[tuple[str, str]]:
    with db.get_engine().connect() as conn:
        query = select(ImportWrite.file_name, ImportWrite.state).order_by(ImportWrite.id)  # type: ignore[arg-type]
        return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


def rollups_match_orders() -> bool:
    """Whether the stored sales rollups are what a rebuild from the raw rows gives."""
    with db.get_engine().connect() as conn, Session(bind=conn) as session:
        store_id = session.execute(select(Shop.store_id).where(Shop.code == "CO01")).scalar_one()
        key = [SALES.c[name] for name in SALES_KEY]
        query = select(*key, *(SALES.c[name] for name in SALES_SUMS)).where(SALES.c.store_id == store_id)
        query = query.order_by(*key)
        stored = [tuple(row) for row in session.execute(query) if any(row[len(key) :])]
        rollups.rebuild(session, store_id)
        rebuilt = [tuple(row) for row in session.execute(query) if any(row[len(key) :])]
        session.rollback()
    return stored == rebuilt


@sqlite_only
class TestSlices:
    def test_a_till_posts_between_two_slices_and_the_import_completes(self, database, tmp_path, monkeypatch):
        seen = between_slices(monkeypatch, 3, lambda: till_sells("TILL-S1"))

        result = run("orders", orders_file(tmp_path, "SLICEA"))

        assert seen.count("slice") == 5 and "done" in seen
        assert (result.exit_code, "Traceback" in result.output) == (0, False), result.output
        assert (stored("SLICEA"), stored("TILL-S1")) == (ROWS, 1)
        assert writes()[-1] == ("SLICEA.csv", "done")
        assert rollups_match_orders()

    def test_a_number_taken_between_slices_removes_the_written_slices_and_nothing_is_imported(
        self, database, tmp_path, monkeypatch
    ):
        # The top slice (rows 4,002–4,501) is written first; the till then takes the number of row 9.
        between_slices(monkeypatch, 2, lambda: till_sells("SLICEB00007"))

        result = run("orders", orders_file(tmp_path, "SLICEB"))

        assert (result.exit_code, "Traceback" in result.output) == (1, False), result.output
        assert "nothing imported" in result.output
        assert "row 9: order_no: order_no exists with" in result.output
        assert (stored("SLICEB"), stored("SLICEB00007")) == (1, 1)  # the till's sale, and no row of the file
        assert ("SLICEB.csv", "undone") in writes()
        assert rollups_match_orders()

    def test_a_process_killed_between_slices_is_undone_by_the_next_import(self, database, tmp_path, monkeypatch):
        def kill() -> None:
            raise slices.Killed

        between_slices(monkeypatch, 3, kill)
        file = orders_file(tmp_path, "SLICEC")

        with pytest.raises(slices.Killed):
            run("orders", file)

        assert stored("SLICEC") == 1500  # the top slice and the first: a half import, for now
        assert writes()[-1] == ("SLICEC.csv", "writing")
        monkeypatch.undo()
        monkeypatch.setattr(slices, "SLICE", 1000)

        result = run("orders", file)

        assert (result.exit_code, "Traceback" in result.output) == (0, False), result.output
        assert "removed a half-written import of SLICEC.csv" in result.output
        assert f"orders: imported {ROWS}, unchanged 0" in result.output
        assert stored("SLICEC") == ROWS
        assert [state for name, state in writes() if name == "SLICEC.csv"] == ["undone", "done"]
        assert rollups_match_orders()

    def test_db_upgrade_undoes_a_half_import_too(self, database, tmp_path, monkeypatch):
        def kill() -> None:
            raise slices.Killed

        between_slices(monkeypatch, 4, kill)
        with pytest.raises(slices.Killed):
            run("orders", orders_file(tmp_path, "SLICED"))
        assert stored("SLICED") == 2500
        monkeypatch.undo()

        result = CliRunner().invoke(cli, ["db", "upgrade"])

        assert result.exit_code == 0, result.output
        assert "removed a half-written import of SLICED.csv" in result.output
        assert stored("SLICED") == 0
        assert writes()[-1] == ("SLICED.csv", "undone")
        assert rollups_match_orders()
