"""Missing data is never a zero: each figure is backed by its own data on every day, or shown as missing.

Footfall needs a count on each day, 坪效 an area on record for every trading shop each day (a shop's area
is a dated record, so a refit changes the days after it only), 人效 a headcount on record each day. The
mall (tests/kpi/conftest.py): A01 100 m², B01 300 m², the store's own 10 staff, A01 4, B01 6.
"""

from __future__ import annotations

import ast
from datetime import date
from fractions import Fraction
from pathlib import Path

from store.kpi import service as kpi_service
from store.kpi.schemas import Coverage
from store.premises import service as premises_service
from store.premises.schemas import ShopCreate
from tests.factories import kpi, premises

APRIL = (date(2025, 4, 1), date(2025, 4, 30))
MAY = (date(2025, 5, 1), date(2025, 5, 31))


def _month(session, mall, month, **kwargs):
    [row] = kpi_service.series(session, mall.store.id, start=month[0], end=month[1], grain="month", **kwargs)
    return row


class TestFootfall:
    def test_a_month_with_uncounted_days_shows_no_footfall_and_says_how_many_were_counted(self, session, mall):
        kpi.count_days(session, mall.door, date(2025, 4, 1), date(2025, 4, 20), people=2_000)
        kpi.sell(session, mall.beauty, day=date(2025, 4, 2), total_fen=10_000)
        row = _month(session, mall, APRIL)
        assert (row.footfall, row.conversion) == (None, None)
        assert row.gaps == [Coverage(figure="footfall", days=20, of=30)]

    def test_a_baseline_counted_on_some_days_gives_no_footfall_growth_but_revenue_growth(self, session, mall):
        kpi.sell(session, mall.beauty, day=date(2025, 3, 1), total_fen=10_000)  # the sales history starts
        kpi.sell(session, mall.beauty, day=date(2025, 4, 2), total_fen=30_000)
        kpi.sell(session, mall.beauty, day=date(2025, 5, 2), total_fen=31_000)
        kpi.count_days(session, mall.door, date(2025, 4, 21), date(2025, 4, 30), people=1_000)  # cameras from 21 April
        kpi.count_days(session, mall.door, *MAY, people=1_000)
        row = _month(session, mall, MAY, baseline=APRIL)
        assert (row.footfall, row.footfall_growth) == (1_000, None)
        assert row.baseline_gaps == [Coverage(figure="footfall", days=10, of=30)]
        assert row.revenue_growth == 0.0 and not row.baseline_incomplete  # 1,000 fen a day both months


class TestAreaHistory:
    def test_a_shop_that_shrinks_keeps_its_old_area_on_the_days_before(self, session, mall):
        premises_service.set_area(
            session, mall.store.id, mall.fashion.id, effective_on=date(2025, 6, 16), selling_area_m2=100.0
        )
        rows = kpi_service.series(session, mall.store.id, start=MAY[0], end=date(2025, 7, 31), grain="month", by="shop")
        fashion = [r.selling_area_m2 for r in rows if r.key == "B01"]
        assert fashion == [300.0, 200.0, 100.0]  # June: 15 days at 300 m², 15 at 100 m²
        assert mall.fashion.selling_area_m2 == 100.0  # the shop's current area follows its latest record

    def test_sales_per_m2_divides_by_the_area_open_each_day_exactly(self, session, mall):
        premises_service.set_area(
            session, mall.store.id, mall.fashion.id, effective_on=date(2025, 6, 16), selling_area_m2=100.0
        )
        kpi.sell(session, mall.beauty, day=date(2025, 6, 1), total_fen=100_001)
        [june] = kpi_service.monthly(session, mall.store.id, "2025-06", "2025-06")
        assert june.sales_per_m2_fen == Fraction(100_001 * 30, 100 * 30 + 300 * 15 + 100 * 15)

    def test_a_shop_whose_area_is_on_record_only_from_mid_month_leaves_sales_per_m2_missing(self, session, mall):
        data = ShopCreate(
            code="C01",
            name="新店",
            category="cosmetics",
            floor_code="1F",
            selling_area_m2=50,
            opened_on=date(2024, 1, 1),
            area_from=date(2025, 5, 10),
        )
        premises_service.create_shop(session, mall.store.id, data)
        premises.set_headcount(
            session, mall.store, 2, shop=premises_service.get_shop_by_code(session, mall.store.id, "C01")
        )
        kpi.sell(session, mall.beauty, day=date(2025, 5, 2), total_fen=10_000)
        row = _month(session, mall, MAY)
        assert row.sales_per_m2_fen is None and row.sales_per_staff_fen is not None
        assert row.gaps == [Coverage(figure="footfall", days=0, of=31), Coverage(figure="sales_per_m2", days=22, of=31)]


class TestHeadcount:
    def test_a_trading_shop_without_a_headcount_on_record_is_unknown_not_zero(self, session, mall):
        premises.create_shop(session, mall.store, mall.ground, code="C02", opened_on=date(2024, 1, 1))
        kpi.sell(session, mall.beauty, day=date(2025, 5, 2), total_fen=10_000)
        row = _month(session, mall, MAY)
        assert (row.sales_per_staff_fen, row.staff) == (None, 20.0)
        assert Coverage(figure="sales_per_staff", days=0, of=31) in row.gaps

    def test_a_headcount_from_mid_month_covers_the_days_from_then(self, session, mall):
        shop = premises.create_shop(session, mall.store, mall.ground, code="C03", opened_on=date(2024, 1, 1))
        premises.set_headcount(session, mall.store, 3, shop=shop, effective_on=date(2025, 5, 11))
        [may] = kpi_service.monthly(session, mall.store.id, "2025-05", "2025-05")
        assert (may.staff_days, may.value("sales_per_staff_fen")) == (21, None)

    def test_the_stores_own_staff_count_from_their_first_record_once_the_store_keeps_one(self, session):
        store = premises.create_store(session)
        shop = premises.create_shop(session, store, opened_on=date(2024, 1, 1))
        premises.set_headcount(session, store, 4, shop=shop)
        [shops_only] = kpi_service.monthly(session, store.id, "2025-05", "2025-05")
        premises.set_headcount(session, store, 10, effective_on=date(2025, 5, 11))  # own staff from 11 May
        [with_own] = kpi_service.monthly(session, store.id, "2025-05", "2025-05")
        assert (shops_only.staff, shops_only.staff_days) == (4, 31)
        assert with_own.staff_days == 21 and with_own.value("sales_per_staff_fen") is None


class TestExactGrowth:
    def test_a_growth_just_under_five_percent_is_not_rounded_up(self, session, mall):
        kpi.sell(session, mall.beauty, day=date(2025, 4, 1), total_fen=8_000_160)  # 坪效 20,000.4 fen/m²
        kpi.sell(session, mall.beauty, day=date(2025, 6, 1), total_fen=8_400_160)  # 坪效 21,000.4 fen/m²
        row = _month(session, mall, (date(2025, 6, 1), date(2025, 6, 30)), baseline=APRIL)
        assert row.sales_per_m2_growth == float(Fraction(8_400_160, 8_000_160) - 1)
        assert row.sales_per_m2_growth < 0.05 and row.revenue_growth < 0.05
        assert (row.sales_per_m2_fen, round(8_000_160 / 400)) == (21_000, 20_000)  # rounded only to show


class TestNoCycle:
    def test_kpi_imports_nothing_of_assessment(self):
        """kpi feeds the assessment (B1–B4); the assessment never feeds kpi (issue 8: no cycles)."""
        package = Path(kpi_service.__file__).parent
        found = {
            (path.name, name)
            for path in package.glob("*.py")
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for name in ([node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names])
            if name.startswith("store.assessment")
        }
        assert found == set()
