"""Delivery SLA over a year of deliveries, the S7 evaluator, the promise, and courier events.

    .venv/bin/python bench/bench_delivery.py [--orders 200000] [--db-url URL]

Without ``--db-url`` the data goes into ``var/bench/delivery-<orders>.db`` (SQLite), built on the first
run and reused after; a PostgreSQL URL must name an existing, empty database (it is migrated and filled).
The year 2025 gets ``--orders`` online orders with their deliveries (written set-based, as the demo does),
every one delivered. Printed: seconds for the monthly SLA over the year (cold, then best of three), for
the S7 evaluator over the year, microseconds per promise (``promise.make``) and courier events recorded
per second through ``delivery_service.record_event`` (one unit of work per 100 events).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2025
TZ = "Asia/Shanghai"


def _point_settings_at(url: str) -> None:
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    from store import config, db

    config.get_settings.cache_clear()
    db.dispose_engines()


def build(url: str, orders: int) -> int:
    """Migrate and fill (once); returns the store id."""
    _point_settings_at(url)
    from sqlmodel import Session, select

    from store import migrate
    from store.db import get_engine, unit_of_work
    from store.delivery import promise
    from store.delivery.service import DEFAULT_CUTOFF
    from store.premises.models import Floor, Shop, Store

    engine = get_engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        found = session.exec(select(Store)).first()
        if found is not None:
            return found.id  # type: ignore[return-value]
    started = time.perf_counter()
    rng = random.Random(7)
    with unit_of_work(engine) as session:
        store = Store(code="BENCH", name="配送测试", timezone=TZ)
        session.add(store)
        session.flush()
        floor = Floor(store_id=store.id, code="1F", name="一楼", level=1)  # type: ignore[arg-type]
        session.add(floor)
        session.flush()
        shop = Shop(
            store_id=store.id,  # type: ignore[arg-type]
            floor_id=floor.id,  # type: ignore[arg-type]
            code="WEB",
            name="线上",
            category="online",
            selling_area_m2=1,
            opened_on=date(2020, 1, 1),
        )
        session.add(shop)
        session.flush()
        conn = session.connection()
        sqlite = conn.dialect.name == "sqlite"
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"

        def dt(moment: datetime) -> object:
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment

        first = datetime(YEAR, 1, 1, tzinfo=UTC) - timedelta(hours=8)
        span = 365 * 24 * 3600
        sales, deliveries = [], []
        for n in range(1, orders + 1):
            placed = first + timedelta(seconds=rng.randrange(span))
            p = promise.make(placed, TZ, DEFAULT_CUTOFF)
            delivered = p.promised_by - timedelta(minutes=rng.randint(30, 600))
            delivered = max(delivered, placed + timedelta(minutes=30))
            day = p.placed_on.isoformat() if sqlite else p.placed_on
            sales.append(
                (
                    n,
                    store.id,
                    shop.id,
                    f"W{n:09d}",
                    "online",
                    "online_mall",
                    dt(placed),
                    day,
                    10000,
                    0,
                    10000,
                    0,
                    dt(placed),
                )
            )
            deliveries.append(
                (
                    n,
                    store.id,
                    shop.id,
                    n,
                    f"W{n:09d}",
                    p.level.value,
                    dt(placed),
                    day,
                    dt(p.promised_by),
                    dt(p.next_day_by),
                    "delivered",
                    dt(delivered),
                    "sim",
                    "",
                    dt(placed),
                )
            )
        sales_cols = (
            "id, store_id, shop_id, order_no, channel, source, ordered_at, business_on, subtotal_fen, "
            "discount_fen, total_fen, refunded_fen, created_at"
        )
        delivery_cols = (
            "id, store_id, shop_id, sales_order_id, order_no, level, placed_at, placed_on, promised_by, "
            "next_day_by, status, delivered_at, courier, tracking_no, created_at"
        )
        for table, cols, rows in (("sales_order", sales_cols, sales), ("delivery_order", delivery_cols, deliveries)):
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join([mark] * len(rows[0]))})"
            for start in range(0, len(rows), 10_000):
                conn.exec_driver_sql(sql, rows[start : start + 10_000])  # type: ignore[arg-type]
        if not sqlite:
            for table in ("sales_order", "delivery_order"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
        store_id = store.id
    print(f"built {orders:,} delivered orders of {YEAR} in {time.perf_counter() - started:.1f} s")
    return store_id  # type: ignore[return-value]


def measure(store_id: int) -> None:
    from sqlalchemy import delete
    from sqlmodel import Session, col

    from store.assessment.evaluators.context import EvalContext, Period
    from store.assessment.evaluators.omni import evaluate_s7
    from store.db import get_engine, unit_of_work
    from store.delivery import promise
    from store.delivery import service as delivery_service
    from store.delivery.models import DeliveryEvent
    from store.delivery.schemas import CourierEvent, DeliveryLevel, EventKind
    from store.premises.models import Store

    engine = get_engine()
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    now = datetime(YEAR + 1, 1, 15, tzinfo=UTC)
    times, cpu = [], []
    for _ in range(4):
        with Session(engine) as session:
            began, began_cpu = time.perf_counter(), time.process_time()
            months = delivery_service.monthly_sla(session, store_id, start, end, now=now)
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
    measured = sum(m.measured for m in months)
    print(
        f"monthly SLA over {YEAR}: {measured:,} orders in {len(months)} months: "
        f"cold {times[0]:.3f} s, warm {min(times[1:]):.3f} s (CPU {min(cpu[1:]):.3f} s)"
    )
    with Session(engine) as session:
        store = session.get(Store, store_id)
        assert store is not None
        period = Period(start, date(YEAR, 12, 1), start, end, now.date())
        began = time.perf_counter()
        row = evaluate_s7(EvalContext(session=session, store=store, period=period, now=now))
        print(f"S7 evaluator over {YEAR}: {time.perf_counter() - began:.3f} s → {row.points} pts")
    placed = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    began = time.perf_counter()
    for n in range(20_000):
        promise.make(placed + timedelta(minutes=n * 7), TZ, delivery_service.DEFAULT_CUTOFF, DeliveryLevel.same_day)
    print(f"promise.make: {(time.perf_counter() - began) / 20_000 * 1e6:.1f} µs per order")
    # Courier events: fresh deliveries of today's orders, each handed over then delivered.

    with unit_of_work(engine) as session:
        rows = delivery_service.list_deliveries(session, store_id, date(YEAR, 12, 1), end, limit=1_000)
        for row in rows:
            row.delivered_at, row.handed_over_at, row.status = None, None, "placed"  # type: ignore[assignment]
            session.add(row)
        ids = [r.id for r in rows]
        session.exec(delete(DeliveryEvent).where(col(DeliveryEvent.delivery_order_id).in_(ids)))  # type: ignore[call-overload]
        numbers = [(r.order_no, r.placed_at) for r in rows]
    began = time.perf_counter()
    for chunk in range(0, len(numbers), 100):
        with unit_of_work(engine) as session:
            for order_no, placed_at in numbers[chunk : chunk + 100]:
                for kind, minutes in ((EventKind.handed_over, 60), (EventKind.delivered, 180)):
                    event = CourierEvent(order_no, kind, placed_at + timedelta(minutes=minutes), courier="sim")
                    delivery_service.record_event(session, store_id, event, now=now)
    spent = time.perf_counter() - began
    print(f"courier events: {2 * len(numbers):,} recorded in {spent:.2f} s ({2 * len(numbers) / spent:,.0f} events/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--db-url", default=None)
    args = parser.parse_args()
    url = args.db_url
    if url is None:
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / f'delivery-{args.orders}.db'}"
    measure(build(url, args.orders))


if __name__ == "__main__":
    main()
