"""S10 大数据应用服务, pure: 3 for analysis with a fresh backtested forecast, 2 for fresh consumer groups; each
boundary (7 days fresh, 2 groups, zero data) on both sides."""

from __future__ import annotations

from dataclasses import replace

import pytest

from store.assessment.rules_analytics import AnalyticsFacts, score_s10

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

FULL = AnalyticsFacts(
    sales_days=30,
    footfall_days=30,
    forecasts_backtested=2,
    forecast_age_days=0,
    profile_groups=6,
    profiled_members=1000,
    profile_age_days=0,
)


class TestScoreS10:
    def test_everything_fresh_earns_five_and_states_the_rule(self):
        points, rule, missing = score_s10(FULL)
        assert (points, missing) == (5, "")
        assert "→ 3 分" in rule and "→ 2 pts" in rule

    def test_a_forecast_seven_days_old_still_counts_eight_does_not(self):
        assert score_s10(replace(FULL, forecast_age_days=7))[0] == 5
        points, _rule, missing = score_s10(replace(FULL, forecast_age_days=8))
        assert points == 2 and "older than 7 days" in missing

    def test_no_forecast_or_no_data_loses_the_analysis_points(self):
        assert score_s10(replace(FULL, forecasts_backtested=0, forecast_age_days=None))[0] == 2
        assert score_s10(replace(FULL, sales_days=0))[0] == 2
        points, _rule, missing = score_s10(replace(FULL, footfall_days=0))
        assert points == 2 and "no footfall" in missing

    def test_two_groups_are_profiling_one_is_not(self):
        assert score_s10(replace(FULL, profile_groups=2))[0] == 5
        assert score_s10(replace(FULL, profile_groups=1))[0] == 3
        assert score_s10(replace(FULL, profiled_members=0))[0] == 3

    def test_groups_seven_days_old_count_eight_do_not(self):
        assert score_s10(replace(FULL, profile_age_days=7))[0] == 5
        assert score_s10(replace(FULL, profile_age_days=8))[0] == 3
        assert score_s10(replace(FULL, profile_age_days=None))[0] == 3

    def test_nothing_at_all_is_zero_with_every_gap_named(self):
        empty = AnalyticsFacts(0, 0, 0, None, 0, 0, None)
        points, _rule, missing = score_s10(empty)
        assert points == 0 and "no sales" in missing and "fewer than 2 consumer groups" in missing
