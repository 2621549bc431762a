"""The nightly tier review on real orders: the rolling window's edges, refunds, thresholds a store sets."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from store.members import service
from store.members.errors import InvalidTierRules
from store.members.rules import DEFAULT_THRESHOLDS
from tests.factories.members import create_member
from tests.factories.premises import create_floor, create_shop, create_store
from tests.factories.sales import create_order

REVIEW_ON = date(2026, 6, 15)


@pytest.fixture
def shop(session):
    store = create_store(session)
    return create_shop(session, store, create_floor(session, store), opened_on=date(2024, 1, 1))


def spend(session, shop, member, day: date, fen: int) -> None:
    create_order(
        session,
        shop,
        member_id=member.id,
        ordered_at=datetime(day.year, day.month, day.day, 4, tzinfo=UTC),
        lines=((1, fen, 0),),
    )


class TestReview:
    def test_spend_inside_the_window_upgrades_and_spend_outside_does_not(self, session, shop):
        inside = create_member(session, shop.store_id)
        outside = create_member(session, shop.store_id)
        spend(session, shop, inside, date(2025, 6, 15), DEFAULT_THRESHOLDS["silver"])  # first day of the window
        spend(session, shop, outside, date(2025, 6, 14), DEFAULT_THRESHOLDS["gold"])  # the day before it
        spend(session, shop, outside, REVIEW_ON, DEFAULT_THRESHOLDS["gold"])  # the review day: not yet counted
        result = service.review_tiers(session, shop.store_id, REVIEW_ON)
        session.refresh(inside)
        session.refresh(outside)
        assert (inside.tier, inside.tier_since) == ("silver", REVIEW_ON)
        assert outside.tier == "basic"
        assert (result.members, result.up, result.down) == (2, 1, 0)

    def test_a_refund_takes_the_spend_back_below_the_threshold(self, session, shop):
        from store.sales import service as sales_service
        from store.sales.schemas import RefundCreate

        member = create_member(session, shop.store_id)
        spend(session, shop, member, date(2026, 1, 10), DEFAULT_THRESHOLDS["silver"])
        order = sales_service.list_orders(session, _AllShops(shop.store_id), member_id=member.id)[0][0]
        sales_service.refund(session, shop.store_id, order.id, RefundCreate(amount_fen=1, reason="退货"))
        service.review_tiers(session, shop.store_id, REVIEW_ON)
        session.refresh(member)
        assert member.tier == "basic"

    def test_a_member_below_the_threshold_is_kept_for_the_keep_year_then_downgraded(self, session, shop):
        member = create_member(session, shop.store_id, tier="gold")
        member.tier_since = date(2025, 6, 16)
        service.review_tiers(session, shop.store_id, REVIEW_ON)
        session.refresh(member)
        assert member.tier == "gold"
        result = service.review_tiers(session, shop.store_id, date(2026, 6, 16))
        session.refresh(member)
        assert (member.tier, result.down) == ("basic", 1)

    def test_the_stores_own_thresholds_apply(self, session, shop):
        member = create_member(session, shop.store_id)
        spend(session, shop, member, date(2026, 3, 1), 50_000)
        service.set_thresholds(session, shop.store_id, {"basic": 0, "silver": 50_000, "gold": 90_000, "diamond": 10**7})
        service.review_tiers(session, shop.store_id, REVIEW_ON)
        session.refresh(member)
        assert member.tier == "silver"

    def test_thresholds_that_do_not_rise_are_refused_whole(self, session, shop):
        with pytest.raises(InvalidTierRules):
            service.set_thresholds(session, shop.store_id, {"basic": 0, "silver": 500, "gold": 400, "diamond": 900})
        assert service.thresholds(session, shop.store_id) == DEFAULT_THRESHOLDS


class _AllShops:
    shop_id = None

    def __init__(self, store_id: int) -> None:
        self.store_id = store_id

    def can_see_shop(self, shop_id: int) -> bool:
        return True


class TestSalesNameRealMembers:
    def test_a_sale_naming_no_member_of_this_store_is_refused_and_nothing_is_written(self, client, session, shop):
        from sqlmodel import func, select

        from store.sales.models import Order
        from tests.factories.sales import create_till, order_body

        stranger = create_member(session, create_store(session))
        key, _ = create_till(session, shop)
        for member_id in (stranger.id, 987_654):
            response = client.post(
                "/api/v1/sales/orders", json=order_body(shop, member_id=member_id), headers={"X-Device-Key": key}
            )
            assert response.status_code == 400 and response.json()["type"].endswith("/unknown-member")
        assert session.exec(select(func.count()).select_from(Order)).one() == 0
