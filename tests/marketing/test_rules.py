"""Pure rules: coupon discounts, RFM quintiles, push windows, and the S1/S3 scoring boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from store.assessment.rules_marketing import score_s1, score_s3
from store.marketing import rules

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

TZ = "Asia/Shanghai"


class TestDiscount:
    def test_amount_off_never_exceeds_the_basket(self):
        assert rules.discount_fen("amount", 1_500, amount_off_fen=2_000, percent_off=0, cap_fen=0) == 1_500

    def test_percent_rounds_down_and_stops_at_the_cap(self):
        assert rules.discount_fen("percent", 999, amount_off_fen=0, percent_off=15, cap_fen=0) == 149
        assert rules.discount_fen("percent", 100_000, amount_off_fen=0, percent_off=15, cap_fen=5_000) == 5_000


class TestRfm:
    def test_ties_share_a_score_and_scores_span_one_to_five(self):
        assert rules.quintiles([10, 10, 10, 10, 10]) == [1] * 5
        assert rules.quintiles([1, 2, 3, 4, 5]) == [1, 2, 3, 4, 5]
        assert rules.quintiles([1, 2, 3, 4, 5], higher_is_better=False) == [5, 4, 3, 2, 1]

    def test_labels(self):
        assert rules.rfm_label(5, 5, 5, bought=True) == "champions"
        assert rules.rfm_label(1, 1, 1, bought=True) == "lost"
        assert rules.rfm_label(5, 5, 5, bought=False) == "none"


class TestWindows:
    def test_sms_at_21_30_waits_for_eight(self):
        late = datetime(2026, 3, 2, 13, 30, tzinfo=UTC)  # 21:30 Shanghai
        assert rules.sms_allowed_at(late, TZ) == datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
        edge = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 08:00 exactly: allowed
        assert rules.sms_allowed_at(edge, TZ) == edge

    def test_plan_hour_in_quiet_hours_moves_to_eight(self):
        assert rules.scheduled_at(date(2026, 3, 2), 0, 6, TZ).hour == 8
        assert rules.scheduled_at(date(2026, 3, 2), 0, 21, TZ).day == 3

    def test_personalisation_off_gives_the_generic_text(self):
        assert rules.personalise("g", "p {category}", allowed=False, category="x") == ("g", False)
        assert rules.personalise("g", "p {category}", allowed=True, category="x") == ("p x", True)


class TestScores:
    def test_s3_every_week_or_nothing(self):
        assert score_s3([("2026-03-02", 5, ""), ("2026-03-09", 1, "")])[0] == 5
        points, rule, missing = score_s3([("2026-03-02", 5, ""), ("2026-03-09", 0, "no lawful channel")])
        assert points == 0 and "2026-03-09" in rule and "no lawful channel" in missing
        assert score_s3([])[0] == 0

    def test_s1_needs_content_issue_and_till_redemption(self):
        assert score_s1(online_channels=1, coupons_issued=1, redeemed_offline=1)[0] == 5
        points, _rule, missing = score_s1(online_channels=2, coupons_issued=10, redeemed_offline=0)
        assert points == 0 and "till" in missing
