"""Analytics figures on the demo store: forecast fit and rolling-origin backtest (seconds, MAPE beside the
seasonal-naive baseline) per series, and consumer-group clustering over the demo's 200,000 members.

    .venv/bin/python bench/bench_analytics.py --db-url URL [--origins 3] [--no-floors]

``URL`` names a database that holds the demo store (``smartstore demo``; migrated to head). Everything runs
in one transaction that is rolled back: the database is left as it was. Printed per series: fit seconds (wall
and CPU: the machine may be loaded), backtest seconds, model MAPE, seasonal-naive MAPE and whether the model
beats the baseline; then the clustering: members profiled (those who consented to profiling), seconds, groups.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--origins", type=int, default=3)
    parser.add_argument("--no-floors", action="store_true")
    args = parser.parse_args()
    os.environ["SMARTSTORE_DATABASE_URL"] = args.db_url
    from sqlalchemy import func, select
    from sqlmodel import Session

    from store import config, db
    from store.analytics import forecast, profiles, service
    from store.members.models import Member
    from store.premises import service as premises_service

    config.get_settings.cache_clear()
    engine = db.get_engine()
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection)
        store = premises_service.list_stores(session)[0]
        store_id = int(store.id or 0)
        today = service.latest_sales_day(session, store_id) + timedelta(days=1)
        print(f"store {store.code}, history to {today - timedelta(days=1)}, horizon {forecast.HORIZON} days")
        started, cpu = time.perf_counter(), time.process_time()
        import statsmodels.tsa.exponential_smoothing.ets  # noqa: F401  (import cost, once per process)

        print(f"import statsmodels: {time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
        print(f"{'series':<14}{'metric':<10}{'fit s':>8}{'cpu s':>8}{'backtest s':>12}{'MAPE':>8}{'naive':>8}  beats")
        rows = service.refit(session, store_id, today=today, floors=not args.no_floors, origins=0)  # warm-up pass
        for row in rows:
            days, values = service.daily_series(
                session, store_id, row.metric, row.history_from, row.history_to, row.floor_id
            )
            started, cpu = time.perf_counter(), time.process_time()
            forecast.fit_predict(days, values)
            fit_s, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
            started = time.perf_counter()
            checked = forecast.backtest(days, values, wanted=args.origins)
            back_s = time.perf_counter() - started
            beats = "yes" if (checked.model_mape or 0) < (checked.naive_mape or 0) else "NO"
            print(
                f"{row.scope:<14}{row.metric:<10}{fit_s:8.2f}{fit_cpu:8.2f}{back_s:12.2f}"
                f"{checked.model_mape or 0:7.1f}%{checked.naive_mape or 0:7.1f}%  {beats}"
            )
        members = session.execute(
            select(func.count()).select_from(Member).where(Member.__table__.c.store_id == store_id)  # type: ignore[attr-defined]
        ).scalar_one()
        started, cpu = time.perf_counter(), time.process_time()
        done = profiles.cluster(session, store_id, today)
        print(
            f"profiles: {done.members:,} of {members:,} members profiled (profiling consent), "
            f"{len(done.groups)} groups, "
            f"{time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
        )
        for group in done.groups:
            print(f"  #{group.group_no} {group.members:>7,}  {group.description_zh}")
        session.close()
        transaction.rollback()


if __name__ == "__main__":
    main()
