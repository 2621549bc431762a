"""The fee rule at every boundary, in integer fen (store.parking.fees)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store.parking import fees

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

RULE = fees.FeeRule(
    free_minutes=30,
    hourly_fen=1_000,
    daily_cap_fen=6_000,
    member_free_minutes=60,
    spend_threshold_fen=20_000,
    spend_free_minutes=120,
    max_discount_minutes=150,
    exit_grace_minutes=15,
)
T0 = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
MIN, HOUR, DAY = 60, 3600, 86_400


class TestCharge:
    @pytest.mark.parametrize(
        ("seconds", "fen"),
        [
            (0, 0),
            (30 * MIN, 0),  # the free minutes, to the second
            (30 * MIN + 1, 1_000),  # one second more: the whole stay is charged, one started hour
            (HOUR, 1_000),
            (HOUR + 1, 2_000),
            (6 * HOUR, 6_000),  # reaches the cap exactly
            (6 * HOUR + 1, 6_000),  # the 7th hour is capped
            (DAY, 6_000),
            (DAY + 1, 7_000),  # a second day starts: one day's cap plus a started hour
            (DAY + 30 * MIN, 7_000),  # free minutes count once, at the start only
            (2 * DAY + 7 * HOUR, 18_000),
        ],
    )
    def test_stays(self, seconds: int, fen: int):
        assert fees.charge(RULE, seconds) == fen

    def test_discount_minutes_come_off_the_stay(self):
        assert fees.charge(RULE, 2 * HOUR, discount_min=60) == 1_000
        assert fees.charge(RULE, 2 * HOUR + 1, discount_min=60) == 2_000
        assert fees.charge(RULE, 2 * HOUR, discount_min=120) == 0

    def test_no_free_minutes_after_a_payment(self):
        assert fees.charge(RULE, 1, free=False) == 1_000
        assert fees.charge(RULE, 0, free=False) == 0


class TestDiscount:
    def test_only_members_get_minutes(self):
        assert fees.discount_minutes(RULE, member=False, spend_fen=10**6) == 0

    def test_spend_threshold_boundary(self):
        assert fees.discount_minutes(RULE, member=True, spend_fen=19_999) == 60
        assert fees.discount_minutes(RULE, member=True, spend_fen=20_000) == 150  # 180 capped at 150

    def test_cap_applies_to_the_sum(self):
        rule = fees.FeeRule(member_free_minutes=60, spend_free_minutes=60, max_discount_minutes=180)
        assert fees.discount_minutes(rule, member=True, spend_fen=20_000) == 120


class TestQuote:
    def test_unpaid_stay(self):
        q = fees.quote(RULE, entered_at=T0, now=T0 + timedelta(minutes=90), discount_min=0)
        assert (q.owed_fen, q.stay_s, q.grace_until) == (2_000, 90 * MIN, None)

    def test_grace_after_payment_to_the_second(self):
        paid_at = T0 + timedelta(hours=2)
        at_edge = fees.quote(RULE, entered_at=T0, now=paid_at + timedelta(minutes=15), discount_min=0, paid_at=paid_at)
        assert at_edge.owed_fen == 0 and at_edge.free_to_leave
        assert at_edge.grace_until == paid_at + timedelta(minutes=15)
        late = fees.quote(
            RULE, entered_at=T0, now=paid_at + timedelta(minutes=15, seconds=1), discount_min=0, paid_at=paid_at
        )
        assert late.owed_fen == 1_000  # billing restarts at the payment, from the first hour

    def test_restarted_billing_is_capped(self):
        paid_at = T0 + timedelta(hours=1)
        q = fees.quote(RULE, entered_at=T0, now=paid_at + timedelta(hours=9), discount_min=0, paid_at=paid_at)
        assert q.owed_fen == 6_000

    def test_clock_behind_entry_owes_nothing(self):
        q = fees.quote(RULE, entered_at=T0, now=T0 - timedelta(minutes=5), discount_min=0)
        assert q.owed_fen == 0 and q.stay_s == 0
