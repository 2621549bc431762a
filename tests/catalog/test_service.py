"""The catalogue's service: price changes with approval, promotions, versions, stale sales, parity, stock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from store.auth.models import Role
from store.catalog import parity, stock
from store.catalog import service as catalog_service
from store.catalog.errors import (
    OutOfStock,
    PriceChangeDecided,
    PriceNegative,
    PromotionEndsBeforeStart,
    ReservationClosed,
    SelfApproval,
    SkuNotFound,
)
from store.catalog.models import PriceChange, Promotion
from store.catalog.schemas import ChangeStatus, PriceChangeCreate, PriceChannel, PromotionCreate
from store.clock import utcnow
from store.premises.models import Store
from store.sales import service as sales_service
from tests.factories.auth import create_user
from tests.factories.catalog import create_sku
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import order_in


class Caller:
    """A store-wide staff caller (what ``Principal`` offers the service)."""

    def __init__(self, store_id: int, shop_id: int | None = None) -> None:
        self.store_id, self.shop_id = store_id, shop_id

    def can_see_shop(self, shop_id: int) -> bool:
        return self.shop_id is None or self.shop_id == shop_id


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


@pytest.fixture
def managers(session, shop):
    store = session.get(Store, shop.store_id)
    return create_user(session, store, role=Role.manager), create_user(session, store, role=Role.manager)


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


class TestPriceChangeWorkflow:
    def test_approved_change_takes_effect_and_moves_the_book_version(self, session, shop, managers) -> None:
        sku = create_sku(session, shop, offline=10_000)
        asker, approver = managers
        before = catalog_service.current_version(session, shop.store_id)
        change = catalog_service.request_change(
            session,
            Caller(shop.store_id),
            PriceChangeCreate(sku=sku.code, channel=PriceChannel.offline, price_fen=8_800),
            user_id=asker.id,
        )
        now = utcnow()
        assert catalog_service.resolve(session, shop.store_id, sku, PriceChannel.offline, now).price_fen == 10_000
        catalog_service.decide(session, shop.store_id, change.id, approve=True, user_id=approver.id)
        later = utcnow() + timedelta(seconds=1)
        assert catalog_service.resolve(session, shop.store_id, sku, PriceChannel.offline, later).price_fen == 8_800
        assert catalog_service.current_version(session, shop.store_id) == before + 1
        session.refresh(sku)
        assert sku.rev == before + 1

    def test_scheduled_change_waits_for_its_moment(self, session, shop, managers) -> None:
        sku = create_sku(session, shop, offline=10_000)
        at = utcnow() + timedelta(days=3)
        change = catalog_service.request_change(
            session,
            Caller(shop.store_id),
            PriceChangeCreate(sku=sku.code, channel=PriceChannel.offline, price_fen=9_000, effective_at=at),
            user_id=managers[0].id,
        )
        catalog_service.decide(session, shop.store_id, change.id, approve=True, user_id=managers[1].id)
        resolve = catalog_service.resolve
        assert resolve(session, shop.store_id, sku, PriceChannel.offline, at - timedelta(seconds=1)).price_fen == 10_000
        assert resolve(session, shop.store_id, sku, PriceChannel.offline, at).price_fen == 9_000

    def test_requester_cannot_approve_their_own_change(self, session, shop, managers) -> None:
        sku = create_sku(session, shop)
        change = catalog_service.request_change(
            session,
            Caller(shop.store_id),
            PriceChangeCreate(sku=sku.code, channel=PriceChannel.online, price_fen=1),
            user_id=managers[0].id,
        )
        with pytest.raises(SelfApproval):
            catalog_service.decide(session, shop.store_id, change.id, approve=True, user_id=managers[0].id)
        assert session.get(PriceChange, change.id).status == ChangeStatus.pending

    def test_a_decided_change_cannot_be_decided_again(self, session, shop, managers) -> None:
        sku = create_sku(session, shop)
        change = catalog_service.request_change(
            session,
            Caller(shop.store_id),
            PriceChangeCreate(sku=sku.code, channel=PriceChannel.online, price_fen=5),
            user_id=managers[0].id,
        )
        catalog_service.decide(session, shop.store_id, change.id, approve=False, user_id=managers[1].id)
        with pytest.raises(PriceChangeDecided):
            catalog_service.decide(session, shop.store_id, change.id, approve=True, user_id=managers[1].id)
        now = utcnow()
        assert catalog_service.resolve(session, shop.store_id, sku, PriceChannel.online, now).price_fen == 10_000

    def test_price_below_zero_and_unknown_sku_write_nothing(self, session, shop) -> None:
        sku = create_sku(session, shop)
        caller = Caller(shop.store_id)
        with pytest.raises(PriceNegative):
            catalog_service.request_change(
                session, caller, PriceChangeCreate(sku=sku.code, channel="offline", price_fen=-1), user_id=None
            )
        with pytest.raises(SkuNotFound):
            catalog_service.request_change(
                session, caller, PriceChangeCreate(sku="NOPE", channel="offline", price_fen=1), user_id=None
            )
        assert _count(session, PriceChange) == 0

    def test_approvals_in_period_count_decisions_for_m1(self, session, shop, managers) -> None:
        sku = create_sku(session, shop)
        start = utcnow() - timedelta(minutes=1)
        for approve in (True, False, None):
            change = catalog_service.request_change(
                session,
                Caller(shop.store_id),
                PriceChangeCreate(sku=sku.code, channel="online", price_fen=9_000),
                user_id=managers[0].id,
            )
            if approve is not None:
                catalog_service.decide(session, shop.store_id, change.id, approve=approve, user_id=managers[1].id)
        end = utcnow() + timedelta(minutes=1)
        assert catalog_service.approvals_in_period(session, shop.store_id, start, end) == 2
        assert catalog_service.approvals_in_period(session, shop.store_id, end, end + timedelta(days=1)) == 0


class TestPromotions:
    def test_promotion_ending_before_it_starts_is_refused_and_not_written(self, session, shop) -> None:
        now = utcnow()
        data = PromotionCreate(name="x", channel="online", percent_off=10, starts_at=now, ends_at=now)
        with pytest.raises(PromotionEndsBeforeStart):
            catalog_service.add_promotion(session, shop.store_id, data)
        assert _count(session, Promotion) == 0

    def test_category_promotion_reaches_only_that_category(self, session, shop) -> None:
        bag = create_sku(session, shop, category="bags", online=10_000)
        shoe = create_sku(session, shop, category="shoes", online=10_000)
        now = utcnow()
        catalog_service.add_promotion(
            session,
            shop.store_id,
            PromotionCreate(
                name="包袋节",
                channel="online",
                percent_off=20,
                starts_at=now,
                ends_at=now + timedelta(days=1),
                category="bags",
            ),
        )
        at = now + timedelta(minutes=1)
        assert catalog_service.resolve(session, shop.store_id, bag, PriceChannel.online, at).price_fen == 8_000
        assert catalog_service.resolve(session, shop.store_id, shoe, PriceChannel.online, at).price_fen == 10_000


class TestStaleSales:
    def test_sale_on_an_older_book_counts_as_stale_and_sales_without_a_version_still_post(self, session, shop) -> None:
        create_sku(session, shop)
        version = catalog_service.current_version(session, shop.store_id)
        at = utcnow() - timedelta(minutes=5)
        fresh = order_in(shop, ordered_at=at).model_copy(update={"price_book_version": version})
        sales_service.create_order(session, shop.store_id, fresh)
        catalog_service.publish(session, shop.store_id, "new prices", at=at + timedelta(minutes=1))
        stale = order_in(shop, ordered_at=at + timedelta(minutes=2)).model_copy(update={"price_book_version": version})
        sales_service.create_order(session, shop.store_id, stale)
        sales_service.create_order(session, shop.store_id, order_in(shop, ordered_at=at))  # no catalogue behind it
        window = (at - timedelta(hours=1), utcnow())
        assert catalog_service.stale_sales(session, shop.store_id, *window) == (1, 2)


class TestParityReport:
    def test_share_per_shop_and_category_with_drifted_skus(self, session, shop) -> None:
        other = create_shop(session, session.get(Store, shop.store_id))
        create_sku(session, shop, category="bags")
        create_sku(session, shop, category="bags", online=9_000)
        create_sku(session, other, category="shoes")
        create_sku(session, other, category="shoes", online=None)  # offline only
        now = utcnow()
        found = parity.report(session, shop.store_id, now - timedelta(days=30), now)
        assert (found.total.in_parity, found.total.counted) == (2, 4)
        assert (found.by_shop[shop.id].in_parity, found.by_shop[shop.id].counted) == (1, 2)
        assert found.by_category["shoes"].counted == 2 and found.statuses["offline_only"] == 1
        (drift,) = found.drifted
        assert (drift.offline_fen, drift.online_fen) == (10_000, 9_000)
        assert "同价" in found.rule_zh and "denominator" in found.rule_en

    def test_preview_says_what_the_change_does_to_the_share(self, session, shop) -> None:
        skus = [create_sku(session, shop) for _ in range(4)]
        create_sku(session, shop, online=1)
        preview = parity.preview(session, shop.store_id, skus[0].code, PriceChannel.offline, 9_999, utcnow())
        assert preview.message == "S6 share 80.0% → 60.0%"
        assert (preview.status_before, preview.status_after) == ("parity", "drifted")


class TestStock:
    def test_reserve_release_commit(self, session, shop) -> None:
        sku = create_sku(session, shop)
        stock.set_on_hand(session, shop.store_id, shop.id, sku.id, 5)
        held = stock.reserve(session, shop.store_id, shop.id, sku.id, 3, ref="O1")
        assert stock.level(session, shop.id, sku.id) == (5, 3)
        with pytest.raises(OutOfStock):
            stock.reserve(session, shop.store_id, shop.id, sku.id, 3)
        assert stock.level(session, shop.id, sku.id) == (5, 3)  # nothing held by the refusal
        stock.commit(session, shop.store_id, held)
        assert stock.level(session, shop.id, sku.id) == (2, 0)
        with pytest.raises(ReservationClosed):
            stock.release(session, shop.store_id, held)
        again = stock.reserve(session, shop.store_id, shop.id, sku.id, 2)
        stock.release(session, shop.store_id, again)
        assert stock.level(session, shop.id, sku.id) == (2, 0)

    def test_no_stock_counted_means_out_of_stock(self, session, shop) -> None:
        sku = create_sku(session, shop)
        with pytest.raises(OutOfStock):
            stock.reserve(session, shop.store_id, shop.id, sku.id, 1)
