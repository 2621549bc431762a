"""Boundary tests of the capture rules: health drop, usual hours, silence, receipt-number gaps, tolerance."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from store.capture import rules

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


class TestHealth:
    def test_drop_from_healthy_below_sixty_alerts(self) -> None:
        assert rules.health_dropped([80] * 10 + [59] * 10)

    def test_exactly_sixty_is_not_a_drop(self) -> None:
        assert not rules.health_dropped([100] * 10 + [60] * 10)

    def test_never_healthy_is_not_a_drop(self) -> None:
        assert not rules.health_dropped([79] * 10 + [0] * 10)

    def test_too_few_receipts_say_nothing(self) -> None:
        assert not rules.health_dropped([100] * 10 + [0] * 9)


class TestTradingHours:
    def _days(self, hours: list[int], days: int) -> list[datetime]:
        start = datetime(2026, 11, 1)
        return [start + timedelta(days=d, hours=h) for d in range(days) for h in hours]

    def test_hours_seen_on_half_the_days_are_usual(self) -> None:
        times = self._days([10, 11], 4) + self._days([20], 2)
        assert rules.usual_hours(times) == {10, 11, 20}

    def test_hour_seen_on_less_than_half_is_not(self) -> None:
        times = self._days([10], 4) + [datetime(2026, 11, 1, 22)]
        assert rules.usual_hours(times) == {10}

    def test_two_days_of_history_learn_nothing(self) -> None:
        assert rules.usual_hours(self._days([10], 2)) == set()

    def test_silence_of_an_hour_in_usual_hours_alerts(self) -> None:
        now = datetime(2026, 11, 30, 15, 30)
        assert rules.silent_while_trading(now, now - timedelta(minutes=60), {14, 15})
        assert not rules.silent_while_trading(now, now - timedelta(minutes=59), {14, 15})

    def test_outside_usual_hours_no_alert(self) -> None:
        now = datetime(2026, 11, 30, 23, 30)
        assert not rules.silent_while_trading(now, None, {14, 15})


class TestReceiptGaps:
    def test_seen_over_range_and_the_missing_numbers(self) -> None:
        gaps = rules.receipt_gaps(["B-0778", "B-0779", "B-0781"])
        assert (gaps.seen, gaps.span, gaps.missing) == (3, 4, ["B-0780"])
        assert gaps.coverage == 0.75

    def test_each_till_prefix_is_its_own_sequence(self) -> None:
        gaps = rules.receipt_gaps(["T1-1", "T1-2", "T2-7"])
        assert (gaps.seen, gaps.span) == (3, 3)

    def test_no_numbers_is_full_coverage_of_nothing(self) -> None:
        assert rules.receipt_gaps([]).coverage == 1.0


class TestTolerance:
    def test_two_percent_is_the_same(self) -> None:
        assert not rules.differs(10_000, 9_800)
        assert rules.differs(10_000, 9_799)
