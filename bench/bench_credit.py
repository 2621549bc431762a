"""Credit figures on the demo store: the public shop page a QR code opens, and the nightly recompute.

    .venv/bin/python bench/bench_credit.py [--db-url URL] [--requests 200]

Without ``--db-url`` the demo goes into ``var/bench/credit.db`` (SQLite, scale 0.05: the credit data
does not depend on the sales volume beyond the 28-day regularity check), created on the first run and
reused after. Prints the public page's p50/p95 over ``--requests`` GETs of random shops' codes (in
process, through the whole ASGI app), the nightly ``recompute_all`` for every open shop, and one
shop's recompute on an event (a complaint closed).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ensure_demo(url: str) -> None:
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    from sqlmodel import Session, select

    from store import config, db, migrate
    from store.demo import DemoOptions, generate
    from store.premises.models import Store

    config.get_settings.cache_clear()
    db.dispose_engines()
    engine = db.get_engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        if session.exec(select(Store)).first() is not None:
            return
    generate(DemoOptions(scale=0.05), echo=lambda line: print("  " + line))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db-url", default=f"sqlite:///{ROOT / 'var' / 'bench' / 'credit.db'}")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    ensure_demo(args.db_url)

    from fastapi.testclient import TestClient

    from store import db
    from store.app import create_app
    from store.credit import codes, service
    from store.premises import service as premises_service

    with db.unit_of_work() as session:
        store = premises_service.default_store(session)
        store_id = store.id
        code_list = [q.code for q in codes.current_codes(session, store_id).values()]  # type: ignore[arg-type]
        shop_id = next(iter(codes.current_codes(session, store_id)))  # type: ignore[arg-type]
    rng = random.Random(1)
    with TestClient(create_app()) as client:
        client.get(f"/kiosk/q/{code_list[0]}")  # templates compiled, caches warm
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(f"/kiosk/q/{rng.choice(code_list)}")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        size = len(response.content)
    p50, p95 = statistics.median(times), _pct(times, 0.95)
    print(f"public shop page: {args.requests} GETs, p50 {p50:.1f} ms, p95 {p95:.1f} ms, {size / 1024:.1f} KiB HTML")

    runs = []
    for _ in range(3):
        with db.unit_of_work() as session:
            started = time.perf_counter()
            shops = service.recompute_all(session, store_id)  # type: ignore[arg-type]
            runs.append(time.perf_counter() - started)
    print(f"nightly recompute: {shops} shops, best of 3 {min(runs) * 1000:.0f} ms (incl. the write)")
    with db.unit_of_work() as session:
        started = time.perf_counter()
        service.recompute_shop(session, store_id, shop_id)  # type: ignore[arg-type]
        print(f"one shop on an event: {(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
