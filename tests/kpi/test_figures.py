"""坪效, 人效, footfall, conversion and growth as a manager reads them (mall from tests/kpi/conftest.py).

March 2026 has 31 days; shop B02 (200 m², 5 staff) trades from 16 March, so the store's selling area
that month is 100 + 300 + 200 × 16/31 m² and its staff 10 + 4 + (6 × 15 + 10 × 16)/31 + 5 × 16/31.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from store.errors import InvalidInput
from store.kpi import service as kpi_service
from store.kpi.errors import PeriodError
from tests.factories import kpi

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
STORE_AREA = 400 + 200 * 16 / 31
STORE_STAFF = (10 * 31 + 4 * 31 + 6 * 15 + 10 * 16 + 5 * 16) / 31


@pytest.fixture
def march(session, mall):
    kpi.sell(session, mall.beauty, day=date(2026, 3, 2), total_fen=10_000)
    dress = kpi.sell(session, mall.fashion, day=date(2026, 3, 20), total_fen=30_000)
    kpi.sell(session, mall.late, day=date(2026, 3, 20), total_fen=20_000)
    kpi.refund(session, dress, day=date(2026, 3, 21), amount_fen=5_000)
    kpi.count_days(session, mall.door, *MARCH, people=500, on=date(2026, 3, 2))
    return mall


def _month(session, mall, by="store", start=MARCH[0], end=MARCH[1], **kwargs):
    return kpi_service.series(session, mall.store.id, start=start, end=end, grain="month", by=by, **kwargs)


class TestStoreMonth:
    def test_revenue_is_net_of_refunds_and_the_ticket_divides_it_by_orders(self, session, march):
        [row] = _month(session, march)
        assert (row.period, row.revenue_fen, row.orders, row.avg_ticket_fen) == ("2026-03", 55_000, 3, 18_333)

    def test_sales_per_m2_uses_the_area_open_each_day(self, session, march):
        [row] = _month(session, march)
        assert row.selling_area_m2 == round(STORE_AREA, 2)
        assert row.sales_per_m2_fen == round(55_000 / STORE_AREA)

    def test_sales_per_staff_follows_the_headcount_steps(self, session, march):
        [row] = _month(session, march)
        assert row.staff == round(STORE_STAFF, 2)
        assert row.sales_per_staff_fen == round(55_000 / STORE_STAFF)

    def test_conversion_is_orders_over_people_through_the_doors(self, session, march):
        [row] = _month(session, march)
        assert (row.footfall, row.conversion) == (500, 0.006)

    def test_a_month_cut_short_says_it_is_partial(self, session, march):
        [row] = _month(session, march, end=date(2026, 3, 10))
        assert (row.partial, row.days, row.revenue_fen) == (True, 10, 10_000)


class TestBreakdown:
    def test_a_floor_adds_up_its_shops_and_has_no_footfall(self, session, march):
        rows = {r.key: r for r in _month(session, march, by="floor")}
        upper = rows["2F"]
        assert (upper.revenue_fen, upper.footfall, upper.conversion) == (45_000, None, None)
        assert upper.sales_per_m2_fen == round(45_000 / (300 + 200 * 16 / 31))
        assert upper.sales_per_staff_fen == round(45_000 / ((6 * 15 + 10 * 16 + 5 * 16) / 31))

    def test_categories_group_shops_of_the_same_trade(self, session, march):
        rows = {r.key: r for r in _month(session, march, by="category")}
        assert {k: r.revenue_fen for k, r in rows.items()} == {"cosmetics": 10_000, "womenswear": 45_000}
        assert rows["womenswear"].label == "女装"

    def test_a_shop_that_opened_mid_month_is_measured_on_its_trading_days(self, session, march):
        rows = {r.key: r for r in _month(session, march, by="shop")}
        assert rows["B02"].selling_area_m2 == round(200 * 16 / 31, 2)
        assert rows["B02"].sales_per_m2_fen == round(20_000 / (200 * 16 / 31))

    def test_daily_rows_cover_every_day_even_without_sales(self, session, march):
        rows = kpi_service.series(session, march.store.id, start=date(2026, 3, 1), end=date(2026, 3, 3))
        assert [(r.period, r.revenue_fen) for r in rows] == [
            ("2026-03-01", 0),
            ("2026-03-02", 10_000),
            ("2026-03-03", 0),
        ]


class TestGrowth:
    def test_growth_against_a_baseline_day(self, session, march):
        kpi.sell(session, march.beauty, day=date(2026, 2, 2), total_fen=8_000)
        [row] = kpi_service.series(
            session,
            march.store.id,
            start=date(2026, 3, 2),
            end=date(2026, 3, 2),
            baseline=(date(2026, 2, 2), date(2026, 2, 2)),
        )
        assert row.revenue_growth == 0.25

    def test_a_month_is_compared_with_a_longer_baseline_per_day(self, session, march):
        kpi.sell(session, march.beauty, day=date(2026, 1, 1), total_fen=59_000 * 2)  # history starts here
        [row] = _month(session, march, baseline=(date(2026, 1, 1), date(2026, 2, 28)))
        # 55,000 over 31 days against 118,000 over 59 days, exactly
        assert row.revenue_growth == float(Fraction(55_000 * 59, 31 * 118_000) - 1)

    def test_no_baseline_revenue_means_no_growth_figure(self, session, march):
        [row] = _month(session, march, baseline=(date(2025, 1, 1), date(2025, 1, 31)))
        assert row.revenue_growth is None


class TestDashboard:
    def test_today_and_month_to_date_beside_last_year(self, session, march):
        kpi.sell(session, march.fashion, day=date(2025, 3, 20), total_fen=40_000)
        board = kpi_service.dashboard(session, march.store.id, today=date(2026, 3, 20))
        assert (board.day.revenue_fen, board.day_last_year.revenue_fen, board.day.revenue_growth) == (
            50_000,
            40_000,
            0.25,
        )
        assert board.month_to_date.revenue_fen == 60_000
        assert board.month_to_date.period == "2026-03-01..2026-03-20"


class TestMonthly:
    def test_whole_months_with_the_b1_to_b4_figures_exact(self, session, march):
        rows = kpi_service.monthly(session, march.store.id, "2026-02", "2026-03")
        assert [(m.month, m.revenue_fen, m.footfall) for m in rows] == [("2026-02", 0, None), ("2026-03", 55_000, 500)]
        assert rows[1].sales_per_m2_fen == Fraction(55_000 * 31, 400 * 31 + 200 * 16)

    def test_a_month_without_counts_is_not_zero_footfall(self, session, march):
        february, _ = kpi_service.monthly(session, march.store.id, "2026-02", "2026-03")
        assert (february.footfall, february.footfall_days, february.value("footfall")) == (None, 0, None)


class TestBadRange:
    def test_a_reversed_range_is_refused(self, session, mall):
        with pytest.raises(InvalidInput, match="reversed"):
            kpi_service.series(session, mall.store.id, start=date(2026, 3, 2), end=date(2026, 3, 1))

    def test_a_month_not_written_yyyy_mm_is_refused(self, session, mall):
        with pytest.raises(InvalidInput, match="YYYY-MM"):
            kpi_service.monthly(session, mall.store.id, "2026-13", "2026-03")

    def test_the_error_carries_a_code_an_edge_can_translate(self, session, mall):
        with pytest.raises(PeriodError) as caught:
            kpi_service.series(session, mall.store.id, start=date(2026, 3, 2), end=date(2026, 3, 1))
        assert (caught.value.code, caught.value.params) == (
            "reversed",
            {"name": "range", "start": "2026-03-02", "end": "2026-03-01"},
        )
