"""Seconds to build the Annex 4 assessment report for the last 12 whole months of the demo store.

    .venv/bin/python bench/bench_assessment.py [--scale 1.0] [--db-url URL] [--repeat 3]

Without ``--db-url`` the demo goes into ``var/bench/assessment-<scale>.db`` (SQLite), created on the
first run and reused after; with a PostgreSQL URL (``postgresql+psycopg://user@host/db``) the same
happens in that database (it must exist; an empty one gets migrated and filled). At scale 1.0 the demo
holds about 2 million order lines. Cold = the first ``assess`` in a fresh process with a new engine;
warm = the best of ``--repeat`` further calls in that process. The report (JSON) is rendered too,
as ``smartstore assess --format json`` would. Goal: warm under 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _point_settings_at(url: str) -> None:
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    from store import config, db

    config.get_settings.cache_clear()
    db.dispose_engines()


def ensure_demo(url: str, scale: float) -> None:
    """Migrate the database and fill it with the demo store unless it already holds one."""
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
            print(f"reusing the demo store in {engine.url.render_as_string(hide_password=True)}")
            return
    started = time.perf_counter()
    generate(DemoOptions(scale=scale), echo=lambda line: print("  " + line))
    print(f"demo at scale {scale} built in {time.perf_counter() - started:.1f} s")


def last_whole_months() -> tuple[str, str]:
    """The 12 months before the current one, in the demo store's timezone."""
    from store.clock import business_day, month_key, utcnow
    from store.kpi.periods import add_months

    first_of_this = business_day(utcnow(), "Asia/Shanghai").replace(day=1)
    return month_key(add_months(first_of_this, -12)), month_key(add_months(first_of_this, -1))


def measure(url: str, repeat: int) -> dict[str, float | int | str]:
    """In this (fresh) process: one cold assess, then ``repeat`` warm ones."""
    _point_settings_at(url)
    from sqlalchemy import text
    from sqlmodel import Session

    from store.assessment import service as assessment_service
    from store.db import get_engine

    period_from, period_to = last_whole_months()

    def once() -> tuple[float, int]:
        started = time.perf_counter()
        with Session(get_engine()) as session:
            store = assessment_service.store_for(session, None)
            report = assessment_service.assess(session, store.id, period_from=period_from, period_to=period_to)
            json.dumps(report.to_json(), ensure_ascii=False)
        return time.perf_counter() - started, report.total

    cold, total = once()
    warm = min(once()[0] for _ in range(repeat))
    with Session(get_engine()) as session:
        lines, rollups = (
            session.exec(text(f"SELECT count(*) FROM {table}")).one()[0]
            for table in ("sales_order_line", "kpi_sales_daily")
        )
    return {
        "period": f"{period_from}..{period_to}",
        "cold_s": round(cold, 3),
        "warm_s": round(warm, 3),
        "total_points": total,
        "order_lines": lines,
        "rollup_rows": rollups,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="demo volume (1.0 ≈ 2 million order lines)")
    parser.add_argument("--db-url", default=None, help="database to use (default: a SQLite file under var/bench)")
    parser.add_argument("--repeat", type=int, default=3, help="warm calls (the best one is reported)")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    url = args.db_url or f"sqlite:///{ROOT / 'var' / 'bench' / f'assessment-{args.scale:g}.db'}"
    if args.measure_only:
        print(json.dumps(measure(url, args.repeat)))
        return
    ensure_demo(url, args.scale)
    # A fresh process for the cold call: no engine, no pooled connection, no imported-and-warmed code paths.
    child = subprocess.run(
        [sys.executable, __file__, "--measure-only", "--db-url", url, "--repeat", str(args.repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    backend = url.split(":", 1)[0].split("+")[0]
    print(
        f"assessment {result['period']} on {backend}, {result['order_lines']:,} order lines, "
        f"{result['rollup_rows']:,} rollup rows: cold {result['cold_s']:.2f} s, warm {result['warm_s']:.2f} s "
        f"(best of {args.repeat}); total {result['total_points']} pts"
    )


if __name__ == "__main__":
    main()
