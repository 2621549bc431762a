"""Earning and refunding line by line: each line at its SKU's catalogue category, truncated once per order; a
refund naming its lines undoes what those lines earned, and parts add up to the whole."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import func, select

from store.catalog.models import Product, Sku
from store.points import rules, service
from store.points.models import PointsEntry, PointsRule
from store.sales import service as sales_service
from store.sales.errors import RefundLinesInvalid
from store.sales.models import RefundLine
from store.sales.schemas import RefundCreate, RefundLineIn
from tests.factories.points import create_member
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_order


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session), category="department")


@pytest.fixture
def member(session, shop):
    return create_member(session, shop.store_id)


def catalogue(session, shop, **categories: str) -> None:
    """SKU codes → product categories in the store's catalogue."""
    for code, category in categories.items():
        product = Product(store_id=shop.store_id, shop_id=shop.id, code=f"P-{code}", name=code, category=category)
        session.add(product)
        session.flush()
        session.add(Sku(store_id=shop.store_id, shop_id=shop.id, product_id=product.id, code=code))
    session.flush()


def balance(session, member) -> int:
    return int(session.exec(select(func.sum(PointsEntry.points)).where(PointsEntry.member_id == member.id)).one() or 0)


def give_back(session, order, amount: int, lines: list[tuple[int, int]] = ()):  # type: ignore[assignment]
    data = RefundCreate(amount_fen=amount, lines=[RefundLineIn(line_no=n, quantity=q) for n, q in lines])
    row = sales_service.refund(session, order.store_id, order.id, data)
    service.reverse_refund(session, row.id)
    return row


class TestRules:
    def test_lines_at_their_own_rates_are_truncated_once_for_the_order(self):
        lines = [rules.EarnLine(150, 100), rules.EarnLine(150, 100), rules.EarnLine(150, 100)]
        assert rules.earn_points_by_line(450, lines) == 4  # per line it would be 1 + 1 + 1
        mixed = [rules.EarnLine(1_000, 50), rules.EarnLine(1_000, 100, (200,)), rules.EarnLine(0, 1)]
        assert rules.earn_points_by_line(1_500, mixed) == 30  # 750/50 + 750×2/100; the 0-value reward: nothing

    @given(st.integers(1, 10**7), st.lists(st.integers(1, 10**6), min_size=1, max_size=6), st.data())
    def test_one_category_by_line_equals_the_whole_order(self, net, values, data):
        pct = data.draw(st.integers(0, 300))
        lines = [rules.EarnLine(v, 100, (pct,)) for v in values]
        assert rules.earn_points_by_line(net, lines) == rules.earn_points(net, 100, (pct,))

    @given(st.integers(0, 10**6), st.lists(st.fractions(0, 1), min_size=1, max_size=8))
    def test_refund_steps_add_up_and_never_pass_the_points(self, points, parts):
        total = Fraction(0)
        undone = 0
        for part in parts:
            undone += rules.share_step(points, total, total + part)
            total += part
        assert undone == (points * min(total, 1)).__floor__() and 0 <= undone <= points


class TestEarnByCategory:
    def test_each_line_earns_at_its_skus_catalogue_category(self, session, shop, member):
        catalogue(session, shop, **{"SKU-1": "cosmetics", "SKU-2": "food"})
        session.add(PointsRule(store_id=shop.store_id, category="cosmetics", fen_per_point=50))
        session.flush()
        # SKU-1: 2 × 30.00 = 60.00 yuan at 2 points a yuan; SKU-2: 30.00 yuan at 1; SKU-3 unknown: the shop's
        order = create_order(session, shop, lines=((2, 3_000, 0), (1, 3_000, 0), (1, 1_000, 0)), member_id=member.id)
        assert service.award_order(session, order.id).points == 120 + 30 + 10

    def test_a_category_rule_of_the_shop_applies_to_skus_the_catalogue_does_not_know(self, session, shop, member):
        session.add(PointsRule(store_id=shop.store_id, category="department", fen_per_point=25))
        session.flush()
        order = create_order(session, shop, lines=((1, 1_000, 0),), member_id=member.id)
        assert service.award_order(session, order.id).points == 40


class TestRefundByLine:
    def test_a_refund_of_one_line_undoes_what_that_line_earned(self, session, shop, member):
        catalogue(session, shop, **{"SKU-1": "cosmetics", "SKU-2": "food"})
        session.add(PointsRule(store_id=shop.store_id, category="cosmetics", fen_per_point=25))
        session.flush()
        order = create_order(session, shop, lines=((1, 5_000, 0), (1, 5_000, 0)), member_id=member.id)
        assert service.award_order(session, order.id).points == 200 + 50
        give_back(session, order, 5_000, [(2, 1)])  # the food line: by amount it would have been 125
        assert balance(session, member) == 200
        give_back(session, order, 5_000, [(1, 1)])
        assert balance(session, member) == 0

    def test_partial_quantities_in_parts_add_up_to_the_whole_line(self, session, shop, member):
        order = create_order(session, shop, lines=((3, 333, 0), (1, 1, 0)), member_id=member.id)  # 10.00 yuan
        assert service.award_order(session, order.id).points == 10
        for _ in range(3):
            give_back(session, order, 333, [(1, 1)])
        give_back(session, order, 1, [(2, 1)])
        assert balance(session, member) == 0

    def test_a_replayed_line_refund_undoes_once(self, session, shop, member):
        order = create_order(session, shop, lines=((1, 6_000, 0), (1, 4_000, 0)), member_id=member.id)
        service.award_order(session, order.id)
        row = give_back(session, order, 4_000, [(2, 1)])
        service.reverse_refund(session, row.id)
        assert balance(session, member) == 60

    @pytest.mark.parametrize("lines", [[(9, 1)], [(1, 2)], [(1, 1), (1, 1)]])
    def test_bad_refund_lines_are_refused_and_nothing_is_written(self, session, shop, member, lines):
        order = create_order(session, shop, lines=((1, 6_000, 0), (1, 4_000, 0)), member_id=member.id)
        with pytest.raises(RefundLinesInvalid):
            sales_service.refund(
                session,
                order.store_id,
                order.id,
                RefundCreate(amount_fen=100, lines=[RefundLineIn(line_no=n, quantity=q) for n, q in lines]),
            )
        session.refresh(order)
        assert order.refunded_fen == 0
        assert session.exec(select(func.count()).select_from(RefundLine)).one() == 0


class TestFunders:
    def test_redemptions_are_settled_per_funder_of_the_lots_they_took(self, session, shop, member):
        from store.points import liability

        session.add(PointsRule(store_id=shop.store_id, shop_id=shop.id, fen_per_point=100, funded_by_shop=True))
        session.flush()
        order = create_order(session, shop, lines=((1, 10_000, 0),), member_id=member.id)
        service.award_order(session, order.id)  # 100 points funded by the shop's brand
        day = order.business_on
        service.adjust(
            session, store_id=shop.store_id, member_id=member.id, points=50, reason="goodwill", key="g", actor="t"
        )  # 50 points funded by the store
        service.redeem(session, store_id=shop.store_id, member_id=member.id, points=120, key="r1", day=day)
        month = f"{day:%Y-%m}"
        rows = {r.funder: r for r in liability.by_funder(session, shop.store_id, month, month)}
        assert sum(r.redeemed_points for r in rows.values()) == 120
        assert rows[f"shop:{shop.id}"].redeemed_points + rows[f"shop:{shop.id}"].outstanding_points == 100
        assert rows["store"].redeemed_points + rows["store"].outstanding_points == 50
