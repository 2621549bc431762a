"""KPI rollups: kept up to date by every sale, refund, declared total and footfall interval.

The write side adds the change of one raw row to its day's rollup (an upsert that increments), so a
new sale never recomputes history; ``rebuild`` recomputes a range from the raw tables (demo, import)
and gives the same rows (tests/kpi/test_incremental.py proves it on random data). The read side
(``series``, ``dashboard``, ``monthly``) lives in ``store.kpi.figures`` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, case, delete, func, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from store.clock import business_day, utcnow
from store.footfall.models import FootfallCount
from store.kpi.errors import PeriodError
from store.kpi.figures import dashboard, fetch, first_sales_day, monthly, series  # noqa: F401  (the read side)
from store.kpi.models import FOOTFALL_TABLE, SALES_KEY, SALES_SUMS, SALES_TABLE
from store.kpi.schemas import Dashboard, Grain, GroupBy, KpiRow
from store.premises import service as premises_service
from store.sales.models import DailyTotal, Order, Refund
from store.sales.schemas import POS_SOURCES, Channel
from store.scoping import Viewer

SALES, FOOTFALL = SALES_TABLE, FOOTFALL_TABLE
# S4 线上交易额占比 / S5: live-stream selling is online trade too.
ONLINE_CHANNELS = (Channel.online.value, Channel.live.value)


def _upsert(session: Session, table: Table, key: dict[str, Any], sums: dict[str, int]) -> None:
    """Insert the row, or add ``sums`` to the existing one (SQLite and PostgreSQL alike)."""
    _upsert_many(session, table, list(key), [{**key, **sums}])


def _upsert_many(session: Session, table: Table, key: list[str], rows: list[dict[str, Any]]) -> None:
    """:func:`_upsert` of many rows (distinct keys, the same columns) in one statement."""
    if rows:
        sums = tuple(name for name in rows[0] if name not in key)
        stmt = _upsert_statement(session.get_bind().dialect.name, table, tuple(key), sums)
        session.connection().execute(stmt, rows)


@lru_cache(maxsize=32)
def _upsert_statement(dialect_name: str, table: Table, key: tuple[str, ...], sums: tuple[str, ...]) -> Any:
    # Built once per shape: building ``excluded`` costs more than running the statement (the hot path).
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=list(key), set_={name: table.c[name] + stmt.excluded[name] for name in sums}
    )


def _sales_key(store_id: int, day: date, shop_id: int, channel: Any, source: Any) -> dict[str, Any]:
    return dict(zip(SALES_KEY, (store_id, day, shop_id, str(channel), str(source)), strict=True))


def _sums(
    revenue: int = 0, refunds: int = 0, orders: int = 0, member_orders: int = 0, member_revenue: int = 0
) -> dict[str, int]:
    return dict(zip(SALES_SUMS, (revenue, refunds, orders, member_orders, member_revenue), strict=True))


def apply_order(session: Session, order: Order) -> None:
    """Count a new order on its business day."""
    apply_orders(session, [order])


def apply_orders(session: Session, orders: Iterable[Any]) -> None:
    """Count new orders on their business days: one upsert per rollup row they touch, in one statement.

    ``orders`` are ``Order`` rows or anything with the same attributes (the till hot path passes the
    values it inserted).
    """
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for order in orders:
        key = _sales_key(order.store_id, order.business_on, order.shop_id, order.channel, order.source)
        member = order.member_id is not None
        sums = _sums(order.total_fen, 0, 1, int(member), order.total_fen if member else 0)
        row = rows.setdefault(tuple(key.values()), {**key, **_sums()})
        for name, value in sums.items():
            row[name] += value
    _upsert_many(session, SALES, list(SALES_KEY), list(rows.values()))


def apply_refund(session: Session, order: Order, refund: Refund) -> None:
    """Count a refund on the refund's own business day, under its order's shop, channel and source."""
    key = _sales_key(order.store_id, refund.business_on, order.shop_id, order.channel, order.source)
    _upsert(session, SALES, key, _sums(refunds=refund.amount_fen))


def apply_daily_total(session: Session, before: DailyTotal | None, after: DailyTotal | None) -> None:
    """Replace a declared daily total's contribution: take ``before`` out (None: new row), put ``after`` in."""
    for row, sign in ((before, -1), (after, 1)):
        if row is not None:
            key = _sales_key(row.store_id, row.business_on, row.shop_id, row.channel, row.source)
            _upsert(session, SALES, key, _sums(sign * row.revenue_fen, sign * row.refunds_fen, sign * row.orders))


def apply_footfall(session: Session, store_id: int, business_on: date, delta_in: int) -> None:
    """Add people counted in (negative when a corrected interval replaces a higher one)."""
    _upsert(session, FOOTFALL, {"store_id": store_id, "business_on": business_on}, {"footfall_in": delta_in})


def _in_range(column: Any, start: date | None, end: date | None) -> list[Any]:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end)
    return conditions


def _raw_sales(store_id: int, start: date | None, end: date | None) -> Any:
    """Orders, refunds and declared totals as one union of rollup-shaped rows."""
    member = col(Order.member_id).is_not(None)
    orders = (
        select(  # type: ignore[call-overload]
            Order.business_on,
            Order.shop_id,
            Order.channel,
            Order.source,
            func.sum(Order.total_fen).label("revenue_fen"),
            literal(0).label("refunds_fen"),
            func.count().label("orders"),
            func.sum(case((member, 1), else_=0)).label("member_orders"),
            func.sum(case((member, Order.total_fen), else_=0)).label("member_revenue_fen"),
        )
        .where(Order.store_id == store_id, *_in_range(Order.business_on, start, end))
        .group_by(Order.business_on, Order.shop_id, Order.channel, Order.source)
    )
    refunds = (
        select(  # type: ignore[call-overload]
            Refund.business_on,
            Order.shop_id,
            Order.channel,
            Order.source,
            literal(0),
            func.sum(Refund.amount_fen),
            literal(0),
            literal(0),
            literal(0),
        )
        .join(Order, col(Order.id) == Refund.order_id)
        .where(Refund.store_id == store_id, *_in_range(Refund.business_on, start, end))
        .group_by(Refund.business_on, Order.shop_id, Order.channel, Order.source)
    )
    totals = select(  # type: ignore[call-overload]
        DailyTotal.business_on,
        DailyTotal.shop_id,
        DailyTotal.channel,
        DailyTotal.source,
        DailyTotal.revenue_fen,
        DailyTotal.refunds_fen,
        DailyTotal.orders,
        literal(0),
        literal(0),
    ).where(DailyTotal.store_id == store_id, *_in_range(DailyTotal.business_on, start, end))
    return union_all(orders, refunds, totals).subquery("raw")


def rebuild(session: Session, store_id: int, start: date | None = None, end: date | None = None) -> None:
    """Recompute the rollups of ``start``..``end`` (default: all days) from the raw tables."""
    session.flush()
    session.exec(delete(SALES).where(SALES.c.store_id == store_id, *_in_range(SALES.c.business_on, start, end)))
    raw = _raw_sales(store_id, start, end)
    grouped = select(
        literal(store_id),
        raw.c.business_on,
        raw.c.shop_id,
        raw.c.channel,
        raw.c.source,
        *(func.sum(raw.c[name]) for name in SALES_SUMS),
    ).group_by(raw.c.business_on, raw.c.shop_id, raw.c.channel, raw.c.source)
    session.exec(SALES.insert().from_select([*SALES_KEY, *SALES_SUMS], grouped))
    session.exec(
        delete(FOOTFALL).where(FOOTFALL.c.store_id == store_id, *_in_range(FOOTFALL.c.business_on, start, end))
    )
    footfall = (
        select(  # type: ignore[call-overload]
            literal(store_id), FootfallCount.business_on, func.sum(FootfallCount.count_in)
        )
        .where(FootfallCount.store_id == store_id, *_in_range(FootfallCount.business_on, start, end))
        .group_by(FootfallCount.business_on)
    )
    session.exec(FOOTFALL.insert().from_select(["store_id", "business_on", "footfall_in"], footfall))


def channel_totals(session: Session, store_id: int, start: date, end: date) -> dict[Channel, int]:
    """Net revenue per channel over ``start``..``end`` (every channel present, 0 when none)."""
    query = (
        select(SALES.c.channel, func.sum(SALES.c.revenue_fen - SALES.c.refunds_fen))
        .where(SALES.c.store_id == store_id, SALES.c.business_on.between(start, end))
        .group_by(SALES.c.channel)
    )
    found = {row[0]: int(row[1] or 0) for row in fetch(session, query)}
    return {channel: found.get(channel.value, 0) for channel in Channel}


def online_member_orders(session: Session, store_id: int, start: date, end: date) -> tuple[int, int]:
    """(online orders placed by members, all online orders) over the range; online includes live."""
    query = select(func.sum(SALES.c.member_orders), func.sum(SALES.c.orders)).where(
        SALES.c.store_id == store_id, SALES.c.business_on.between(start, end), SALES.c.channel.in_(ONLINE_CHANNELS)
    )
    members, orders = fetch(session, query)[0]
    return int(members or 0), int(orders or 0)


def shops_with_pos_sales(session: Session, store_id: int, start: date, end: date) -> set[int]:
    """Shops whose own POS (our till or a captured receipt printer) posted sales in the range."""
    query = (
        select(SALES.c.shop_id)
        .distinct()
        .where(
            SALES.c.store_id == store_id,
            SALES.c.business_on.between(start, end),
            SALES.c.orders > 0,
            SALES.c.source.in_([source.value for source in POS_SOURCES]),
        )
    )
    return {row[0] for row in fetch(session, query)}


def series_for(
    session: Session,
    viewer: Viewer,
    *,
    start: date,
    end: date,
    grain: Grain,
    by: GroupBy,
    baseline: tuple[date, date] | None = None,
) -> list[KpiRow]:
    """``series`` as ``viewer`` may see it: tenant staff get their own shop's rows only.

    The range stops at the store's today, so the current month comes back marked partial."""
    store = premises_service.get_store(session, viewer.store_id)
    today = business_day(utcnow(), store.timezone)
    if start > today:
        raise PeriodError("after_today", start=start, today=today)
    end = min(end, today)
    return series(
        session, viewer.store_id, start=start, end=end, grain=grain, by=by, baseline=baseline, shop_id=viewer.shop_id
    )


def dashboard_for(session: Session, viewer: Viewer, *, today: date | None = None) -> Dashboard:
    """``dashboard`` of the store (tenant staff: of their shop); ``today`` defaults to the store's today."""
    if today is None:
        store = premises_service.get_store(session, viewer.store_id)
        today = business_day(utcnow(), store.timezone)
    return dashboard(session, viewer.store_id, today=today, shop_id=viewer.shop_id)
