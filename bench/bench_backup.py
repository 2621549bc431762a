"""Backup, restore drill and a till selling during the backup, on the demo store.

    .venv/bin/python bench/bench_backup.py [--scale 0.05] [--days 120] [--db-url URL] [--seconds 3]

Without ``--db-url`` the demo goes into ``var/bench/backup-<scale>-<days>.db`` (SQLite), built on the
first run and reused after; a PostgreSQL URL must name an existing database (an empty one is migrated
and filled). Printed: the database's rows, the backup's seconds and size, the drill's seconds, and a
till posting sales through the sales service (its own unit of work per sale, as the API does) before
and during the backup: sales, p50 and p99 milliseconds, failures. Backups go to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _point_settings_at(url: str) -> None:
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    from store import config, db

    config.get_settings.cache_clear()
    db.dispose_engines()


def ensure_demo(url: str, scale: float, days: int) -> None:
    _point_settings_at(url)
    from sqlmodel import Session, select

    from store import migrate
    from store.db import get_engine
    from store.demo import DemoOptions, generate
    from store.premises.models import Store

    engine = get_engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        if session.exec(select(Store)).first() is not None:
            return
    started = time.perf_counter()
    generate(DemoOptions(scale=scale, days=days), echo=lambda _line: None)
    print(f"demo at scale {scale}, {days} days built in {time.perf_counter() - started:.1f} s")


class Till(threading.Thread):
    """Posts one sale after another; records each sale's milliseconds and when it finished."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.samples: list[tuple[float, float]] = []  # (finished at, ms)
        self.failures = 0

    def run(self) -> None:
        from datetime import timedelta

        from sqlmodel import select

        from store.clock import utcnow
        from store.db import WRITE_INTENT, get_engine, unit_of_work
        from store.premises.models import Shop
        from store.sales import service as sales_service
        from store.sales.schemas import OrderCreate

        writer = get_engine().execution_options(**{WRITE_INTENT: True})
        with unit_of_work(writer) as session:
            shop = session.exec(select(Shop).where(Shop.closed_on == None)).first()  # noqa: E711
            assert shop is not None
            store_id, shop_id = shop.store_id, shop.id
        n = 0
        while not self.stop.is_set():
            n += 1
            data = OrderCreate.model_validate(
                {
                    "order_no": f"BENCH-{os.getpid()}-{time.time_ns()}-{n}",
                    "shop_id": shop_id,
                    "ordered_at": utcnow() - timedelta(minutes=1),
                    "subtotal_fen": 9_900,
                    "total_fen": 9_900,
                    "lines": [
                        {"sku": "B1", "name": "bench", "quantity": 1, "unit_price_fen": 9_900, "total_fen": 9_900}
                    ],
                    "payments": [{"method": "wechat", "amount_fen": 9_900}],
                }
            )
            started = time.perf_counter()
            try:
                with unit_of_work(writer) as session:
                    sales_service.create_order(session, store_id, data)
            except Exception:
                self.failures += 1
                continue
            done = time.perf_counter()
            self.samples.append((done, (done - started) * 1000))


def _summary(samples: list[float]) -> str:
    if not samples:
        return "no sales"
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{len(samples):>5} sales  p50 {statistics.median(ordered):6.1f} ms  p99 {p99:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--seconds", type=float, default=3.0, help="till alone before the backup")
    args = parser.parse_args()
    url = args.db_url or f"sqlite:///{ROOT / 'var' / 'bench' / f'backup-{args.scale}-{args.days}.db'}"
    ensure_demo(url, args.scale, args.days)

    from store.backup import service as backup_service

    till = Till()
    till.start()
    time.sleep(args.seconds)
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        result = backup_service.backup(directory=Path(folder), keep=1)
        ended = time.perf_counter()
        time.sleep(0.5)
        till.stop.set()
        till.join()
        started = time.perf_counter()
        report, drill = backup_service.drill(result.path)
        drilled = time.perf_counter() - started
    rows = sum(result.manifest.tables.values())
    print(f"database:  {result.manifest.backend}, {len(result.manifest.tables)} tables, {rows:,} rows")
    print(f"backup:    {ended - began:.2f} s, {result.manifest.size_bytes / 2**20:.1f} MiB ({result.manifest.check})")
    print(f"drill:     {drilled:.2f} s, {'passed' if drill.ok else 'FAILED'}: {drill.message}")
    before = [ms for at, ms in till.samples if at < began]
    during = [ms for at, ms in till.samples if began <= at <= ended]
    print(f"till before the backup: {_summary(before)}")
    print(f"till during the backup: {_summary(during)}")
    print(f"till failures: {till.failures}")


if __name__ == "__main__":
    main()
