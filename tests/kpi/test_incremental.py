"""Rollups kept up to date sale by sale give exactly what recomputing from the raw rows gives."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from store.footfall import rollups as footfall_rollups
from store.sales import rollups as sales_rollups
from store.sales.models import Order
from store.sales.schemas import Channel, Source
from tests.factories import footfall as footfall_factory
from tests.factories import kpi

START = date(2026, 3, 1)
CHANNEL_SOURCES = [
    (Channel.offline, Source.own_till),
    (Channel.offline, Source.receipt_capture),
    (Channel.online, Source.online_mall),
    (Channel.live, Source.live_stream),
]


def _rebuild(session: Session, store_id: int, start: date | None = None, end: date | None = None) -> None:
    """What imports, the demo and the nightly jobs run: each domain recomputes its own rollups."""
    sales_rollups.rebuild(session, store_id, start, end)
    footfall_rollups.rebuild(session, store_id, start, end)


def _random_operations(session: Session, mall, rng: random.Random, steps: int) -> None:
    """Sales, refunds, declared totals (and corrections) and footfall intervals (and corrections)."""
    shops = [mall.beauty, mall.fashion, mall.late]
    doors = [mall.door, footfall_factory.create_zone(session, mall.store, mall.upper)]
    orders: list[Order] = []
    for _ in range(steps):
        day = START + timedelta(days=rng.randrange(30))
        kind = rng.random()
        if kind < 0.45 or not orders:
            channel, source = rng.choice(CHANNEL_SOURCES)
            shop = rng.choice([s for s in shops if s.opened_on <= day] or shops[:1])
            orders.append(
                kpi.sell(
                    session,
                    shop,
                    day=day,
                    total_fen=rng.randrange(0, 50_000),
                    channel=channel,
                    source=source,
                    member_id=rng.choice([None, None, 7, 8]),
                )
            )
        elif kind < 0.65:
            order = rng.choice(orders)
            left = order.total_fen - order.refunded_fen
            if left > 0:
                later = order.business_on + timedelta(days=rng.randrange(4))
                kpi.refund(session, order, day=later, amount_fen=rng.randrange(1, left + 1))
        elif kind < 0.8:
            kpi.declare(
                session,
                rng.choice(shops[:2]),
                day=START + timedelta(days=rng.randrange(5)),
                revenue_fen=rng.randrange(0, 90_000),
                orders=rng.randrange(0, 30),
                refunds_fen=rng.randrange(0, 2_000),
                source=rng.choice([Source.tenant_declared, Source.import_]),
            )
        else:
            kpi.count_in(session, rng.choice(doors), day=day, people=rng.randrange(0, 400), slot=rng.randrange(3))


class TestIncrementalEqualsRebuild:
    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_random_history_rolls_up_the_same_either_way(self, session, mall, seed):
        _random_operations(session, mall, random.Random(seed), steps=150)
        incremental = kpi.rollups(session, mall.store.id)
        assert incremental["sales"] and incremental["footfall"]

        _rebuild(session, mall.store.id)

        assert kpi.rollups(session, mall.store.id) == incremental

    def test_rebuilding_a_few_days_leaves_the_others_as_they_were(self, session, mall):
        _random_operations(session, mall, random.Random(9), steps=120)
        incremental = kpi.rollups(session, mall.store.id)

        _rebuild(session, mall.store.id, START + timedelta(days=10), START + timedelta(days=12))

        assert kpi.rollups(session, mall.store.id) == incremental


class TestNewSale:
    def test_a_sale_changes_only_its_own_day(self, session, mall):
        kpi.sell(session, mall.beauty, day=START, total_fen=1_000)
        history = kpi.rollups(session, mall.store.id)

        kpi.sell(session, mall.beauty, day=START + timedelta(days=1), total_fen=2_500, member_id=3)

        after = kpi.rollups(session, mall.store.id)["sales"]
        assert after[0] == history["sales"][0]
        assert after[1] == (START + timedelta(days=1), mall.beauty.id, "offline", "own_till", 2_500, 0, 1, 1, 2_500)

    def test_a_refund_counts_on_the_day_the_money_went_back(self, session, mall):
        order = kpi.sell(session, mall.beauty, day=START, total_fen=10_000)

        kpi.refund(session, order, day=START + timedelta(days=3), amount_fen=4_000)

        rows = kpi.rollups(session, mall.store.id)["sales"]
        assert [(r[0], r[4], r[5]) for r in rows] == [(START, 10_000, 0), (START + timedelta(days=3), 0, 4_000)]

    def test_a_corrected_daily_total_replaces_the_first_declaration(self, session, mall):
        kpi.declare(session, mall.fashion, day=START, revenue_fen=50_000, orders=10)

        kpi.declare(session, mall.fashion, day=START, revenue_fen=42_000, orders=9)

        rows = kpi.rollups(session, mall.store.id)["sales"]
        assert [(r[4], r[6]) for r in rows] == [(42_000, 9)]


class TestThroughTheServices:
    def test_sales_refunds_totals_and_counts_posted_by_the_services_match_a_rebuild(self, session, mall):
        from store.footfall import service as footfall_service
        from store.footfall.schemas import FootfallBatch
        from store.sales import service as sales_service
        from store.sales.schemas import DailyTotalIn, RefundCreate
        from tests.factories.footfall import interval
        from tests.factories.sales import create_order

        rng, now = random.Random(5), datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        for step in range(40):
            moment = now - timedelta(days=rng.randrange(1, 20), hours=rng.randrange(12))
            order = create_order(
                session,
                rng.choice([mall.beauty, mall.fashion]),
                ordered_at=moment,
                channel=rng.choice(list(Channel)),
                member_id=rng.choice([None, 5]),
            )
            if step % 3 == 0:
                sales_service.refund(session, mall.store.id, order.id, RefundCreate(amount_fen=500))
            if step % 5 == 0:
                sales_service.record_daily_total(
                    session,
                    mall.store.id,
                    DailyTotalIn(shop_id=mall.fashion.id, business_on=moment.date(), revenue_fen=rng.randrange(90_000)),
                )
            footfall_service.record_counts(
                session,
                mall.store.id,
                FootfallBatch.model_validate({"intervals": [interval(mall.door, moment, rng.randrange(200))]}),
            )
        incremental = kpi.rollups(session, mall.store.id)

        _rebuild(session, mall.store.id)

        assert kpi.rollups(session, mall.store.id) == incremental
