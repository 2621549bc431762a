"""KPI rollups: kept up to date by every sale, refund, declared total and footfall interval.

The write side adds the change of one raw row to its day's rollup (an upsert that increments), so a
new sale never recomputes history. ``replace_sales_days`` and ``replace_footfall_days`` replace a range
with rows the owning domain recomputed from its raw tables (``store.sales.rollups.rebuild``,
``store.footfall.rollups.rebuild``: demo, imports, the nightly job), and that gives the same rows
(tests/kpi/test_incremental.py proves it on random data). The kpi domain imports neither sales nor
footfall: they call it, never the other way round. The read side
(``series``, ``dashboard``, ``monthly``) lives in ``store.kpi.figures`` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import Connection, Table, delete, func, literal, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from store import driver_sql
from store.clock import business_day, utcnow
from store.kpi.errors import PeriodError
from store.kpi.figures import (  # noqa: F401  (the read side)
    ShopFilter,
    dashboard,
    fetch,
    first_sales_day,
    monthly,
    series,
    series_beside_baseline,
    week_key,
)
from store.kpi.models import FOOTFALL_TABLE, SALES_KEY, SALES_SUMS, SALES_TABLE
from store.kpi.schemas import Dashboard, Grain, GroupBy, KpiRow
from store.premises import service as premises_service
from store.scoping import Viewer


# What the rollups read of sales' rows (``store.sales.models``): the kpi domain sits below sales and
# imports nothing of it, not even for type hints, so it states the attributes it needs.
class OrderRow(Protocol):
    store_id: int
    business_on: date
    shop_id: int
    channel: Any
    source: Any
    member_id: int | None
    total_fen: int


class RefundRow(Protocol):
    business_on: date
    amount_fen: int


class DailyTotalRow(Protocol):
    store_id: int
    business_on: date
    shop_id: int
    channel: Any
    source: Any
    revenue_fen: int
    refunds_fen: int
    orders: int


SALES, FOOTFALL = SALES_TABLE, FOOTFALL_TABLE


def _upsert(session: Session, table: Table, key: dict[str, Any], sums: dict[str, int]) -> None:
    """Insert the row, or add ``sums`` to the existing one (SQLite and PostgreSQL alike)."""
    _upsert_many(session, table, list(key), [{**key, **sums}])


def _upsert_many(
    session: Session, table: Table, key: list[str], rows: list[dict[str, Any]], *, conn: Connection | None = None
) -> None:
    """:func:`_upsert` of many rows (distinct keys, the same columns) in one statement."""
    if rows:
        conn = conn or session.connection()
        sums = tuple(name for name in rows[0] if name not in key)
        stmt = _upsert_statement(conn.dialect.name, table, tuple(key), sums)
        driver_sql.execute_many(conn, stmt, rows)  # every sale runs it: straight to the driver


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


def apply_order(session: Session, order: OrderRow) -> None:
    """Count a new order on its business day."""
    apply_orders(session, [order])


def apply_orders(session: Session, orders: Iterable[Any], *, conn: Connection | None = None) -> None:
    """Count new orders on their business days: one upsert per rollup row they touch, in one statement.

    ``orders`` are ``Order`` rows or anything with the same attributes (the till hot path passes the
    values it inserted, and the session's connection it holds).
    """
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for order in orders:
        key = _sales_key(order.store_id, order.business_on, order.shop_id, order.channel, order.source)
        member = order.member_id is not None
        sums = _sums(order.total_fen, 0, 1, int(member), order.total_fen if member else 0)
        row = rows.setdefault(tuple(key.values()), {**key, **_sums()})
        for name, value in sums.items():
            row[name] += value
    _upsert_many(session, SALES, list(SALES_KEY), list(rows.values()), conn=conn)


def apply_member_attached(session: Session, order: OrderRow) -> None:
    """Count an existing order as a member's from now on (a member named after the sale, e.g. at a till's sync)."""
    key = _sales_key(order.store_id, order.business_on, order.shop_id, order.channel, order.source)
    _upsert(session, SALES, key, _sums(member_orders=1, member_revenue=order.total_fen))


def apply_refund(session: Session, order: OrderRow, refund: RefundRow) -> None:
    """Count a refund on the refund's own business day, under its order's shop, channel and source."""
    key = _sales_key(order.store_id, refund.business_on, order.shop_id, order.channel, order.source)
    _upsert(session, SALES, key, _sums(refunds=refund.amount_fen))


def apply_daily_total(session: Session, before: DailyTotalRow | None, after: DailyTotalRow | None) -> None:
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


def replace_sales_days(session: Session, store_id: int, start: date | None, end: date | None, rows: Any) -> None:
    """Replace the sales rollups of ``start``..``end`` (None: open) with ``rows``, in two statements.

    ``rows`` is a query the sales domain builds from its raw rows (``store.sales.rollups``): columns
    ``business_on, shop_id, channel, source`` and the ``SALES_SUMS``, one or more rows per rollup key
    (they are summed here), all within the range. The kpi domain never reads the raw tables itself."""
    session.flush()
    session.exec(delete(SALES).where(SALES.c.store_id == store_id, *_in_range(SALES.c.business_on, start, end)))
    raw = rows.subquery("raw")
    grouped = select(
        literal(store_id),
        raw.c.business_on,
        raw.c.shop_id,
        raw.c.channel,
        raw.c.source,
        *(func.sum(raw.c[name]) for name in SALES_SUMS),
    ).group_by(raw.c.business_on, raw.c.shop_id, raw.c.channel, raw.c.source)
    session.exec(SALES.insert().from_select([*SALES_KEY, *SALES_SUMS], grouped))


def replace_footfall_days(session: Session, store_id: int, start: date | None, end: date | None, rows: Any) -> None:
    """Replace the footfall rollups of ``start``..``end`` with ``rows`` (columns ``business_on, footfall_in``),
    a query the footfall domain builds from its raw counts (``store.footfall.rollups``); summed per day here."""
    session.flush()
    session.exec(
        delete(FOOTFALL).where(FOOTFALL.c.store_id == store_id, *_in_range(FOOTFALL.c.business_on, start, end))
    )
    raw = rows.subquery("raw")
    grouped = select(literal(store_id), raw.c.business_on, func.sum(raw.c.footfall_in)).group_by(raw.c.business_on)
    session.exec(FOOTFALL.insert().from_select(["store_id", "business_on", "footfall_in"], grouped))


def _add_rows(session: Session, table: Table, key: list[str], sums: list[str], grouped: Any) -> None:
    """Upsert ``grouped`` (one row per key) into ``table``, adding its sums to a row already there."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).from_select([*key, *sums], grouped)
    stmt = stmt.on_conflict_do_update(
        index_elements=key, set_={name: table.c[name] + stmt.excluded[name] for name in sums}
    )
    session.exec(stmt)


def add_sales_days(session: Session, store_id: int, rows: Any) -> None:
    """Add ``rows`` (shaped as for ``replace_sales_days``; any number per key) to the sales rollups in one
    statement: the set-based ``apply_*`` of a bulk write (imports), so history is not recomputed."""
    raw = rows.subquery("raw")
    grouped = (
        select(
            literal(store_id),
            raw.c.business_on,
            raw.c.shop_id,
            raw.c.channel,
            raw.c.source,
            *(func.sum(raw.c[name]) for name in SALES_SUMS),
        )
        .where(true())  # SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT
        .group_by(raw.c.business_on, raw.c.shop_id, raw.c.channel, raw.c.source)
    )
    _add_rows(session, SALES, list(SALES_KEY), list(SALES_SUMS), grouped)


def add_footfall_days(session: Session, store_id: int, rows: Any) -> None:
    """Add ``rows`` (columns ``business_on, footfall_in``) to the footfall rollups in one statement."""
    raw = rows.subquery("raw")
    grouped = (
        select(literal(store_id), raw.c.business_on, func.sum(raw.c.footfall_in))
        .where(true())
        .group_by(raw.c.business_on)
    )
    _add_rows(session, FOOTFALL, ["store_id", "business_on"], ["footfall_in"], grouped)


def net_revenue_by_channel(session: Session, store_id: int, start: date, end: date) -> dict[str, int]:
    """Net revenue per channel (as stored) over ``start``..``end``; channels without rows are absent."""
    query = (
        select(SALES.c.channel, func.sum(SALES.c.revenue_fen - SALES.c.refunds_fen))
        .where(SALES.c.store_id == store_id, SALES.c.business_on.between(start, end))
        .group_by(SALES.c.channel)
    )
    return {row[0]: int(row[1] or 0) for row in fetch(session, query)}


def sums_by_channel(session: Session, store_id: int, start: date, end: date) -> dict[str, tuple[int, int, int]]:
    """Per channel (as stored) over ``start``..``end``: (net revenue, orders, orders placed by members), in
    one scan of the rollups; channels without rows are absent."""
    query = (
        select(
            SALES.c.channel,
            func.sum(SALES.c.revenue_fen - SALES.c.refunds_fen),
            func.sum(SALES.c.orders),
            func.sum(SALES.c.member_orders),
        )
        .where(SALES.c.store_id == store_id, SALES.c.business_on.between(start, end))
        .group_by(SALES.c.channel)
    )
    return {row[0]: (int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)) for row in fetch(session, query)}


def member_orders(
    session: Session, store_id: int, start: date, end: date, channels: Collection[str]
) -> tuple[int, int]:
    """(orders placed by members, all orders) through ``channels`` over the range."""
    query = select(func.sum(SALES.c.member_orders), func.sum(SALES.c.orders)).where(
        SALES.c.store_id == store_id, SALES.c.business_on.between(start, end), SALES.c.channel.in_(list(channels))
    )
    members, orders = fetch(session, query)[0]
    return int(members or 0), int(orders or 0)


def shops_with_orders(session: Session, store_id: int, start: date, end: date, sources: Collection[str]) -> set[int]:
    """Shops with at least one order from one of ``sources`` in the range."""
    query = (
        select(SALES.c.shop_id)
        .distinct()
        .where(
            SALES.c.store_id == store_id,
            SALES.c.business_on.between(start, end),
            SALES.c.orders > 0,
            SALES.c.source.in_(list(sources)),
        )
    )
    return {row[0] for row in fetch(session, query)}


def shops_with_orders_by_source(
    session: Session, store_id: int, start: date, end: date, sources: Collection[str]
) -> dict[str, set[int]]:
    """Per source of ``sources``: the shops with at least one order from it in the range (one scan)."""
    query = (
        select(SALES.c.source, SALES.c.shop_id)
        .distinct()
        .where(
            SALES.c.store_id == store_id,
            SALES.c.business_on.between(start, end),
            SALES.c.orders > 0,
            SALES.c.source.in_(list(sources)),
        )
    )
    found: dict[str, set[int]] = {source: set() for source in sources}
    for source, shop_id in fetch(session, query):
        found[source].add(shop_id)
    return found


def revenue_by_shop_source(session: Session, store_id: int, start: date, end: date) -> dict[tuple[int, str], int]:
    """Gross revenue (what was paid, before refunds) per (shop, source) over the range (receipt capture's
    reconciliation: tills vs captured receipts vs declared turnover)."""
    query = (
        select(SALES.c.shop_id, SALES.c.source, func.sum(SALES.c.revenue_fen))
        .where(SALES.c.store_id == store_id, SALES.c.business_on.between(start, end))
        .group_by(SALES.c.shop_id, SALES.c.source)
    )
    return {(row[0], row[1]): int(row[2] or 0) for row in fetch(session, query)}


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


def rebuild_recent(
    session: Session, rebuild: Callable[[Session, int, date, date], None], *, days_back: int = 3
) -> list[str]:
    """Run an owner's ``rebuild`` over the last ``days_back`` business days (and today) of every store.

    The nightly safety net of the sales and footfall rollups: each owner passes its own rebuild (kpi
    reads neither's rows). Returns the codes of the stores rebuilt."""
    done = []
    for store in premises_service.list_stores(session):  # every store of the deployment
        today = business_day(utcnow(), store.timezone)
        rebuild(session, store.id, today - timedelta(days=days_back), today)  # type: ignore[arg-type]
        done.append(store.code)
    return done
