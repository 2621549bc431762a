"""The forecasting core: holiday regressors from the official calendar, the seasonal-naive baseline, MAPE and
the rolling-origin backtest, on a small synthetic history shaped like the demo (no database)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from store.analytics import forecast
from store.demo.calendar import DemoCalendar

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


def _history(days: int = 240, end: date = date(2025, 11, 30)) -> tuple[list[date], list[float]]:
    calendar = DemoCalendar(upgrade_on=date(2025, 1, 1))
    rng = random.Random(3)
    first = end - timedelta(days=days - 1)
    found = [first + timedelta(days=i) for i in range(days)]
    return found, [100_000 * calendar.factor(d) * rng.uniform(0.95, 1.05) for d in found]


class TestRegressors:
    def test_a_make_up_working_day_is_its_own_kind(self):
        assert forecast.day_kind(date(2025, 9, 28), forecast._spring_festival_firsts()) == "make_up_workday"  # 调休

    def test_golden_week_short_holiday_and_spring_festival_days(self):
        firsts = forecast._spring_festival_firsts()
        assert forecast.day_kind(date(2025, 10, 3), firsts) == "golden_week"
        assert forecast.day_kind(date(2025, 4, 5), firsts) == "short_holiday"
        assert forecast.day_kind(date(2025, 1, 28), firsts) == "spring_festival_first_days"
        assert forecast.day_kind(date(2025, 2, 1), firsts) == "spring_festival_later_days"  # fifth day off
        assert forecast.day_kind(date(2025, 1, 21), firsts) == "before_spring_festival"
        assert forecast.day_kind(date(2025, 1, 20), firsts) is None  # eight days before: ordinary

    def test_shopping_festivals_and_ordinary_days(self):
        firsts = forecast._spring_festival_firsts()
        assert forecast.day_kind(date(2025, 11, 11), firsts) == "double_11"
        assert forecast.day_kind(date(2025, 11, 12), firsts) is None
        assert forecast.regressors([date(2025, 3, 12)]).sum() == 0


class TestBaselineAndError:
    def test_seasonal_naive_repeats_the_last_week(self):
        assert forecast.seasonal_naive([1, 2, 3, 4, 5, 6, 7, 8], horizon=9) == [2, 3, 4, 5, 6, 7, 8, 2, 3]

    def test_mape_skips_days_without_trade(self):
        assert forecast.mape([100, 0, 200], [110, 5, 150]) == pytest.approx(17.5)
        assert forecast.mape([0, 0], [1, 2]) is None

    def test_origins_leave_eight_weeks_to_fit(self):
        assert forecast.origins_for(200, 56, 3) == [88, 144]  # 32 days would be too short
        assert forecast.origins_for(56, 56, 3) == []


class TestFit:
    def test_forecast_has_intervals_around_the_mean(self):
        days, values = _history()
        found = forecast.fit_predict(days, values, horizon=14)
        assert found.days[0] == days[-1] + timedelta(days=1) and len(found.mean) == 14
        assert all(lo <= m <= hi for lo, m, hi in zip(found.lower, found.mean, found.upper, strict=True))
        saturday, tuesday = (
            found.mean[found.days.index(date(2025, 12, 6))],
            found.mean[found.days.index(date(2025, 12, 2))],
        )
        assert saturday > tuesday * 1.3  # the weekly pattern is kept

    def test_backtest_beats_the_seasonal_naive_baseline_on_a_holiday_history(self):
        days, values = _history(days=300)
        checked = forecast.backtest(days, values, horizon=56, wanted=2)
        assert checked.origins == 2
        assert checked.model_mape is not None and checked.naive_mape is not None
        assert checked.model_mape < checked.naive_mape  # 国庆 and 双11 fall in the backtest window
