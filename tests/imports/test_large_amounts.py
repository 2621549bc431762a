"""Imported history past ¥21,474,836.47 a row (a 32-bit INTEGER of fen) is kept; an absurd amount is a bad row."""

from __future__ import annotations

from sqlmodel import select

from store.kpi.models import KpiSalesDaily
from store.sales.models import DailyTotal, Order
from store.wire import MONEY_MAX
from tests.imports.conftest import errors_of

ORDERS = "order_no,ordered_at,shop_code,channel,source,total_yuan\n"
TOTALS = "business_on,shop_code,channel,source,revenue_yuan,orders\n"


class TestAFlagshipMonthIsImportedWhole:
    def test_a_thirty_million_yuan_total_and_order_are_kept_to_the_fen(self, session, mall, import_text):
        totals = import_text("daily-totals", TOTALS + "2025-05-01,CO01,offline,tenant_declared,30000000.01,900\n")
        orders = import_text("orders", ORDERS + 'BIG-1,2025-05-02 12:00,CO01,offline,own_till,"¥30,000,000.00"\n')
        assert (totals.imported, orders.imported) == (1, 1)
        assert session.exec(select(DailyTotal.revenue_fen)).one() == 3_000_000_001
        assert session.exec(select(Order.total_fen)).one() == 3_000_000_000
        rollups = session.exec(select(KpiSalesDaily.revenue_fen).where(KpiSalesDaily.store_id == mall.store.id))
        assert sorted(rollups) == [3_000_000_000, 3_000_000_001]


class TestAnAmountNoStoreCouldTake:
    def test_is_a_bad_row_naming_the_column_and_nothing_is_written(self, session, import_text):
        fen = MONEY_MAX + 1
        report = import_text(
            "daily-totals",
            f"business_on,shop_code,channel,source,revenue_fen\n2025-05-01,CO01,offline,tenant_declared,{fen}\n",
        )
        assert errors_of(report) == [f"row 2: revenue_fen: must be at most {MONEY_MAX} fen"]
        assert session.exec(select(DailyTotal)).first() is None

    def test_an_order_whose_discount_pushes_the_subtotal_past_the_limit_is_a_bad_row(self, session, import_text):
        report = import_text(
            "orders",
            "order_no,ordered_at,shop_code,channel,source,total_fen,discount_fen\n"
            f"BIG-2,2025-05-02 12:00,CO01,offline,own_till,{MONEY_MAX},{MONEY_MAX}\n",
        )
        assert len(errors_of(report)) == 1 and errors_of(report)[0].startswith("row 2: discount_fen:")
        assert session.exec(select(Order)).first() is None
