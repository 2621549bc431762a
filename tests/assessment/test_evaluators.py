"""Each Annex 4 evaluator on real rows: points, the rule applied, the figures behind it, what is missing.

The story (``tests.factories.kpi.upgrade_story``) puts S4, S5, C2 and B2–B4 exactly on their boundaries;
以上 includes the number itself (PRC Civil Code art. 1259), so each earns the higher branch.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from store.assessment import service as assessment_service
from store.assessment.evaluators import EVALUATORS
from store.assessment.evaluators.unmeasured import PENDING
from store.assessment.models import EvidenceIndicator
from store.assessment.report import INDICATORS
from store.assessment.schemas import EvidenceCreate
from store.sales.schemas import Channel, Source
from tests.factories import backup, kpi

NOW = datetime(2025, 10, 15, 4, 0, tzinfo=UTC)
PERIOD = {"period_from": "2025-08", "period_to": "2025-09"}


@pytest.fixture
def mall(session):
    mall = kpi.create_mall(session)
    kpi.upgrade_story(session, mall)
    return mall


def _row(session, mall, indicator, **period):
    report = assessment_service.assess(session, mall.store.id, now=NOW, **(period or PERIOD))
    return next(r for r in report.indicators if r.id == indicator)


def _figures(row):
    return {f.name: f for f in row.figures}


class TestOnlineShare:
    def test_exactly_ten_percent_online_earns_two_points(self, session, mall):
        row = _row(session, mall, "S4")
        assert (row.points, row.maximum, row.status) == (2, 2, "measured")
        assert "1259" in row.rule and "live" in row.rule
        assert _figures(row)["online_share"].value == 10.0
        assert _figures(row)["total_revenue_fen"].value == 420_000

    def test_live_stream_sales_count_as_online(self, session, mall):
        kpi.sell(
            session,
            mall.beauty,
            day=date(2025, 8, 20),
            total_fen=10_000,
            channel=Channel.live,
            source=Source.live_stream,
        )
        assert _figures(_row(session, mall, "S4"))["live_revenue_fen"].value == 10_000

    def test_below_ten_percent_earns_one_point_and_says_what_is_missing(self, session, mall):
        kpi.sell(session, mall.beauty, day=date(2025, 8, 20), total_fen=50_000)
        row = _row(session, mall, "S4")
        assert row.points == 1
        assert "10%" in row.missing


class TestMemberShare:
    def test_sixty_percent_of_online_orders_by_members_earns_two_points(self, session, mall):
        row = _row(session, mall, "S5")
        assert row.points == 2
        assert (_figures(row)["member_online_orders"].value, _figures(row)["online_orders"].value) == (6, 10)
        assert "members" in row.rule


class TestSmartPayment:
    def test_half_the_trading_shops_with_a_pos_earns_three_points(self, session, mall):
        row = _row(session, mall, "C2")
        assert row.points == 3
        assert (_figures(row)["shops_with_pos"].value, _figures(row)["shops_trading"].value) == (1, 2)
        assert _figures(row)["shops_without_pos"].value == "B01"
        assert "B02" not in str(row.figures)  # opens in 2026: not trading in the period

    def test_every_trading_shop_with_a_pos_earns_five(self, session, mall):
        kpi.sell(session, mall.fashion, day=date(2025, 9, 3), total_fen=1_000, source=Source.receipt_capture)
        row = _row(session, mall, "C2")
        assert (row.points, row.missing) == (5, "")


class TestGrowthAfterTheUpgrade:
    def test_revenue_up_exactly_five_percent_earns_full_points(self, session, mall):
        row = _row(session, mall, "B2")
        assert (row.points, row.maximum) == (3, 3)
        assert "1259" in row.rule
        figures = _figures(row)
        assert (figures["revenue_fen_before"].value, figures["revenue_fen_after"].value) == (200_000, 210_000)
        assert (figures["revenue_fen_before"].period, figures["revenue_fen_after"].period) == (
            "2025-05..2025-06",
            "2025-08..2025-09",
        )

    def test_sales_per_area_and_per_staff_up_five_percent_earn_full_points(self, session, mall):
        assert [_row(session, mall, i).points for i in ("B3", "B4")] == [2, 2]

    def test_footfall_up_four_percent_earns_the_middle_branch(self, session, mall):
        row = _row(session, mall, "B1")
        assert row.points == 2
        assert _figures(row)["footfall_growth"].value == 4.0
        assert "5%" in row.missing

    def test_the_upgrade_month_itself_is_left_out(self, session, mall):
        report = assessment_service.assess(session, mall.store.id, now=NOW, period_from="2025-07", period_to="2025-09")
        assert [m.month for m in report.monthly] == ["2025-05", "2025-06", "2025-08", "2025-09"]

    def test_a_history_starting_mid_month_leaves_that_month_out_of_the_baseline(self, session):
        fresh = kpi.create_mall(session)
        for day in (date(2025, 5, 20), date(2025, 6, 1), date(2025, 8, 1), date(2025, 9, 1)):
            kpi.sell(session, fresh.beauty, day=day, total_fen=10_000)
        report = assessment_service.assess(session, fresh.store.id, now=NOW, **PERIOD)
        assert (report.baseline_from, report.baseline_to) == ("2025-06", "2025-06")

    def test_without_an_upgrade_date_there_is_nothing_to_compare(self, session, mall):
        mall.store.smart_upgrade_on = None
        session.add(mall.store)
        row = _row(session, mall, "B2")
        assert (row.points, row.status) == (0, "not_measured")
        assert "smart-upgrade date" in row.missing


def _record(session, mall, indicator, payload):
    data = EvidenceCreate(indicator=indicator, payload=payload, note="测试", attachment_name="survey.pdf")
    assessment_service.record_evidence(session, mall.store.id, data, recorded_by="manager1", now=NOW)


def _zone(code, **signals):
    return {"zone": code, "wifi": True, "wifi_stable": True, "g5": True, "g5_stable": True, **signals}


class TestEvidenceRegister:
    def test_wifi_and_5g_stable_in_every_zone_earns_four(self, session, mall):
        _record(session, mall, EvidenceIndicator.F1, {"surveyed_on": "2025-09-01", "zones": [_zone(mall.door.code)]})
        row = _row(session, mall, "F1")
        assert (row.points, row.status) == (4, "recorded")
        assert "manager1" in _figures(row)["zones_surveyed"].source

    def test_the_newest_survey_is_the_one_scored(self, session, mall):
        _record(session, mall, EvidenceIndicator.F1, {"surveyed_on": "2025-09-01", "zones": [_zone(mall.door.code)]})
        later = {"surveyed_on": "2025-09-20", "zones": [_zone(mall.door.code, g5=False, other_signal=True)]}
        data = EvidenceCreate(indicator=EvidenceIndicator.F1, payload=later)
        assessment_service.record_evidence(
            session, mall.store.id, data, recorded_by="manager1", now=datetime(2025, 10, 15, 5, 0, tzinfo=UTC)
        )
        assert _row(session, mall, "F1").points == 1

    def test_a_rented_cloud_with_checked_backups_earns_four(self, session, mall):
        _record(session, mall, EvidenceIndicator.F3, {"kind": "cloud", "provider": "阿里云"})
        backup.record_backup(session, at=datetime(2025, 9, 28, 18, 30, tzinfo=UTC))
        backup.record_drill(session, at=datetime(2025, 9, 2, 3, 0, tzinfo=UTC))
        assert _row(session, mall, "F3").points == 4

    def test_paperless_without_an_office_system_earns_two(self, session, mall):
        _record(session, mall, EvidenceIndicator.M1, {"paperless": True, "office_system": False})
        row = _row(session, mall, "M1")
        assert row.points == 2
        assert "office system" in row.missing

    def test_nothing_recorded_earns_nothing_and_says_what_to_record(self, session, mall):
        row = _row(session, mall, "F3")
        assert (row.points, row.status) == (0, "not_measured")
        assert "evidence register" in row.missing


class TestDataCenterBackups:
    """F3 reads the system's own backups and drills as of the period's last day (2025-09-30, Asia/Shanghai)."""

    @pytest.fixture
    def cloud(self, session, mall):
        _record(session, mall, EvidenceIndicator.F3, {"kind": "cloud", "provider": "阿里云", "backups_ok": True})
        return mall

    def test_the_row_states_the_dates_of_the_backup_and_the_drill(self, session, cloud):
        good = backup.record_backup(session, at=datetime(2025, 9, 28, 18, 30, tzinfo=UTC))  # 09-29 in Shanghai
        backup.record_drill(session, at=datetime(2025, 8, 1, 3, 0, tzinfo=UTC))
        row = _row(session, cloud, "F3")
        figures = _figures(row)
        assert row.points == 4 and row.missing == ""
        assert figures["last_backup_on"].value == "2025-09-29" and good.file_name in figures["last_backup_on"].source
        assert figures["last_drill_on"].value == "2025-08-01" and figures["backups_verified"].value == "yes"
        assert "last good backup 2025-09-29 (1 days before the period's end ≤ 7)" in row.rule

    def test_a_managers_tick_without_backups_earns_two(self, session, cloud):
        row = _row(session, cloud, "F3")
        assert row.points == 2 and "counted as other storage" in row.rule
        assert "smartstore backup" in row.missing and "--drill" in row.missing

    def test_a_failed_backup_does_not_count_but_an_older_good_one_does(self, session, cloud):
        backup.record_backup(session, at=datetime(2025, 9, 25, 18, 0, tzinfo=UTC))
        backup.record_backup(session, at=datetime(2025, 9, 29, 18, 0, tzinfo=UTC), ok=False)
        backup.record_drill(session, at=datetime(2025, 9, 26, 18, 0, tzinfo=UTC), ok=False)
        backup.record_drill(session, at=datetime(2025, 9, 10, 3, 0, tzinfo=UTC))
        figures = _figures(_row(session, cloud, "F3"))
        assert (figures["last_backup_on"].value, figures["last_drill_on"].value) == ("2025-09-26", "2025-09-10")

    def test_backups_after_the_period_do_not_count_for_it(self, session, cloud):
        backup.record_backup(session, at=datetime(2025, 10, 10, 3, 0, tzinfo=UTC))
        backup.record_drill(session, at=datetime(2025, 10, 10, 4, 0, tzinfo=UTC))
        row = _row(session, cloud, "F3")
        assert row.points == 2 and _figures(row)["last_backup_on"].value is None

    @pytest.mark.parametrize(
        ("taken_at", "points"),
        [
            (datetime(2025, 9, 22, 16, 0, tzinfo=UTC), 4),  # 09-23 00:00 in Shanghai: 7 days before 09-30
            (datetime(2025, 9, 22, 15, 59, tzinfo=UTC), 2),  # 09-22 23:59 in Shanghai: 8 days
        ],
    )
    def test_the_age_is_counted_in_the_stores_business_days(self, session, cloud, taken_at, points):
        backup.record_backup(session, at=taken_at)
        backup.record_drill(session, at=datetime(2025, 9, 1, 3, 0, tzinfo=UTC))
        assert _row(session, cloud, "F3").points == points


class TestNotMeasuredYet:
    def test_every_other_indicator_scores_zero_and_names_its_module(self, session, mall):
        report = assessment_service.assess(session, mall.store.id, now=NOW, **PERIOD)
        pending = [r for r in report.indicators if r.id in PENDING]
        assert len(pending) == len(PENDING)
        for row in pending:
            assert (row.points, row.status) == (0, "not_measured")
            assert row.missing.endswith(f"not measured yet: {PENDING[row.id][1]}")

    def test_every_indicator_of_annex_4_has_an_evaluator(self):
        assert list(EVALUATORS) == [spec.id for spec in INDICATORS]
