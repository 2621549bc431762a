"""F1 (from survey figures), F5, C3, M1 and M3 rules: every boundary, the rule stated in the row."""

from __future__ import annotations

import pytest

from store.assessment import rules, rules_ops
from store.assessment.rules_ops import SourceActivity

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


def _zone(**kw):
    figures = {"wifi_dbm": -60, "wifi_mbps": 50.0, "g5_dbm": -90, "g5_mbps": 300.0, "other_signal": False}
    figures.update(kw)
    return rules_ops.zone_survey("Z1", **figures)


class TestSurveyReading:
    def test_at_the_covered_limits_a_zone_is_covered_just_below_it_is_not(self):
        assert _zone(wifi_dbm=-80).wifi and not _zone(wifi_dbm=-81).wifi
        assert _zone(g5_dbm=-110).g5 and not _zone(g5_dbm=-111).g5
        assert not _zone(wifi_dbm=None).wifi and not _zone(g5_dbm=None).g5

    def test_at_the_stable_limits_a_zone_is_stable_just_below_it_is_not(self):
        assert _zone(wifi_dbm=-70, wifi_mbps=20.0).wifi_stable
        assert not _zone(wifi_dbm=-71).wifi_stable and not _zone(wifi_mbps=19.9).wifi_stable
        assert _zone(g5_dbm=-100, g5_mbps=100.0).g5_stable
        assert not _zone(g5_dbm=-101).g5_stable and not _zone(g5_mbps=99.9).g5_stable
        assert not _zone(wifi_mbps=None).wifi_stable

    def test_surveyed_zones_score_through_the_seed_rule(self):
        good = [
            rules_ops.zone_survey(z, wifi_dbm=-60, wifi_mbps=50, g5_dbm=-90, g5_mbps=300, other_signal=False)
            for z in "AB"
        ]
        assert rules.score_f1(good, 2)[0] == 4
        weak = good[:1] + [
            rules_ops.zone_survey("B", wifi_dbm=-75, wifi_mbps=50, g5_dbm=-90, g5_mbps=300, other_signal=False)
        ]
        assert rules.score_f1(weak, 2)[0] == 2
        no_5g = [
            rules_ops.zone_survey(z, wifi_dbm=-60, wifi_mbps=50, g5_dbm=None, g5_mbps=None, other_signal=True)
            for z in "AB"
        ]
        assert rules.score_f1(no_5g, 2)[0] == 1
        assert rules.score_f1(good[:1], 2)[0] == 0  # one zone not surveyed


class TestF5:
    def test_one_kind_reporting_earns_full_points(self):
        points, rule, missing = rules_ops.score_f5({"air_quality": 1})
        assert (points, missing) == (4, "")
        assert "air monitoring" in rule

    def test_none_reporting_earns_nothing_even_with_other_devices(self):
        points, _, missing = rules_ops.score_f5({"camera": 3, "air_quality": 0})
        assert points == 0 and "MQTT" in missing


class TestC3:
    def test_one_point_per_kind_in_use(self):
        assert rules_ops.score_c3({})[0] == 0
        assert rules_ops.score_c3({"fitting_mirror": 4, "smart_shelf": 0})[0] == 1
        points, rule, missing = rules_ops.score_c3({k: 1 for k in list(rules_ops.INTERACTIVE_NAMES)[:4]})
        assert points == 4 and "LED" in missing

    def test_all_five_kinds_reach_the_maximum(self):
        usage = {**{k: 1 for k in rules_ops.INTERACTIVE_NAMES}, "kiosk": 9}
        points, _, missing = rules_ops.score_c3(usage)
        assert (points, missing) == (5, "")


def _sources(*rows: int | None) -> list[SourceActivity]:
    return [SourceActivity(f"m{i}", f"模块{i}", f"module {i}", n) for i, n in enumerate(rows)]


class TestM3:
    def test_one_point_per_live_module_max_four(self):
        assert rules_ops.score_m3(_sources(0, None, 5))[0] == 1
        assert rules_ops.score_m3(_sources(1, 1, 1, 0, None))[0] == 3
        points, _, missing = rules_ops.score_m3(_sources(1, 1, 1, 1, 1, None))
        assert (points, missing) == (4, "")


class TestM1:
    def test_a_workflow_in_use_is_measured_paperless(self):
        points, rule, _ = rules_ops.score_m1(_sources(3, None), False, False)
        assert points == 2 and "measured" in rule

    def test_without_a_workflow_the_register_may_attest_it(self):
        points, rule, _ = rules_ops.score_m1(_sources(0, None), True, True)
        assert points == 4 and "attested" in rule

    def test_nothing_used_and_nothing_recorded_earns_nothing(self):
        points, _, missing = rules_ops.score_m1(_sources(0, None), False, False)
        assert points == 0 and "register" in missing


def _areas(*rows: int | None) -> list[rules_ops.AnalysisArea]:
    return [rules_ops.AnalysisArea(f"a{i}", f"分析{i}", f"analysis {i}", f"/admin/a{i}", n) for i, n in enumerate(rows)]


class TestM2:
    def test_one_point_per_area_with_data_max_four(self):
        assert rules_ops.score_m2(_areas(None, None, None, 12))[0] == 1
        assert rules_ops.score_m2(_areas(0, None, 3, 12))[0] == 2
        points, _, missing = rules_ops.score_m2(_areas(1, 1, 1, 1))
        assert (points, missing) == (4, "")

    def test_the_missing_text_says_which_dashboard_is_unbuilt_and_which_is_empty(self):
        points, _, missing = rules_ops.score_m2(_areas(None, 0, 5, 5))
        assert points == 2
        assert "analysis 0 (dashboard not built yet)" in missing and "no data in the window at /admin/a1" in missing
