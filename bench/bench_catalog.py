"""The catalogue at demo scale: the demo hook, the S6 parity report, a till's full sync, a pre-save check.

    .venv/bin/python bench/bench_catalog.py [--db-url URL] [--repeat 3]

Builds the premises and catalogue demo hooks (about 60,000 SKUs, a month of price history) into a fresh
database (default ``var/bench/catalog.db``, SQLite, deleted first; a PostgreSQL URL must name an empty
database) and prints:

* the catalogue demo hook's seconds (set-based inserts);
* the parity report over the last 30 days for every SKU (cold, then the best of ``--repeat``);
* a till's full catalogue sync: every page of 1,000 SKUs with the resolver's prices, JSON-encoded as the
  API sends it (seconds and payload bytes; no HTTP);
* the pre-save parity check of one price change (``S6 share a% → b%``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = args.db_url
    if url is None:
        path = ROOT / "var" / "bench" / "catalog.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    from store import config, db, migrate

    config.get_settings.cache_clear()
    db.dispose_engines()
    engine = db.get_engine()
    migrate.upgrade(engine)

    from sqlmodel import Session

    from store.catalog import demo as catalog_demo
    from store.catalog import parity, sync
    from store.catalog import service as catalog_service
    from store.catalog.schemas import PriceChannel
    from store.clock import day_bounds_utc, utcnow
    from store.demo import DemoContext, DemoOptions
    from store.demo.calendar import DemoCalendar
    from store.premises import demo as premises_demo

    end_on = date.today() - timedelta(days=1)
    with Session(engine) as session:
        ctx = DemoContext(
            session=session,
            options=DemoOptions(scale=1.0, end_on=end_on),
            start_on=end_on - timedelta(days=729),
            end_on=end_on,
            calendar=DemoCalendar(upgrade_on=end_on - timedelta(days=365)),
            echo=lambda line: print("  " + line),
        )
        premises_demo.generate(ctx)
        session.flush()
        started, cpu = time.perf_counter(), time.process_time()
        catalog_demo.generate(ctx)
        session.commit()
        print(f"catalog demo hook: {time.perf_counter() - started:.2f} s (CPU {time.process_time() - cpu:.2f} s)")
        store_id = ctx.store_id
        assert store_id is not None

    end = day_bounds_utc(end_on, "Asia/Shanghai")[1]
    start = end - timedelta(days=30)
    timings, cpus = [], []
    for _ in range(1 + args.repeat):
        with Session(engine) as session:
            started, cpu = time.perf_counter(), time.process_time()
            found = parity.report(session, store_id, start, end)
            timings.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
    print(
        f"parity report, {found.total.counted:,} SKUs on sale, 30 days: cold {timings[0]:.2f} s, "
        f"warm {min(timings[1:]):.2f} s (CPU {min(cpus[1:]):.2f} s); share {found.total.percent}% "
        f"({len(found.drifted):,} drifted)"
    )

    with Session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        cursor, pages, size, items = None, 0, 0, 0
        now = utcnow()
        while True:
            page = sync.page(session, store_id, shop_id=None, cursor=cursor, limit=1000, now=now)
            size += len(page.model_dump_json().encode())
            pages, items, cursor = pages + 1, items + len(page.items), page.next_cursor
            if not page.more:
                break
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"till sync, all SKUs: {items:,} SKUs in {pages} pages, {seconds:.2f} s (CPU {cpu:.2f} s), "
        f"{size / 1e6:.1f} MB JSON"
    )

    with Session(engine) as session:
        code = session.execute(catalog_service.select(catalog_service.Sku.code).limit(1)).scalar_one()
        started, cpu = time.perf_counter(), time.process_time()
        shown = parity.preview(session, store_id, code, PriceChannel.online, 1, utcnow())
        print(
            f"pre-save parity check: {time.perf_counter() - started:.2f} s "
            f"(CPU {time.process_time() - cpu:.2f} s; {shown.message})"
        )


if __name__ == "__main__":
    main()
