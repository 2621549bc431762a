"""Growth only against a baseline the store's history covers, and only over completed days.

The mall's sales history starts on 26 March 2025 (six days of that March), as the full demo's starts
on 25 November 2024: a month set beside such a baseline month gets no growth figure, not +400%.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from store.clock import business_day, utcnow
from store.kpi import service as kpi_service
from tests.factories import kpi

HISTORY_STARTS = date(2025, 3, 26)


@pytest.fixture
def two_years(session, mall):
    kpi.sell(session, mall.beauty, day=HISTORY_STARTS, total_fen=10_000)
    kpi.sell(session, mall.beauty, day=date(2025, 4, 10), total_fen=40_000)
    kpi.sell(session, mall.beauty, day=date(2026, 3, 10), total_fen=50_000)
    kpi.sell(session, mall.beauty, day=date(2026, 4, 10), total_fen=44_000)
    return mall


def _months(session, mall, start, end, baseline, **kwargs):
    return kpi_service.series(session, mall.store.id, start=start, end=end, grain="month", baseline=baseline, **kwargs)


class TestBaselineBeforeHistory:
    def test_a_month_against_a_baseline_month_with_six_days_of_data_has_no_growth(self, session, two_years):
        march, april = _months(
            session,
            two_years,
            date(2026, 3, 1),
            date(2026, 4, 30),
            (date(2025, 3, 1), date(2025, 4, 30)),
            per_period=True,
        )
        assert (march.revenue_growth, march.sales_per_m2_growth, march.baseline_incomplete) == (None, None, True)
        assert (april.revenue_growth, april.baseline_incomplete) == (0.1, False)

    def test_a_whole_baseline_reaching_before_history_gives_no_growth(self, session, two_years):
        [april] = _months(
            session, two_years, date(2026, 4, 1), date(2026, 4, 30), (date(2025, 3, 1), date(2025, 4, 30))
        )
        assert (april.revenue_growth, april.baseline_incomplete) == (None, True)

    def test_a_baseline_reaching_past_today_gives_no_growth(self, session, two_years):
        today = business_day(utcnow(), two_years.store.timezone)
        [april] = _months(session, two_years, date(2026, 4, 1), date(2026, 4, 30), (today, today + timedelta(1)))
        assert april.baseline_incomplete and april.revenue_growth is None


class TestPerPeriodBaseline:
    def test_each_month_is_set_beside_the_same_month_a_year_before(self, session, two_years):
        kpi.sell(session, two_years.fashion, day=date(2025, 5, 5), total_fen=31_000)
        kpi.sell(session, two_years.fashion, day=date(2026, 5, 5), total_fen=62_000)
        rows = _months(
            session,
            two_years,
            date(2026, 4, 1),
            date(2026, 5, 31),
            (date(2025, 4, 1), date(2025, 5, 31)),
            per_period=True,
        )
        assert [(r.period, r.revenue_growth) for r in rows] == [("2026-04", 0.1), ("2026-05", 1.0)]

    def test_each_shop_is_compared_with_its_own_figures(self, session, two_years):
        rows = _months(
            session,
            two_years,
            date(2026, 4, 1),
            date(2026, 4, 30),
            (date(2025, 4, 1), date(2025, 4, 30)),
            by="shop",
            per_period=True,
        )
        assert {r.key: r.revenue_growth for r in rows} == {"A01": 0.1, "B01": None, "B02": None}


class TestWholeRange:
    def test_total_grain_is_one_row_per_key_for_the_whole_range(self, session, two_years):
        rows = kpi_service.series(
            session, two_years.store.id, start=date(2026, 3, 1), end=date(2026, 4, 30), grain="total", by="shop"
        )
        beauty = next(r for r in rows if r.key == "A01")
        assert (len(rows), beauty.days, beauty.revenue_fen, beauty.partial) == (3, 61, 94_000, False)
        assert beauty.sales_per_m2_fen == round(94_000 / beauty.selling_area_m2)

    def test_a_range_cut_inside_a_month_is_marked_partial(self, session, two_years):
        [row] = kpi_service.series(
            session, two_years.store.id, start=date(2026, 3, 1), end=date(2026, 4, 10), grain="total"
        )
        assert row.partial and row.period == "2026-03-01..2026-04-10"


class TestDashboardCompletedDays:
    def test_today_has_no_growth_while_the_day_is_under_way(self, session, mall):
        today = business_day(utcnow(), mall.store.timezone)
        kpi.sell(session, mall.beauty, day=today.replace(year=today.year - 2), total_fen=1_000)  # long history
        kpi.sell(session, mall.beauty, day=today.replace(year=today.year - 1), total_fen=40_000)
        board = kpi_service.dashboard(session, mall.store.id, today=today)
        assert (board.day.revenue_fen, board.day_last_year.revenue_fen) == (0, 40_000)
        assert board.day.revenue_growth is None and not board.day.baseline_incomplete
        assert board.compared_through == (today - timedelta(days=1) if today.day > 1 else None)

    def test_the_month_compares_its_completed_days_only(self, session, mall):
        today = business_day(utcnow(), mall.store.timezone)
        if today.day == 1:
            pytest.skip("no completed day of this month yet")
        yesterday, year_ago = today - timedelta(days=1), today.replace(year=today.year - 1)
        kpi.sell(session, mall.beauty, day=year_ago.replace(day=1), total_fen=20_000)
        kpi.sell(session, mall.beauty, day=year_ago, total_fen=90_000)  # last year's whole day of today
        kpi.sell(session, mall.beauty, day=yesterday, total_fen=25_000)
        board = kpi_service.dashboard(session, mall.store.id, today=today)
        assert board.month_to_date_last_year.revenue_fen == 20_000
        assert board.month_to_date.revenue_growth == 0.25

    def test_last_year_before_the_history_gives_no_growth(self, session, mall):
        kpi.sell(session, mall.beauty, day=date(2026, 3, 20), total_fen=5_000)
        board = kpi_service.dashboard(session, mall.store.id, today=date(2026, 3, 20))
        assert board.day.baseline_incomplete and board.day.revenue_growth is None
        assert board.month_to_date.baseline_incomplete and board.month_to_date.revenue_growth is None
