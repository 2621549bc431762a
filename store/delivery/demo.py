"""Demo hook of delivery: about 45 % of the demo's online orders are delivered, the rest picked up.

Promises are fixed from each order's time, the store's cut-off (17:00 in the demo) and the official calendar; before
the smart upgrade about 2 % miss the next day and same-day runs near 12 %, after it every order arrives
by the next working day and same-day reaches about 30 % (S7 3 points). Written set-based: one read of the
online orders, one executemany per table straight on the driver (datetimes converted once, not by
SQLAlchemy's per-value bind processing, which cost more than the inserts). Courier events are written for
the last ``EVENT_DAYS`` days (the order rows carry every step's time). Deterministic from
``ctx.rng("delivery")``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlmodel import col

from store.clock import utcnow
from store.delivery import promise as promises
from store.delivery import service as delivery_service
from store.delivery.schemas import DeliveryLevel, DeliveryStatus, EventKind
from store.premises import service as premises_service
from store.sales.models import Order

DELIVERED_SHARE = 0.45
COURIERS = ("顺丰同城", "达达", "美团配送", "闪送")
BATCH = 5_000
DEMO_CUTOFF = time(17, 0)  # the demo store takes same-day orders until 17:00
EVENT_DAYS = 60
ORDER_COLUMNS = (
    "id",
    "store_id",
    "shop_id",
    "sales_order_id",
    "order_no",
    "level",
    "placed_at",
    "placed_on",
    "promised_by",
    "next_day_by",
    "status",
    "dispatched_at",
    "handed_over_at",
    "delivered_at",
    "courier",
    "tracking_no",
    "created_at",
)
EVENT_COLUMNS = ("delivery_order_id", "kind", "at", "courier", "received_at")


def _plain(sqlite: bool) -> Callable[[datetime | None], Any]:
    """A datetime as the driver stores it: naive UTC text on SQLite (as AwareDateTime writes), aware on PostgreSQL."""

    def value(moment: datetime | None) -> Any:
        if moment is None or not sqlite:
            return moment
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    return value


def _insert(conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    for start in range(0, len(rows), BATCH):
        conn.exec_driver_sql(sql, rows[start : start + BATCH])  # type: ignore[arg-type]


def _delivered_at(rng: Any, p: promises.Promise, upgraded: bool, placed_at: datetime) -> datetime:
    """A delivery time that keeps (or, rarely, misses) the promise."""
    if upgraded and p.level == DeliveryLevel.same_day and rng.random() < 0.9:
        return min(placed_at + timedelta(minutes=rng.randint(90, 420)), p.promised_by - timedelta(minutes=5))
    if not upgraded and rng.random() < 0.02:
        return p.next_day_by + timedelta(minutes=rng.randint(30, 900))  # late
    if not upgraded and p.level == DeliveryLevel.same_day and rng.random() < 0.35:
        return min(placed_at + timedelta(minutes=rng.randint(120, 480)), p.promised_by - timedelta(minutes=5))
    return p.next_day_by - timedelta(minutes=rng.randint(60, 600))


def generate(ctx: Any) -> None:
    """Deliveries for a share of the online orders, with their dispatch, hand-over and delivery events."""
    session = ctx.session
    rng = ctx.rng("delivery")
    tz = premises_service.get_store(session, ctx.store_id).timezone
    zone = ZoneInfo(tz)
    delivery_service.set_cutoff(session, ctx.store_id, DEMO_CUTOFF)
    now = utcnow()
    query = select(col(Order.id), col(Order.order_no), col(Order.shop_id), col(Order.ordered_at)).where(
        col(Order.store_id) == ctx.store_id, col(Order.channel) == "online"
    )
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    dt = _plain(sqlite)
    events_from = now - timedelta(days=EVENT_DAYS)
    orders: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    promised: dict[tuple[date, bool, bool], promises.Promise] = {}
    for order_id, order_no, shop_id, ordered_at in session.execute(query.order_by(col(Order.id))):
        if rng.random() >= DELIVERED_SHARE:
            continue
        upgraded = ordered_at.date() >= ctx.calendar.upgrade_on
        requested = None if upgraded or rng.random() < 0.4 else DeliveryLevel.next_day
        local = ordered_at.astimezone(zone)
        key = (local.date(), local.time() < DEMO_CUTOFF, requested is None)
        if key not in promised:  # the promise depends only on the day, the cut-off side and the request
            promised[key] = promises.make(ordered_at, tz, DEMO_CUTOFF, requested)
        p = promised[key]
        delivered = _delivered_at(rng, p, upgraded, ordered_at)
        dispatched = ordered_at + (delivered - ordered_at) * 0.2
        handed = ordered_at + (delivered - ordered_at) * 0.35
        steps = [(EventKind.dispatched, dispatched), (EventKind.handed_over, handed), (EventKind.delivered, delivered)]
        steps = [(kind, at) for kind, at in steps if at <= now]
        courier = rng.choice(COURIERS)
        status = DeliveryStatus(steps[-1][0].value) if steps else DeliveryStatus.placed
        times = {kind: at for kind, at in steps}
        n = len(orders) + 1
        orders.append(
            (
                n,
                ctx.store_id,
                shop_id,
                order_id,
                order_no,
                p.level.value,
                dt(ordered_at),
                p.placed_on.isoformat() if sqlite else p.placed_on,
                dt(p.promised_by),
                dt(p.next_day_by),
                status.value,
                dt(times.get(EventKind.dispatched)),
                dt(times.get(EventKind.handed_over)),
                dt(times.get(EventKind.delivered)),
                courier,
                f"SIM{n:08d}",
                dt(ordered_at),
            )
        )
        if ordered_at >= events_from:
            events += [(n, kind.value, dt(at), courier, dt(at)) for kind, at in steps]
    _insert(conn, "delivery_order", ORDER_COLUMNS, orders)
    _insert(conn, "delivery_event", EVENT_COLUMNS, events)
    if conn.dialect.name == "postgresql" and orders:  # ids were ours: move the sequence past them
        conn.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('delivery_order', 'id'), (SELECT MAX(id) FROM delivery_order))"
        )
    ctx.echo(f"demo: delivery   {len(orders):,} deliveries, {len(events):,} courier events")
