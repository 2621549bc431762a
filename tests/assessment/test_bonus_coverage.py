"""B1–B4 only score growth the data can back, with the baseline months chosen or by default.

The mall's smart upgrade is on 1 July 2025; the period is August–September 2025, so by default the
baseline is May–June 2025 (``tests.factories.kpi``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from store.assessment import render
from store.assessment import service as assessment_service
from store.kpi.errors import PeriodError
from store.kpi.periods import month_end
from store.premises import service as premises_service
from tests.factories import kpi, premises

NOW = datetime(2025, 10, 15, 4, 0, tzinfo=UTC)
PERIOD = {"period_from": "2025-08", "period_to": "2025-09"}
MONTHS = [date(2025, m, 1) for m in (5, 6, 7, 8, 9)]


def _report(session, mall, **kwargs):
    return assessment_service.assess(session, mall.store.id, now=NOW, **{**PERIOD, **kwargs})


def _row(report, indicator):
    return next(r for r in report.indicators if r.id == indicator)


def _figures(row):
    return {f.name: f.value for f in row.figures}


@pytest.fixture
def story(session):
    mall = kpi.create_mall(session)
    kpi.upgrade_story(session, mall)
    return mall


class TestFootfallCountedOnlyFromJune:
    def test_flat_footfall_with_cameras_from_june_earns_nothing_and_says_how_much_is_covered(self, session):
        """The reported case: 1,000 people every month, counted only from June, upgrade in July."""
        mall = kpi.create_mall(session)
        for month in MONTHS:
            kpi.month_of_trade(session, mall, month, beauty_fen=100_000, fashion_fen=100_000)
        for month in MONTHS[1:]:  # the cameras count from 1 June
            kpi.count_days(session, mall.door, month, month_end(month), people=1_000)
        row = _row(_report(session, mall), "B1")
        assert (row.points, row.status) == (0, "not_measured")
        assert "baseline: footfall on 30 of 61 days" in row.rule
        assert _figures(row)["footfall_baseline_days"] == "30/61"
        assert "footfall_growth" not in _figures(row)

    def test_the_same_store_counted_all_along_is_flat_and_earns_nothing_either(self, session):
        mall = kpi.create_mall(session)
        for month in MONTHS:
            kpi.month_of_trade(session, mall, month, beauty_fen=100_000, fashion_fen=100_000, people=1_000)
        row = _row(_report(session, mall), "B1")
        assert (row.points, _figures(row)["footfall_growth"]) == (0, 0.0)


class TestAreaAndHeadcountRecords:
    def test_a_shop_that_shrinks_at_the_upgrade_keeps_its_old_area_in_the_baseline(self, session, story):
        premises_service.set_area(
            session, story.store.id, story.fashion.id, effective_on=date(2025, 7, 1), selling_area_m2=100.0
        )
        figures = _figures(_row(_report(session, story), "B3"))
        assert (figures["sales_per_m2_fen_before"], figures["sales_per_m2_fen_after"]) == (500.0, 1050.0)

    def test_a_baseline_without_headcount_on_record_earns_nothing_for_b4(self, session, story):
        shop = premises.create_shop(session, story.store, story.ground, code="C01", opened_on=date(2024, 1, 1))
        premises.set_headcount(session, story.store, 3, shop=shop, effective_on=date(2025, 8, 1))
        row = _row(_report(session, story), "B4")
        assert row.points == 0 and "baseline: headcount on 0 of 61 days" in row.rule
        assert _row(_report(session, story), "B2").points == 3  # revenue is backed: unchanged


class TestExactFractions:
    def test_growth_just_under_five_percent_scores_and_shows_below_five(self, session):
        """坪效 20,000.4 → 21,000.4 fen/m²: rounded to whole fen first it would be exactly +5 %."""
        mall = kpi.create_mall(session)
        for month in MONTHS:
            fen = 4_000_080 if month < date(2025, 7, 1) else 4_200_080
            kpi.month_of_trade(session, mall, month, beauty_fen=fen, fashion_fen=fen, people=1_000)
        row = _row(_report(session, mall), "B3")
        assert row.points == 1
        assert _figures(row)["sales_per_m2_fen_growth"] == 4.9999
        assert "4.9999% (0 < 4.9999% < 5%)" in row.rule


class TestChosenBaseline:
    def test_the_report_uses_and_states_the_months_chosen(self, session, story):
        report = _report(session, story, baseline_from="2025-06", baseline_to="2025-06")
        assert (report.baseline_from, report.baseline_to, report.baseline_chosen) == ("2025-06", "2025-06", True)
        assert report.to_json()["baseline"] == {"from": "2025-06", "to": "2025-06", "chosen": True}
        b2 = _row(report, "B2")
        assert b2.figures[1].period == "2025-06..2025-06" and "baseline months chosen" in b2.rule
        assert "指定" in render.render_html(report)

    def test_by_default_the_months_before_the_upgrade_are_used_and_so_stated(self, session, story):
        report = _report(session, story)
        assert (report.baseline_from, report.baseline_to, report.baseline_chosen) == ("2025-05", "2025-06", False)
        assert "default: before the upgrade month" in report.baseline_text

    @pytest.mark.parametrize(
        ("start", "end", "code"),
        [
            ("2025-06", "2025-07", "baseline_after_upgrade"),
            ("2025-05", "", "both_baseline_months"),
            ("2025-06", "2025-05", "reversed"),
            ("2025-6", "2025-06", "bad_month"),
        ],
    )
    def test_a_baseline_that_cannot_be_compared_is_refused(self, session, story, start, end, code):
        with pytest.raises(PeriodError) as caught:
            _report(session, story, baseline_from=start, baseline_to=end)
        assert caught.value.code == code


class TestShortPeriod:
    def test_a_period_under_twelve_months_still_runs_and_says_a_filing_covers_twelve(self, session, story):
        report = _report(session, story, period_from="2025-09", period_to="2025-09")
        assert report.bonus_points > 0 and not report.covers_a_filing
        assert report.notices and "a filing covers 12 months" in report.notices[0]
        assert report.to_json()["period"]["covers_a_filing"] is False
        assert "a filing covers 12 months" in render.render_html(report)

    def test_twelve_months_carry_no_notice(self, session, story):
        report = _report(session, story, period_from="2024-10", period_to="2025-09")
        assert (report.period_months, report.notices, report.to_json()["notices"]) == (12, (), [])
