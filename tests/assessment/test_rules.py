"""Annex 4 scoring rules: branches and boundaries (以上/以下 include the number, 民法典第1259条)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest

from store.assessment import rules
from store.assessment.report import GROUPS, INDICATORS, AssessmentReport
from store.assessment.rules import ZoneSurvey
from tests.factories.assessment import sample_report

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


class TestCatalogue:
    def test_group_maxima_add_up_to_the_annex(self) -> None:
        maxima = {g: sum(s.maximum for s in INDICATORS if s.group == g) for g in GROUPS}
        assert maxima == {"facilities": 20, "services": 40, "scenarios": 25, "management": 15, "bonus": 10}

    def test_indicators_are_in_annex_order(self) -> None:
        ids = [s.id for s in INDICATORS]
        expected = (
            [f"F{i}" for i in range(1, 6)]
            + [f"S{i}" for i in range(1, 11)]
            + [f"C{i}" for i in range(1, 6)]
            + [f"M{i}" for i in range(1, 5)]
            + [f"B{i}" for i in range(1, 5)]
        )
        assert ids == expected

    def test_online_share_is_worth_two_points(self) -> None:
        assert {s.id: s.maximum for s in INDICATORS}["S4"] == 2


class TestOnlineShare:
    def test_exactly_ten_percent_earns_two_points(self) -> None:
        points, rule, missing = rules.score_s4(1_000, 10_000)
        assert (points, missing) == (2, "")
        assert "≥ 10%" in rule and "以上含本数" in rule and "1259" in rule

    def test_exactly_ten_percent_says_the_higher_branch_applied(self) -> None:
        assert "取高档" in rules.score_s4(1, 10)[1]

    def test_just_below_ten_percent_earns_one_point_and_does_not_print_ten(self) -> None:
        points, rule, missing = rules.score_s4(9_999, 100_000)
        assert points == 1
        assert "9.999% < 10%" in rule
        assert "10%" in missing

    def test_twelve_point_three_percent_reads_as_in_the_spec(self) -> None:
        points, rule, _ = rules.score_s4(123, 1_000)
        assert points == 2
        assert rule.startswith("线上交易额占比 12.3% ≥ 10%（以上含本数，民法典第1259条）→ 2 分 / online share 12.3%")

    def test_no_revenue_gives_zero_with_a_reason(self) -> None:
        points, _, missing = rules.score_s4(0, 0)
        assert points == 0
        assert "no revenue in period" in missing

    def test_online_above_total_is_refused(self) -> None:
        with pytest.raises(ValueError):
            rules.score_s4(11, 10)


class TestMauShare:
    def test_exactly_sixty_percent_earns_two_points(self) -> None:
        assert rules.score_s5(60, 100)[0] == 2

    def test_below_sixty_percent_earns_one_point_with_advice(self) -> None:
        points, _, missing = rules.score_s5(5_999, 10_000)
        assert points == 1 and "60%" in missing

    def test_no_online_transactions_gives_zero(self) -> None:
        points, rule, missing = rules.score_s5(0, 0)
        assert points == 0 and "no online transactions" in rule and missing


class TestSmartPayment:
    def test_every_shop_with_pos_earns_five(self) -> None:
        assert rules.score_c2(120, 120) == (5, rules.score_c2(120, 120)[1], "")

    def test_exactly_half_the_shops_earns_three(self) -> None:
        points, rule, missing = rules.score_c2(50, 100)
        assert points == 3 and "≥ 50%" in rule and "取高档" in rule
        assert "50" in missing

    def test_one_shop_short_of_all_earns_three(self) -> None:
        points, _, missing = rules.score_c2(99, 100)
        assert points == 3 and "1" in missing

    def test_just_under_half_earns_nothing(self) -> None:
        points, rule, _ = rules.score_c2(49, 100)
        assert points == 0 and "< 50%" in rule

    def test_no_open_shops_earns_nothing(self) -> None:
        points, _, missing = rules.score_c2(0, 0)
        assert points == 0 and missing

    def test_more_pos_shops_than_open_shops_is_refused(self) -> None:
        with pytest.raises(ValueError):
            rules.score_c2(3, 2)


class TestSmartPaymentCoverage:
    def test_own_till_or_capture_box_covers_a_shop(self) -> None:
        assert rules.c2_covered([1, 2, 3], {1}, {2}) == {1, 2}

    def test_a_shop_with_both_counts_once(self) -> None:
        assert rules.c2_covered([1], {1}, {1}) == {1}

    def test_declared_totals_alone_cover_nothing(self) -> None:
        # shop 3 only declares daily totals: it is in neither set of POS-posting shops
        assert rules.c2_covered([3], set(), set()) == set()

    def test_a_shop_not_trading_in_the_period_is_not_counted(self) -> None:
        assert rules.c2_covered([1], {1, 9}, {9}) == {1}


class TestGrowth:
    @pytest.mark.parametrize(("ident", "full"), [("B1", 3), ("B2", 3), ("B3", 2), ("B4", 2)])
    def test_exactly_five_percent_earns_full_marks(self, ident: str, full: int) -> None:
        points, rule, missing = rules.score_growth(ident, 100_000, 105_000)
        assert (points, missing) == (full, "")
        assert "≥ 5%" in rule and "取高档" in rule

    def test_exactly_five_percent_from_floats_is_not_lost(self) -> None:
        assert rules.score_growth("B3", 0.1, 0.105)[0] == 2  # 0.105 / 0.1 - 1 is 0.04999… in floats

    @pytest.mark.parametrize(("ident", "middle"), [("B1", 2), ("B2", 2), ("B3", 1), ("B4", 1)])
    def test_just_below_five_percent_earns_the_middle_branch(self, ident: str, middle: int) -> None:
        points, rule, missing = rules.score_growth(ident, 100_000, Fraction(104_999))
        assert points == middle and "4.999%" in rule and "5%" in missing

    def test_flat_earns_nothing(self) -> None:
        points, rule, _ = rules.score_growth("B1", 400_000, 400_000)
        assert points == 0 and "≤ 0" in rule

    def test_decline_earns_nothing(self) -> None:
        assert rules.score_growth("B2", 400_000, 380_000)[0] == 0

    @pytest.mark.parametrize("before", [None, 0])
    def test_no_baseline_earns_nothing_and_asks_for_history(self, before: int | None) -> None:
        points, _, missing = rules.score_growth("B2", before, 100)
        assert points == 0
        assert "no data before the smart-upgrade date: import history" in missing

    def test_no_period_data_earns_nothing(self) -> None:
        assert rules.score_growth("B4", 100, None)[0] == 0

    def test_fractional_averages_compare_exactly(self) -> None:
        assert rules.score_growth("B1", Fraction(1, 3), Fraction(21, 60))[0] == 3  # exactly +5%


def zone(
    name: str,
    *,
    wifi: bool = True,
    wifi_stable: bool = True,
    g5: bool = True,
    g5_stable: bool = True,
    other: bool = True,
) -> ZoneSurvey:
    """A survey row, all good unless told otherwise."""
    return ZoneSurvey(name, wifi, wifi_stable, g5, g5_stable, other)


class TestNetworkSurvey:
    def test_wifi_and_5g_everywhere_and_stable_earns_four(self) -> None:
        assert rules.score_f1([zone("1F"), zone("2F")], 2)[0:3:2] == (4, "")

    def test_unstable_somewhere_earns_two_and_names_the_zone(self) -> None:
        points, _, missing = rules.score_f1([zone("1F"), zone("B1", g5_stable=False)], 2)
        assert points == 2 and "B1" in missing

    def test_wifi_and_other_signal_without_5g_earns_one(self) -> None:
        points, _, missing = rules.score_f1([zone("1F"), zone("2F", g5=False, g5_stable=False)], 2)
        assert points == 1 and "2F" in missing

    def test_a_zone_without_wifi_earns_nothing(self) -> None:
        assert rules.score_f1([zone("1F"), zone("P1", wifi=False)], 2)[0] == 0

    def test_unsurveyed_zones_earn_nothing(self) -> None:
        points, _, missing = rules.score_f1([zone("1F")], 3)
        assert points == 0 and "2" in missing

    def test_no_zones_registered_earns_nothing(self) -> None:
        assert rules.score_f1([], 0)[0] == 0

    def test_the_latest_survey_of_a_zone_counts(self) -> None:
        assert rules.score_f1([zone("1F", g5_stable=False), zone("1F")], 1)[0] == 4


START, END = date(2026, 1, 1), date(2026, 10, 31)


def backups(backup_on: date | None = END, drill_on: date | None = date(2026, 10, 3)) -> rules.BackupCheck:
    """The system's backups as of the period 2026-01-01..2026-10-31 (good by default)."""
    return rules.BackupCheck(START, END, backup_on, drill_on)


class TestDataCenter:
    @pytest.mark.parametrize(("kind", "points"), [("self_hosted", 4), ("cloud", 4), ("other", 2), (None, 0)])
    def test_points_by_deployment_with_verified_backups(self, kind: str | None, points: int) -> None:
        assert rules.score_f3(kind, backups())[0] == points

    def test_the_rule_states_the_dates_it_applied(self) -> None:
        points, rule, missing = rules.score_f3("cloud", backups())
        assert (points, missing) == (4, "")
        assert "last good backup 2026-10-31 (0 days before the period's end ≤ 7)" in rule
        assert "last successful restore drill 2026-10-03 (within 2026-01-01..2026-10-31)" in rule
        assert "最近合格备份 2026-10-31" in rule

    def test_a_cloud_without_verified_backups_counts_as_other_storage(self) -> None:
        points, rule, missing = rules.score_f3("cloud", backups(backup_on=None))
        assert points == 2 and "counted as other storage" in rule and "no good backup" in rule
        assert "smartstore backup" in missing

    def test_other_storage_lists_the_backups_still_to_do(self) -> None:
        points, _, missing = rules.score_f3("other", backups(drill_on=None))
        assert points == 2 and "rented cloud DC" in missing and "restore drill" in missing

    def test_unknown_kind_is_refused(self) -> None:
        with pytest.raises(ValueError):
            rules.score_f3("basement", backups())


class TestBackupBoundaries:
    """A good backup at most 7 days before the period's last day, a successful drill within the period."""

    @pytest.mark.parametrize(
        ("backup_on", "fresh"),
        [
            (END, True),  # on the last day: 0 days old
            (END - timedelta(days=7), True),  # exactly 7 days: still fresh (at most includes the number)
            (END - timedelta(days=8), False),
            (None, False),
        ],
    )
    def test_backup_age(self, backup_on: date | None, fresh: bool) -> None:
        check = backups(backup_on=backup_on)
        assert check.backup_fresh is fresh
        assert rules.score_f3("cloud", check)[0] == (4 if fresh else 2)

    @pytest.mark.parametrize(
        ("drill_on", "drilled"),
        [
            (START, True),  # the period's first day counts
            (END, True),  # and its last
            (START - timedelta(days=1), False),  # the day before the period does not
            (None, False),
        ],
    )
    def test_drill_within_the_period(self, drill_on: date | None, drilled: bool) -> None:
        check = backups(drill_on=drill_on)
        assert check.drilled is drilled
        assert rules.score_f3("self_hosted", check)[0] == (4 if drilled else 2)

    def test_seven_days_is_shown_as_within_and_eight_as_beyond(self) -> None:
        assert "(7 days before the period's end ≤ 7)" in backups(backup_on=END - timedelta(days=7)).text()
        assert "(8 days before the period's end > 7)" in backups(backup_on=END - timedelta(days=8)).text()

    def test_a_drill_before_the_period_is_named_outside_it(self) -> None:
        text = backups(drill_on=START - timedelta(days=1)).text()
        assert "last successful restore drill 2025-12-31 (outside 2026-01-01..2026-10-31)" in text
        assert "backups not verified" in text


class TestSmartOffice:
    def test_both_earn_four(self) -> None:
        assert rules.score_m1(True, True)[0::2] == (4, "")

    def test_paperless_only_earns_two_and_asks_for_the_office_system(self) -> None:
        points, _, missing = rules.score_m1(True, False)
        assert points == 2 and "office system" in missing

    def test_neither_earns_nothing(self) -> None:
        assert rules.score_m1(False, False)[0] == 0


def with_points(report: AssessmentReport, ident: str, points: int) -> AssessmentReport:
    """The same report with one indicator's points changed."""
    return replace(
        report, indicators=tuple(replace(r, points=points) if r.id == ident else r for r in report.indicators)
    )


class TestReportTotals:
    def test_group_totals_and_maxima(self) -> None:
        report = sample_report()
        assert [(g.group, g.maximum) for g in report.groups] == [
            ("facilities", 20),
            ("services", 40),
            ("scenarios", 25),
            ("management", 15),
            ("bonus", 10),
        ]
        assert report.total == report.base_points + report.bonus_points == sum(g.points for g in report.groups)

    def test_exactly_ninety_passes(self) -> None:
        report = sample_report()
        report = with_points(report, "S1", 5 - (report.total - 90))
        assert report.total == 90 and report.passes

    def test_eighty_nine_does_not_pass(self) -> None:
        report = sample_report()
        report = with_points(report, "S9", 4 - (report.total - 89))
        assert report.total == 89 and not report.passes

    def test_json_carries_totals_and_utc_time(self) -> None:
        data = sample_report().to_json()
        assert data["generated_at"] == "2026-11-05T02:30:00Z"
        assert data["totals"]["passes_90"] is True
        assert [i["id"] for i in data["indicators"]] == [s.id for s in INDICATORS]
        assert data["store"]["smart_upgrade_on"] == "2026-01-01"
