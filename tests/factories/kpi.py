"""Factories for the KPI rollups: raw sales and footfall rows written the way the sales and footfall
services write them, each followed by the matching ``kpi_service.apply_*`` call (unless ``apply=False``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from typing import Any

from sqlmodel import Session, select

from store.kpi import service as kpi_service
from store.kpi.models import KpiFootfallDaily, KpiSalesDaily
from store.kpi.periods import month_end
from store.premises.models import Floor, Shop, Store, Zone
from store.sales.models import DailyTotal, Order, Refund
from store.sales.schemas import Channel, Source
from tests.factories import premises
from tests.factories.footfall import create_zone

_seq = count(1)


def _noon(day: date) -> datetime:
    # 12:00 in Shanghai is 04:00 UTC: the same business day in the store's timezone.
    return datetime.combine(day, time(4, 0), tzinfo=UTC)


def sell(
    session: Session,
    shop: Shop,
    *,
    day: date,
    total_fen: int,
    channel: Channel = Channel.offline,
    source: Source = Source.own_till,
    member_id: int | None = None,
    apply: bool = True,
) -> Order:
    """One order of ``total_fen`` at ``shop`` on ``day``."""
    from tests.factories.members import ensure_member

    ensure_member(session, shop.store_id, member_id)
    order = Order(
        store_id=shop.store_id,
        shop_id=shop.id,
        order_no=f"K{next(_seq):08d}",
        channel=channel,
        source=source,
        member_id=member_id,
        ordered_at=_noon(day),
        business_on=day,
        subtotal_fen=total_fen,
        total_fen=total_fen,
    )
    session.add(order)
    session.flush()
    if apply:
        kpi_service.apply_order(session, order)
    return order


def refund(session: Session, order: Order, *, day: date, amount_fen: int, apply: bool = True) -> Refund:
    """Give back ``amount_fen`` of ``order`` on ``day``."""
    row = Refund(
        store_id=order.store_id, order_id=order.id, amount_fen=amount_fen, refunded_at=_noon(day), business_on=day
    )
    order.refunded_fen += amount_fen
    session.add_all([row, order])
    session.flush()
    if apply:
        kpi_service.apply_refund(session, order, row)
    return row


def declare(
    session: Session,
    shop: Shop,
    *,
    day: date,
    revenue_fen: int,
    orders: int = 1,
    refunds_fen: int = 0,
    channel: Channel = Channel.offline,
    source: Source = Source.tenant_declared,
    apply: bool = True,
) -> DailyTotal:
    """Declare (or correct) a shop's daily total; a second declaration for the same key replaces the first."""
    row = session.exec(
        select(DailyTotal).where(
            DailyTotal.shop_id == shop.id,
            DailyTotal.business_on == day,
            DailyTotal.channel == channel,
            DailyTotal.source == source,
        )
    ).first()
    before = DailyTotal(**{name: getattr(row, name) for name in DailyTotal.model_fields}) if row else None
    if row is None:
        row = DailyTotal(
            store_id=shop.store_id, shop_id=shop.id, business_on=day, channel=channel, source=source, revenue_fen=0
        )
    row.revenue_fen, row.orders, row.refunds_fen = revenue_fen, orders, refunds_fen
    session.add(row)
    session.flush()
    if apply:
        kpi_service.apply_daily_total(session, before, row)
    return row


def count_in(session: Session, zone: Zone, *, day: date, people: int, slot: int = 0, apply: bool = True) -> None:
    """Record (or replace) the 15-minute interval ``slot`` of ``day`` at an entrance."""
    from store.footfall.models import FootfallCount

    start = datetime.combine(day, time(2, 0), tzinfo=UTC).replace(minute=0) + slot * _QUARTER
    row = session.exec(
        select(FootfallCount).where(FootfallCount.zone_id == zone.id, FootfallCount.interval_start == start)
    ).first()
    delta = people - (row.count_in if row else 0)
    if row is None:
        row = FootfallCount(
            store_id=zone.store_id,
            zone_id=zone.id,
            interval_start=start,
            interval_minutes=15,
            business_on=day,
            count_in=people,
            count_out=0,
        )
    row.count_in = people
    session.add(row)
    session.flush()
    if apply:
        kpi_service.apply_footfall(session, zone.store_id, day, delta)


_QUARTER = datetime(2000, 1, 1, 0, 15) - datetime(2000, 1, 1)


def count_days(
    session: Session, zone: Zone, start: date, end: date, *, people: int = 0, on: date | None = None
) -> None:
    """Cameras counting on every day of ``start``..``end``: ``people`` on ``on`` (default: ``start``), 0 on the
    others (a day with a count of 0 is a counted day; a day without one is unknown)."""
    day = start
    while day <= end:
        count_in(session, zone, day=day, people=people if day == (on or start) else 0)
        day += timedelta(days=1)


def rollups(session: Session, store_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Both rollup tables as sorted tuples, leaving out rows that add nothing (all sums zero)."""
    sales, footfall = KpiSalesDaily.__table__, KpiFootfallDaily.__table__
    sales_rows = session.exec(
        select(
            sales.c.business_on,
            sales.c.shop_id,
            sales.c.channel,
            sales.c.source,
            sales.c.revenue_fen,
            sales.c.refunds_fen,
            sales.c.orders,
            sales.c.member_orders,
            sales.c.member_revenue_fen,
        ).where(sales.c.store_id == store_id)
    )
    footfall_rows = session.exec(
        select(footfall.c.business_on, footfall.c.footfall_in).where(footfall.c.store_id == store_id)
    )
    return {
        "sales": sorted(tuple(r) for r in sales_rows if any(r[4:])),
        "footfall": sorted(tuple(r) for r in footfall_rows if r[1]),
    }


@dataclass
class Mall:
    """A small store: 1F cosmetics A01 (100 m², 4 staff), 2F womenswear B01 (300 m², 6 staff, 10 from
    2026-03-16) and B02 (200 m², 5 staff, opens 2026-03-16), the store's own 10 staff, one entrance."""

    store: Store
    ground: Floor
    upper: Floor
    beauty: Shop
    fashion: Shop
    late: Shop
    door: Zone


def create_mall(session: Session, *, smart_upgrade_on: date | None = date(2025, 7, 1)) -> Mall:
    store = premises.create_store(session, smart_upgrade_on=smart_upgrade_on)
    ground = premises.create_floor(session, store, code="1F", level=1)
    upper = premises.create_floor(session, store, code="2F", level=2)
    beauty = premises.create_shop(session, store, ground, code="A01", category="cosmetics", area_m2=100.0)
    fashion = premises.create_shop(session, store, upper, code="B01", category="womenswear", area_m2=300.0)
    late = premises.create_shop(
        session, store, upper, code="B02", category="womenswear", area_m2=200.0, opened_on=date(2026, 3, 16)
    )
    premises.set_headcount(session, store, 10)  # the store's own staff
    premises.set_headcount(session, store, 4, shop=beauty)
    premises.set_headcount(session, store, 6, shop=fashion)
    premises.set_headcount(session, store, 10, shop=fashion, effective_on=date(2026, 3, 16))
    premises.set_headcount(session, store, 5, shop=late, effective_on=date(2026, 3, 1))
    return Mall(store, ground, upper, beauty, fashion, late, create_zone(session, store, ground))


def month_of_trade(
    session: Session,
    mall: Mall,
    month: date,
    *,
    beauty_fen: int,
    fashion_fen: int,
    online_fen: int = 0,
    online_orders: int = 0,
    member_online_orders: int = 0,
    people: int = 0,
) -> None:
    """One month on its 1st: A01's till sale, B01's declared total, B01's online orders; with ``people``, the
    door counts every day of the month, all ``people`` on the 1st.

    (The 1st, because a history whose first sale falls mid-month starts its baseline a month later.)"""
    day = month.replace(day=1)
    sell(session, mall.beauty, day=day, total_fen=beauty_fen)
    declare(session, mall.fashion, day=day, revenue_fen=fashion_fen, orders=10)
    for n in range(online_orders):
        sell(
            session,
            mall.fashion,
            day=day,
            total_fen=online_fen // online_orders,
            channel=Channel.online,
            source=Source.online_mall,
            member_id=100 + n if n < member_online_orders else None,
        )
    if people:
        count_days(session, mall.door, day, month_end(day), people=people)


def upgrade_story(session: Session, mall: Mall) -> None:
    """Trade around the smart upgrade of July 2025, built so each B/S/C rule sits on a boundary.

    Before (2025-05, 2025-06): 200,000 fen a month, 1,000 people. After (2025-08, 2025-09): 210,000
    (exactly +5 %, 10 % of it online, 3 of 5 online orders by members = 60 %), 1,040 people (+4 %).
    Area (400 m²) and staff (20) do not change, so 坪效 and 人效 grow exactly 5 % too. One of the two
    trading shops has a POS (A01's till); B01 only declares totals: C2 at exactly 50 %.
    """
    for month in (date(2025, 5, 1), date(2025, 6, 1)):
        month_of_trade(session, mall, month, beauty_fen=100_000, fashion_fen=100_000, people=1_000)
    month_of_trade(session, mall, date(2025, 7, 1), beauty_fen=150_000, fashion_fen=0, people=900)
    for month in (date(2025, 8, 1), date(2025, 9, 1)):
        month_of_trade(
            session,
            mall,
            month,
            beauty_fen=100_000,
            fashion_fen=89_000,
            online_fen=21_000,
            online_orders=5,
            member_online_orders=3,
            people=1_040,
        )
