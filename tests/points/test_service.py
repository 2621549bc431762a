"""The points ledger as a user sees it: balances, lots, expiry, earn, refunds, holds, adjustments, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from store.points import nightly, service
from store.points.errors import (
    HoldClosed,
    InsufficientPoints,
    InvalidExpiry,
    InvalidPoints,
    KeyReused,
    ReasonRequired,
)
from store.points.models import EntryKind, PointsDebt, PointsEntry, PointsLot, PointsRule, PointsTierRate
from tests.factories.points import create_member, refund, sale
from tests.factories.premises import create_shop, create_store

DAY = date(2026, 3, 10)


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


@pytest.fixture
def member(session, shop):
    return create_member(session, shop.store_id)


def ledger_sum(session, member) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.member_id == member.id)
        ).one()
    )


def lots_sum(session, member) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.sum(PointsLot.remaining), 0)).where(PointsLot.member_id == member.id)
        ).one()
    )


def consistent(session, member) -> int:
    session.refresh(member)
    assert member.points_balance == ledger_sum(session, member) == lots_sum(session, member)
    assert member.points_balance >= 0
    return member.points_balance


def give(session, member, points, *, key, day=DAY):
    return service.adjust(
        session,
        store_id=member.store_id,
        member_id=member.id,
        points=points,
        reason="test",
        key=key,
        actor="t",
        day=day,
    )


class TestOpeningBalance:
    def test_one_adjust_entry_with_its_source_and_expiry(self, session, member):
        service.open_balance(session, member_id=member.id, points=1200, expires_on=date(2099, 1, 1), source="old CRM")
        entry = session.exec(select(PointsEntry).where(PointsEntry.member_id == member.id)).one()
        assert (entry.kind, entry.points, entry.reason) == (EntryKind.adjust, 1200, "old CRM")
        lot = session.exec(select(PointsLot).where(PointsLot.member_id == member.id)).one()
        assert lot.expires_on == date(2099, 1, 1)
        assert consistent(session, member) == 1200

    def test_again_changes_nothing(self, session, member):
        for _ in range(2):
            service.open_balance(session, member_id=member.id, points=50, expires_on=None, source="old CRM")
        assert consistent(session, member) == 50

    def test_zero_writes_nothing(self, session, member):
        service.open_balance(session, member_id=member.id, points=0, expires_on=None, source="old CRM")
        assert ledger_sum(session, member) == 0
        assert session.exec(select(PointsEntry).where(PointsEntry.member_id == member.id)).first() is None

    @pytest.mark.parametrize("points", [-5, 1.5, True])
    def test_bad_amount_refused(self, session, member, points):
        with pytest.raises(InvalidPoints):
            service.open_balance(session, member_id=member.id, points=points, expires_on=None, source="old CRM")

    def test_expired_opening_refused(self, session, member):
        with pytest.raises(InvalidExpiry):
            service.open_balance(session, member_id=member.id, points=5, expires_on=date(2001, 1, 1), source="x")
        assert ledger_sum(session, member) == 0


class TestAdjust:
    def test_positive_opens_a_lot_expiring_end_of_next_year(self, session, member):
        give(session, member, 300, key="a1")
        lot = session.exec(select(PointsLot).where(PointsLot.member_id == member.id)).one()
        assert lot.expires_on == date(2028, 1, 1)  # earned in 2026: lapses at 00:00 on 1 January 2028
        assert consistent(session, member) == 300

    def test_negative_takes_from_the_lots(self, session, member):
        give(session, member, 300, key="a1")
        give(session, member, -120, key="a2")
        assert consistent(session, member) == 180

    def test_same_key_applies_once(self, session, member):
        give(session, member, 300, key="a1")
        give(session, member, 300, key="a1")
        assert consistent(session, member) == 300

    def test_same_key_other_amount_is_refused(self, session, member):
        give(session, member, 300, key="a1")
        with pytest.raises(KeyReused):
            give(session, member, 200, key="a1")

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_without_reason_is_refused(self, session, member, reason):
        with pytest.raises(ReasonRequired):
            service.adjust(
                session, store_id=member.store_id, member_id=member.id, points=5, reason=reason, key="k", actor="t"
            )
        assert ledger_sum(session, member) == 0

    @pytest.mark.parametrize("points", [0, 1.5, "10", True])
    def test_bad_amount_is_refused(self, session, member, points):
        with pytest.raises(InvalidPoints):
            give(session, member, points, key="k")
        assert ledger_sum(session, member) == 0

    def test_below_zero_is_refused_and_changes_nothing(self, session, member):
        give(session, member, 100, key="a1")
        with pytest.raises(InsufficientPoints):
            give(session, member, -101, key="a2")
        assert consistent(session, member) == 100


class TestRedeem:
    def test_beyond_the_balance_is_refused_and_changes_nothing(self, session, member):
        give(session, member, 100, key="a1")
        with pytest.raises(InsufficientPoints):
            service.redeem(session, store_id=member.store_id, member_id=member.id, points=101, key="r1", day=DAY)
        assert consistent(session, member) == 100
        assert session.exec(select(PointsEntry).where(PointsEntry.kind == EntryKind.redeem)).first() is None

    @pytest.mark.parametrize("points", [-1, 0, 2.5, False])
    def test_bad_amount(self, session, member, points):
        give(session, member, 100, key="a1")
        with pytest.raises(InvalidPoints):
            service.redeem(session, store_id=member.store_id, member_id=member.id, points=points, key="r1", day=DAY)
        assert consistent(session, member) == 100

    def test_soonest_expiring_lot_first(self, session, member):
        service.open_balance(session, member_id=member.id, points=50, expires_on=date(2027, 6, 1), source="old")
        give(session, member, 100, key="a1")  # lapses 2028-01-01
        service.redeem(session, store_id=member.store_id, member_id=member.id, points=70, key="r1", day=DAY)
        lots = session.exec(select(PointsLot).where(PointsLot.member_id == member.id).order_by(PointsLot.id)).all()
        assert [lot.remaining for lot in lots] == [0, 80]

    def test_retry_returns_the_first(self, session, member):
        give(session, member, 100, key="a1")
        first = service.redeem(session, store_id=member.store_id, member_id=member.id, points=30, key="r1", day=DAY)
        again = service.redeem(session, store_id=member.store_id, member_id=member.id, points=30, key="r1", day=DAY)
        assert first.id == again.id
        assert consistent(session, member) == 70


class TestExpiry:
    def test_lot_lapses_exactly_at_midnight_store_time(self, session, member):
        give(session, member, 100, key="a1", day=date(2025, 5, 1))  # lapses 2027-01-01 00:00 Shanghai
        assert service.balance(session, member, date(2026, 12, 31)).points == 100
        assert service.balance(session, member, date(2027, 1, 1)).points == 0
        # 2026-12-31 15:59:59 UTC is 23:59:59 in Shanghai; one second later it is 00:00 on 1 January.
        from datetime import UTC, datetime

        assert service.store_today(session, member.store_id, datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC)) == date(
            2026, 12, 31
        )
        assert service.store_today(session, member.store_id, datetime(2026, 12, 31, 16, 0, 0, tzinfo=UTC)) == date(
            2027, 1, 1
        )

    def test_expired_lot_is_never_spent(self, session, member):
        give(session, member, 100, key="a1", day=date(2025, 5, 1))
        with pytest.raises(InsufficientPoints):
            service.redeem(
                session, store_id=member.store_id, member_id=member.id, points=1, key="r", day=date(2027, 1, 1)
            )

    def test_partly_spent_lot_expires_only_its_remainder(self, session, member, shop):
        give(session, member, 100, key="a1", day=date(2025, 5, 1))
        service.redeem(session, store_id=member.store_id, member_id=member.id, points=30, key="r", day=DAY)
        expired = nightly.expire_due(session, shop.store_id, date(2027, 1, 1))
        assert expired == 70
        entry = session.exec(select(PointsEntry).where(PointsEntry.kind == EntryKind.expire)).one()
        assert entry.points == -70
        assert consistent(session, member) == 0
        assert nightly.expire_due(session, shop.store_id, date(2027, 1, 1)) == 0  # a second run writes nothing

    def test_expiring_soon_lists_lots(self, session, member):
        give(session, member, 100, key="a1", day=date(2025, 5, 1))
        give(session, member, 40, key="a2", day=date(2026, 5, 1))
        soon = service.expiring(session, member.id, date(2026, 11, 1), within_days=90)
        assert [(lot.remaining, lot.expires_on) for lot in soon] == [(100, date(2027, 1, 1))]


class TestEarn:
    def test_one_point_per_yuan_on_the_net_paid(self, session, shop, member):
        order = sale(session, shop, member, day=DAY, total_fen=12_399, points_paid_fen=2_000)
        entry = service.award_order(session, order.id)
        assert entry.points == 103  # (123.99 − 20.00) yuan → 103 points, truncated once for the order
        assert consistent(session, member) == 103

    def test_replayed_sale_awards_once(self, session, shop, member):
        order = sale(session, shop, member, day=DAY, total_fen=10_000)
        service.award_order(session, order.id)
        service.award_order(session, order.id)
        nightly.award_new(session)
        assert consistent(session, member) == 100

    def test_sale_without_member_earns_nothing(self, session, shop):
        order = sale(session, shop, None, day=DAY, total_fen=10_000)
        assert service.award_order(session, order.id) is None

    def test_rules_tier_and_promo_multiply(self, session, shop):
        gold = create_member(session, shop.store_id, tier="gold")
        session.add_all(
            [
                PointsRule(store_id=shop.store_id, kind="base", fen_per_point=200),
                PointsRule(store_id=shop.store_id, kind="base", shop_id=shop.id, fen_per_point=100),
                PointsRule(store_id=shop.store_id, kind="promo", multiplier_pct=200, valid_from=DAY, valid_to=DAY),
                PointsRule(store_id=shop.store_id, kind="promo", multiplier_pct=300, valid_from=date(2026, 4, 1)),
                PointsTierRate(store_id=shop.store_id, tier="gold", multiplier_pct=150),
            ]
        )
        session.flush()
        order = sale(session, shop, gold, day=DAY, total_fen=1_099)  # 10.99 yuan × 2 × 1.5 = 32.97
        assert service.award_order(session, order.id).points == 32

    def test_category_rule_and_brand_funding(self, session, shop, member):
        session.add(
            PointsRule(store_id=shop.store_id, category="cosmetics", fen_per_point=50, funded_by_shop=True, name="b")
        )
        session.flush()
        order = sale(session, shop, member, day=DAY, total_fen=1_000)
        service.award_order(session, order.id)
        lot = session.exec(select(PointsLot).where(PointsLot.member_id == member.id)).one()
        assert (lot.points, lot.funder_shop_id) == (20, shop.id)

    def test_award_job_reads_by_cursor(self, session, shop, member):
        orders = [sale(session, shop, member, day=DAY, total_fen=1_000 * (i + 1)) for i in range(3)]
        assert nightly.award_new(session)[0] >= 3
        assert consistent(session, member) == 60
        assert nightly.award_new(session) == (0, 0)
        refund(session, orders[0], day=DAY, amount_fen=1_000)
        assert nightly.award_new(session) == (0, 1)
        assert consistent(session, member) == 50


class TestRefund:
    def test_partial_refunds_add_up_to_the_full_reversal(self, session, shop, member):
        give(session, member, 1000, key="base")
        order = sale(session, shop, member, day=DAY, total_fen=10_001)
        service.award_order(session, order.id)  # 100 points
        for amount in (3_333, 3_333, 3_335):
            service.reverse_refund(session, refund(session, order, day=DAY, amount_fen=amount).id)
        assert consistent(session, member) == 1000

    def test_replayed_refund_reverses_once(self, session, shop, member):
        order = sale(session, shop, member, day=DAY, total_fen=10_000)
        service.award_order(session, order.id)
        row = refund(session, order, day=DAY, amount_fen=5_000)
        service.reverse_refund(session, row.id)
        service.reverse_refund(session, row.id)
        assert consistent(session, member) == 50

    def test_spent_points_become_a_debt_not_a_negative_balance(self, session, shop, member):
        order = sale(session, shop, member, day=DAY, total_fen=10_000)
        service.award_order(session, order.id)
        service.redeem(session, store_id=member.store_id, member_id=member.id, points=80, key="r", day=DAY)
        row = refund(session, order, day=DAY, amount_fen=10_000)
        service.reverse_refund(session, row.id)
        service.reverse_refund(session, row.id)
        assert consistent(session, member) == 0
        debt = session.exec(select(PointsDebt).where(PointsDebt.member_id == member.id)).one()
        assert debt.points == 80
        assert service.balance(session, member, DAY).debt == 80
        later = sale(session, shop, member, day=DAY, total_fen=10_000)
        service.award_order(session, later.id)  # the next 100 points pay the 80 owed first
        assert consistent(session, member) == 20
        assert service.balance(session, member, DAY).debt == 0

    def test_refund_restores_the_points_that_paid(self, session, shop, member):
        give(session, member, 500, key="base")
        service.hold(session, store_id=shop.store_id, member_id=member.id, points=400, hold_key="h1")
        order = sale(session, shop, member, day=DAY, total_fen=10_000, points_paid_fen=400)
        service.confirm_hold(session, store_id=shop.store_id, hold_key="h1", order_no=order.order_no)
        service.award_order(session, order.id)  # 96 points on the 96 yuan paid in money
        assert consistent(session, member) == 196
        service.reverse_refund(session, refund(session, order, day=DAY, amount_fen=5_000).id)
        assert consistent(session, member) == 196 - 48 + 200
        service.reverse_refund(session, refund(session, order, day=DAY, amount_fen=5_000).id)
        assert consistent(session, member) == 500


class TestHolds:
    def test_release_gives_the_points_back(self, session, shop, member):
        give(session, member, 500, key="base")
        service.hold(session, store_id=shop.store_id, member_id=member.id, points=400, hold_key="h1")
        assert consistent(session, member) == 100
        service.release_hold(session, store_id=shop.store_id, hold_key="h1")
        service.release_hold(session, store_id=shop.store_id, hold_key="h1")
        assert consistent(session, member) == 500

    def test_released_hold_cannot_be_confirmed(self, session, shop, member):
        give(session, member, 500, key="base")
        service.hold(session, store_id=shop.store_id, member_id=member.id, points=400, hold_key="h1")
        service.release_hold(session, store_id=shop.store_id, hold_key="h1")
        with pytest.raises(HoldClosed):
            service.confirm_hold(session, store_id=shop.store_id, hold_key="h1", order_no="X")

    def test_lapsed_hold_is_released_by_the_job(self, session, shop, member):
        from datetime import UTC, datetime, timedelta

        give(session, member, 500, key="base")
        row = service.hold(session, store_id=shop.store_id, member_id=member.id, points=400, hold_key="h1")
        assert service.release_lapsed_holds(session, now=row.expires_at + timedelta(seconds=1)) == 1
        assert consistent(session, member) == 500
        assert datetime.now(UTC) < row.expires_at + timedelta(days=1)

    def test_hold_beyond_the_balance_is_refused(self, session, shop, member):
        give(session, member, 10, key="base")
        with pytest.raises(InsufficientPoints):
            service.hold(session, store_id=shop.store_id, member_id=member.id, points=11, hold_key="h1")
        assert consistent(session, member) == 10


class TestReconcile:
    def test_a_drifted_cache_is_reported_not_clamped(self, session, shop, member):
        give(session, member, 100, key="a")
        assert nightly.reconcile(session, shop.store_id) == []
        member.points_balance = 90
        session.add(member)
        session.flush()
        found = nightly.reconcile(session, shop.store_id)
        assert [(f.member_id, f.ledger_points, f.cached_points, f.lot_points) for f in found] == [
            (member.id, 100, 90, 100)
        ]
        session.refresh(member)
        assert member.points_balance == 90
