"""S7 即时送达 and S8 直播服务: every branch and boundary (以上 includes the number, 民法典第1259条)."""

from __future__ import annotations

import pytest

from store.assessment import rules_omni

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


class TestSameDayDelivery:
    def test_exactly_twenty_percent_same_day_with_all_next_day_earns_three(self):
        points, rule, missing = rules_omni.score_s7(100, 20, 100)
        assert (points, missing) == (3, "")
        assert "≥ 20%" in rule and "取高档" in rule and "1259" in rule

    def test_just_below_twenty_percent_earns_two_and_does_not_print_twenty(self):
        points, rule, missing = rules_omni.score_s7(100_000, 19_999, 100_000)
        assert points == 2
        assert "19.999% < 20%" in rule
        assert "20%" in missing

    def test_one_same_day_delivery_is_below_twenty_percent(self):
        assert rules_omni.score_s7(10, 1, 10)[0] == 2

    def test_no_same_day_but_all_next_day_earns_one(self):
        points, rule, missing = rules_omni.score_s7(10, 0, 10)
        assert points == 1 and "no same-day" in rule and missing

    def test_one_late_order_in_a_thousand_earns_nothing_whatever_the_same_day_share(self):
        points, rule, missing = rules_omni.score_s7(1_000, 900, 999)
        assert points == 0
        assert "99.9% < 100%" in rule and "1 late" in rule and missing

    def test_no_delivery_orders_earns_nothing_and_says_what_to_do(self):
        points, _, missing = rules_omni.score_s7(0, 0, 0)
        assert points == 0 and "delivery" in missing

    @pytest.mark.parametrize(("orders", "same_day", "next_day"), [(10, 0, 11), (10, 5, 4), (10, -1, 10)])
    def test_impossible_counts_are_refused(self, orders, same_day, next_day):
        with pytest.raises(ValueError):
            rules_omni.score_s7(orders, same_day, next_day)


class TestLiveBeyondSelling:
    def test_a_session_beyond_selling_in_every_month_earns_five(self):
        points, rule, missing = rules_omni.score_s8([("2026-01", 1), ("2026-02", 3)])
        assert (points, missing) == (5, "") and "all 2 months" in rule

    def test_one_month_without_such_a_session_earns_nothing_and_names_it(self):
        points, rule, missing = rules_omni.score_s8([("2026-01", 2), ("2026-02", 0)])
        assert points == 0
        assert "2026-02" in rule and "2026-02" in missing and "2026-01" not in missing

    def test_no_month_to_assess_earns_nothing(self):
        assert rules_omni.score_s8([])[0] == 0
