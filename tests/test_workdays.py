"""The official working-day calendar: holidays, 调休 make-up days, and years not yet published."""

from __future__ import annotations

from datetime import date

import pytest

from store import workdays

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


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


class TestCalendarFile:
    def test_the_bundled_file_holds_the_published_years(self):
        assert {2024, 2025, 2026} <= workdays.PUBLISHED_YEARS
        assert workdays.load().notices[2026] == "国办发明电〔2025〕7号"

    def test_a_newer_notice_in_the_settings_file_is_used_until_a_release_bundles_it(self, tmp_path):
        extra = tmp_path / "workdays.txt"
        extra.write_text(
            "# a notice published after the release (made-up dates for the test)\n"
            "notice 2027 国办发明电〔2026〕X号\n"
            "holiday 2027-01-01 2027-01-03 元旦\n"
            "workday 2027-01-09 调休上班\n",
            encoding="utf-8",
        )
        try:
            workdays.reload(extra)
            assert workdays.is_published(2027) and workdays.is_published(2026)
            assert workdays.holiday_name(date(2027, 1, 1)) == "元旦"
            assert workdays.is_working_day(date(2027, 1, 9))  # a Saturday worked
            assert workdays.next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)
        finally:
            workdays.reload()
        assert not workdays.is_published(2027)

    def test_a_bad_line_names_its_file_and_line(self, tmp_path):
        bad = tmp_path / "bad.txt"
        bad.write_text("notice 2027 X\nworkday 2027-01-06 调休上班\n", encoding="utf-8")  # a Wednesday
        with pytest.raises(workdays.WorkdaysFileError, match=r"bad.txt:2: .*weekday"):
            workdays.load(bad)
