"""The sales side of the KPI rollups: recompute a range of days from the raw rows, and read the rollups
by what sales means by a channel or a source.

``rebuild`` is what imports, the demo and the nightly job call after writing orders, refunds or
declared totals without the row-by-row ``kpi_service.apply_*``: it sums the raw rows per rollup key in
SQL and hands the query to ``kpi_service.replace_sales_days``, so the kpi domain never reads sales tables.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, func, literal, select, union_all
from sqlmodel import Session, col

from store.kpi import service as kpi_service
from store.sales.models import DailyTotal, Order, Refund
from store.sales.schemas import POS_SOURCES, Channel

# S4 线上交易额占比 / S5: live-stream selling is online trade too.
ONLINE_CHANNELS = (Channel.online, Channel.live)


def _in_range(column: Any, start: date | None, end: date | None) -> list[Any]:
    return [
        *([column >= start] if start is not None else []),
        *([column <= end] if end is not None else []),
    ]


def raw_rows(store_id: int, start: date | None = None, end: date | None = None) -> Any:
    """Orders, refunds and declared totals of the range as one union of rollup-shaped rows."""
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
    return union_all(orders, refunds, totals)


def rebuild(session: Session, store_id: int, start: date | None = None, end: date | None = None) -> None:
    """Recompute the sales rollups of ``start``..``end`` (default: every day) from the raw rows."""
    kpi_service.replace_sales_days(session, store_id, start, end, raw_rows(store_id, start, end))


def channel_totals(session: Session, store_id: int, start: date, end: date) -> dict[Channel, int]:
    """Net revenue per channel over ``start``..``end`` (every channel present, 0 when none)."""
    found = kpi_service.net_revenue_by_channel(session, store_id, start, end)
    return {channel: found.get(channel.value, 0) for channel in Channel}


def online_member_orders(session: Session, store_id: int, start: date, end: date) -> tuple[int, int]:
    """(online orders placed by members, all online orders) over the range; online includes live."""
    return kpi_service.member_orders(session, store_id, start, end, [c.value for c in ONLINE_CHANNELS])


def channel_sums(session: Session, store_id: int, start: date, end: date) -> dict[Channel, tuple[int, int, int]]:
    """Per channel over ``start``..``end`` (every channel present, zeros when none): (net revenue, orders,
    orders placed by members), one read of the rollups for what ``channel_totals`` and
    ``online_member_orders`` say."""
    found = kpi_service.sums_by_channel(session, store_id, start, end)
    return {channel: found.get(channel.value, (0, 0, 0)) for channel in Channel}


def shops_with_pos_sales(session: Session, store_id: int, start: date, end: date) -> set[int]:
    """Shops whose own POS (our till or a captured receipt printer) posted sales in the range."""
    return kpi_service.shops_with_orders(session, store_id, start, end, [s.value for s in POS_SOURCES])
