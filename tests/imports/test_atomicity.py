"""A file is one unit of work: all of it, the good rows with skip_bad, or nothing at all."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from store.imports import service as imports_service
from store.imports.errors import ImportRejected, UnusableFile
from store.imports.models import ImportBatch
from store.kpi.models import KpiSalesDaily
from store.sales.models import Order

ORDERS = "order_no,ordered_at,shop_code,channel,source,total_fen\n"
GOOD_AND_BAD = (
    ORDERS + "G1,2025-07-01 10:00,CO01,offline,own_till,100\nB1,2025-07-01 10:00,XX,offline,own_till,1\n"
    "G2,2025-07-02 10:00,CO01,offline,own_till,200\n"
)


def count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


class TestFileWithBadRows:
    def test_without_skip_bad_nothing_is_written_and_the_report_says_why(self, session, mall):
        with pytest.raises(ImportRejected) as raised:
            imports_service.run_import(session, "orders", GOOD_AND_BAD.encode(), "orders.csv", store_id=mall.store.id)
        reason = "unknown shop 'XX' (import shops first)"
        assert raised.value.errors == [{"row": 3, "column": "shop_code", "reason": reason}]
        assert raised.value.report.imported == 2  # what would have been imported
        assert (count(session, Order), count(session, KpiSalesDaily), count(session, ImportBatch)) == (0, 0, 0)

    def test_with_skip_bad_the_good_rows_are_imported_and_the_bad_ones_skipped(self, session, mall, import_text):
        report = import_text("orders", GOOD_AND_BAD, skip_bad=True)
        assert (report.imported, report.skipped, report.written) == (2, 1, True)
        assert report.summary() == "orders: imported 2, unchanged 0, skipped 1 bad rows"
        assert sorted(session.exec(select(Order.order_no))) == ["G1", "G2"]
        batch = session.exec(select(ImportBatch)).one()
        assert (batch.kind, batch.rows, batch.imported, batch.skipped, len(batch.sha256)) == ("orders", 3, 2, 1, 64)

    def test_a_dry_run_reports_everything_and_writes_nothing(self, session, mall, import_text):
        report = import_text("orders", GOOD_AND_BAD, skip_bad=True, dry_run=True)
        assert (report.imported, report.skipped, report.written) == (2, 1, False)
        assert (count(session, Order), count(session, ImportBatch)) == (0, 0)


class TestReimport:
    def test_the_same_file_twice_imports_nothing_the_second_time(self, session, mall, import_text):
        first = import_text("orders", GOOD_AND_BAD, skip_bad=True)
        kpi_before = [tuple(row) for row in session.exec(select(KpiSalesDaily.business_on, KpiSalesDaily.revenue_fen))]
        second = import_text("orders", GOOD_AND_BAD, skip_bad=True)
        kpi_after = [tuple(row) for row in session.exec(select(KpiSalesDaily.business_on, KpiSalesDaily.revenue_fen))]
        assert (first.imported, second.imported, second.unchanged) == (2, 0, 2)
        assert (count(session, Order), kpi_after) == (2, kpi_before)


class TestUnusableInput:
    def test_a_missing_column_names_the_columns_expected(self, session, mall):
        with pytest.raises(UnusableFile) as raised:
            imports_service.run_import(session, "orders", b"order_no,shop_code\nA,B\n", "o.csv", store_id=mall.store.id)
        assert raised.value.message == (
            "o.csv: missing column(s) ordered_at, channel, source, total_fen|total_yuan; orders files have the "
            "columns: order_no, ordered_at, shop_code, channel, source, total_fen|total_yuan, [member_id], "
            "[member_no], [discount_fen|discount_yuan], [payment_method]"
        )

    def test_an_unknown_kind_is_refused(self, session):
        with pytest.raises(UnusableFile, match="unknown kind 'loyalty'"):
            imports_service.run_import(session, "loyalty", b"a\n1\n", "m.csv")
