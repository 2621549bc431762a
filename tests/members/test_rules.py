"""The tier rule at every boundary: thresholds reached exactly, the keep year to the day, leap days."""

from __future__ import annotations

from datetime import date

import pytest

from store.members import rules
from store.members.rules import BASIC, DEFAULT_THRESHOLDS, DIAMOND, GOLD, SILVER, add_months, review, tier_for

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

T = DEFAULT_THRESHOLDS
DAY = date(2026, 6, 15)


class TestTierForSpend:
    @pytest.mark.parametrize(
        ("spend", "tier"),
        [
            (0, BASIC),
            (T[SILVER] - 1, BASIC),
            (T[SILVER], SILVER),
            (T[GOLD] - 1, SILVER),
            (T[GOLD], GOLD),
            (T[DIAMOND] - 1, GOLD),
            (T[DIAMOND], DIAMOND),
            (-5_000, BASIC),  # refunds beyond sales in the window
        ],
    )
    def test_the_threshold_itself_reaches_the_tier(self, spend, tier):
        assert tier_for(spend, T) == tier


class TestReview:
    def test_spend_reaching_a_higher_tier_upgrades_at_once_and_restarts_the_keep_year(self):
        assert review(BASIC, date(2026, 6, 1), T[GOLD], DAY, T) == rules.Review(GOLD, DAY, "up")

    def test_a_tier_is_kept_until_the_day_before_its_anniversary(self):
        since = date(2025, 6, 16)
        assert review(GOLD, since, 0, DAY, T) == rules.Review(GOLD, since, "")

    def test_on_the_anniversary_the_member_falls_to_the_tier_the_spend_reaches(self):
        since = date(2025, 6, 15)
        assert review(DIAMOND, since, T[SILVER], DAY, T) == rules.Review(SILVER, DAY, "down")

    def test_spend_that_still_reaches_the_tier_keeps_it_without_change(self):
        since = date(2020, 1, 1)
        assert review(GOLD, since, T[GOLD], DAY, T) == rules.Review(GOLD, since, "")

    def test_a_leap_day_tier_is_kept_until_the_28th_of_february(self):
        since = date(2024, 2, 29)
        assert review(SILVER, since, 0, date(2025, 2, 27), T).tier == SILVER
        assert review(SILVER, since, 0, date(2025, 2, 28), T).tier == BASIC

    def test_an_unknown_stored_tier_reads_as_basic(self):
        assert review("vip", None, 0, DAY, T) == rules.Review(BASIC, DAY, "")


class TestMonths:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2026, 1, 31), 1, date(2026, 2, 28)),
            (date(2024, 2, 29), 12, date(2025, 2, 28)),
            (date(2026, 6, 15), -12, date(2025, 6, 15)),
            (date(2026, 3, 31), -1, date(2026, 2, 28)),
        ],
    )
    def test_add_months(self, day, months, expected):
        assert add_months(day, months) == expected


class TestThresholds:
    def test_defaults_are_usable(self):
        assert rules.check_thresholds(T) == []

    def test_basic_must_be_zero_and_tiers_must_rise(self):
        problems = rules.check_thresholds({BASIC: 1, SILVER: 500, GOLD: 500, DIAMOND: 900})
        assert problems == ["basic needs no spend: its threshold is 0", "gold must need more spend than silver"]

    def test_every_tier_needs_a_threshold(self):
        assert rules.check_thresholds({BASIC: 0}) == ["give a threshold for each of basic, silver, gold, diamond"]
