"""`smartstore import` never holds the write lock while it checks a file: a till posting meanwhile is
answered at once, and an import that loses an order number to it stays all or nothing (issue 7 item 2)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from store import db
from store.cli import cli
from store.imports.history_rows import OrderRows
from store.premises.models import Shop
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
