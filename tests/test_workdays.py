"""The official working-day calendar: holidays, 调休 make-up days, and years not yet published."""

from __future__ import annotations

from datetime import date

from store import workdays


class TestWorkingDays:
    def test_a_make_up_saturday_is_a_working_day(self):
        assert date(2026, 2, 14).weekday() == 5
        assert workdays.is_working_day(date(2026, 2, 14))

    def test_a_weekday_inside_the_spring_festival_is_no_working_day(self):
        assert not workdays.is_working_day(date(2026, 2, 18))
        assert workdays.holiday_name(date(2026, 2, 18)) == "春节"

    def test_an_ordinary_weekend_is_no_working_day(self):
        assert not workdays.is_working_day(date(2026, 3, 7))

    def test_the_day_after_national_day_week_is_the_make_up_saturday(self):
        assert workdays.next_working_day(date(2026, 10, 7)) == date(2026, 10, 8)
        assert workdays.next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)  # 调休 Saturday

    def test_a_year_without_a_notice_falls_back_to_weekdays_and_says_so(self):
        assert not workdays.is_published(2027)
        assert workdays.is_working_day(date(2027, 3, 1)) and not workdays.is_working_day(date(2027, 3, 6))

    def test_the_2025_national_day_runs_eight_days_with_two_make_up_days(self):
        days = [d for d, name in workdays.HOLIDAYS.items() if d.year == 2025 and name.startswith("国庆")]
        assert len(days) == 8
        assert {date(2025, 9, 28), date(2025, 10, 11)} <= workdays.MAKE_UP_DAYS
