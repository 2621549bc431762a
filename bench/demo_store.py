"""The bench scripts' shared store set-up: a migrated database holding the demo premises and the wayfinding map
(``bench_kiosk.py``, ``bench_parking.py``, ``profile_kiosk.py`` through ``bench_kiosk``).

    from demo_store import build_map_store    # bench/ is on sys.path when a bench script runs
    timings = build_map_store(url, "store.parking.demo")
"""

from __future__ import annotations

import importlib
import os
import time
from datetime import date, timedelta

MAP_HOOKS = ("store.premises.demo", "store.wayfinding.demo")


def use_database(url: str) -> None:
    """Point the settings (and ``store.db.get_engine()``) at ``url``, dropping engines cached for another."""
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    from store import config, db

    config.get_settings.cache_clear()
    db.dispose_engines()


def build_map_store(url: str, *more_hooks: str) -> dict[str, tuple[float, float]] | None:
    """Migrate ``url`` and, unless a store is there already, run the demo's premises and wayfinding hooks, then
    ``more_hooks`` (modules with a ``generate(ctx)``), over the demo's two years ending yesterday; one commit.
    Returns each hook's (wall s, CPU s) by module name, or None when the store was there."""
    use_database(url)
    from sqlmodel import Session, select

    from store import db, migrate
    from store.demo import DemoCalendar, DemoContext, DemoOptions
    from store.premises.models import Store

    engine = db.get_engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        if session.exec(select(Store)).first() is not None:
            return None
        end = date.today() - timedelta(days=1)
        ctx = DemoContext(
            session, DemoOptions(), end - timedelta(days=729), end, DemoCalendar(upgrade_on=end - timedelta(days=365))
        )
        timings: dict[str, tuple[float, float]] = {}
        for name in (*MAP_HOOKS, *more_hooks):
            hook = importlib.import_module(name)
            wall, cpu = time.perf_counter(), time.process_time()
            hook.generate(ctx)
            timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        session.commit()
    return timings
