"""Demo hook of delivery: about 45 % of the demo's online orders are delivered, the rest picked up.

Promises are fixed from each order's time, the store's cut-off (14:00) and the official calendar; before
the smart upgrade about 2 % miss the next day and same-day runs near 12 %, after it every order arrives
by the next working day and same-day reaches about 30 % (S7 3 points). Written set-based: one read of the
online orders, executemany inserts. Deterministic from ``ctx.rng("delivery")``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from store.clock import utcnow
from store.delivery import promise as promises
from store.delivery.models import DeliveryEvent, DeliveryOrder
from store.delivery.schemas import DeliveryLevel, DeliveryStatus, EventKind
from store.delivery.service import DEFAULT_CUTOFF
from store.premises import service as premises_service
from store.sales.models import Order

DELIVERED_SHARE = 0.45
COURIERS = ("顺丰同城", "达达", "美团配送", "闪送")
BATCH = 5_000


def _delivered_at(rng: Any, p: promises.Promise, upgraded: bool, placed_at: datetime) -> datetime:
    """A delivery time that keeps (or, rarely, misses) the promise."""
    if upgraded and p.level == DeliveryLevel.same_day and rng.random() < 0.82:
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
    now = utcnow()
    query = select(Order.id, Order.order_no, Order.shop_id, Order.ordered_at).where(
        Order.store_id == ctx.store_id, Order.channel == "online"
    )
    orders, events = [], []
    next_id = 1
    for order_id, order_no, shop_id, ordered_at in session.execute(query.order_by(Order.id)):
        if rng.random() >= DELIVERED_SHARE:
            continue
        upgraded = ordered_at.date() >= ctx.calendar.upgrade_on
        requested = None if upgraded or rng.random() < 0.4 else DeliveryLevel.next_day
        p = promises.make(ordered_at, tz, DEFAULT_CUTOFF, requested)
        delivered = _delivered_at(rng, p, upgraded, ordered_at)
        dispatched = ordered_at + (delivered - ordered_at) * 0.2
        handed = ordered_at + (delivered - ordered_at) * 0.35
        steps = [(EventKind.dispatched, dispatched), (EventKind.handed_over, handed), (EventKind.delivered, delivered)]
        steps = [(kind, at) for kind, at in steps if at <= now]
        courier = rng.choice(COURIERS)
        status = DeliveryStatus(steps[-1][0].value) if steps else DeliveryStatus.placed
        times = {f"{kind.value}_at": at for kind, at in steps}
        orders.append(
            {
                "id": next_id,
                "store_id": ctx.store_id,
                "shop_id": shop_id,
                "sales_order_id": order_id,
                "order_no": order_no,
                "level": p.level.value,
                "placed_at": ordered_at,
                "placed_on": p.placed_on,
                "promised_by": p.promised_by,
                "next_day_by": p.next_day_by,
                "status": status.value,
                "dispatched_at": times.get("dispatched_at"),
                "handed_over_at": times.get("handed_over_at"),
                "delivered_at": times.get("delivered_at"),
                "courier": courier,
                "tracking_no": f"SIM{next_id:08d}",
                "created_at": ordered_at,
            }
        )
        events += [
            {"delivery_order_id": next_id, "kind": kind.value, "at": at, "courier": courier, "received_at": at}
            for kind, at in steps
        ]
        next_id += 1
    conn = session.connection()
    for start in range(0, len(orders), BATCH):
        conn.execute(insert(DeliveryOrder.__table__), orders[start : start + BATCH])  # type: ignore[attr-defined]
    for start in range(0, len(events), BATCH * 3):
        conn.execute(insert(DeliveryEvent.__table__), events[start : start + BATCH * 3])  # type: ignore[attr-defined]
    if conn.dialect.name == "postgresql" and orders:  # ids were ours: move the sequence past them
        conn.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('delivery_order', 'id'), (SELECT MAX(id) FROM delivery_order))"
        )
    ctx.echo(f"demo: delivery   {len(orders):,} deliveries, {len(events):,} courier events")
