"""F2, F4 and M4 rules: every branch and boundary."""

from __future__ import annotations

import pytest

from store.assessment import rules_patrol

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


class TestF2:
    def test_every_entrance_online_and_reporting_earns_four(self):
        points, rule, missing = rules_patrol.score_f2(3, 3)
        assert (points, missing) == (4, "")
        assert "3/3" in rule

    def test_one_silent_entrance_earns_nothing_and_says_so(self):
        points, rule, missing = rules_patrol.score_f2(3, 2)
        assert points == 0 and "2/3" in rule and "1 entrances" in missing

    def test_a_store_without_entrances_earns_nothing(self):
        assert rules_patrol.score_f2(0, 0)[0] == 0

    @pytest.mark.parametrize(("entrances", "reporting"), [(2, 3), (2, -1)])
    def test_impossible_counts_are_refused(self, entrances, reporting):
        with pytest.raises(ValueError):
            rules_patrol.score_f2(entrances, reporting)


class TestF4:
    @pytest.mark.parametrize(
        ("online", "intervals", "points"), [(0, 0, 0), (0, 50, 0), (1, 0, 2), (1, 1, 4), (12, 9000, 4)]
    )
    def test_surveillance_two_and_flow_monitoring_on_top_two(self, online, intervals, points):
        assert rules_patrol.score_f4(online, intervals)[0] == points

    def test_what_is_missing_names_the_flow_counting(self):
        points, rule, missing = rules_patrol.score_f4(2, 0)
        assert points == 2 and "count footfall" in missing and "✗ 0" in rule


class TestM4:
    @pytest.mark.parametrize(("routes", "rounds", "points"), [(0, 0, 0), (1, 0, 0), (0, 5, 0), (1, 1, 3), (4, 300, 3)])
    def test_a_scheduled_route_and_a_round_in_the_period_earn_three(self, routes, rounds, points):
        points_, _, missing = rules_patrol.score_m4(routes, rounds)
        assert points_ == points and (missing == "") == (points == 3)
