"""The deterministic demo store: each domain adds its part through a ``store/<domain>/demo.py`` hook.

A hook is ``generate(ctx: DemoContext) -> None``; hooks run in ``registry.DOMAIN_ORDER`` inside one
unit of work, so a failed demo leaves the database as it was.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from store import migrate
from store.db import check_database, get_engine, unit_of_work
from store.demo.calendar import DemoCalendar
from store.errors import Conflict, StoreError
from store.registry import domain_modules

DEMO_TIMEZONE = "Asia/Shanghai"
# SQLite's page cache for the demo's one transaction (KiB, as PRAGMA cache_size takes it negated): the hooks
# load 600 MB of rows into indexes keyed by member and day, and with the default 2 MB cache every index
# page is written out and read back again and again (the points hook's INSERT … SELECT took half again as
# long). Restored when the demo ends: the connection goes back to the pool.
SQLITE_CACHE_KIB = 256 * 1024


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 42
    end_on: date | None = None  # last day of history; default yesterday in the store's timezone
    days: int = 730
    scale: float = 1.0  # fraction of the full order and footfall volume


@dataclass
class DemoContext:
    """What every demo hook gets: the session, the period, seeded randomness and the calendar."""

    session: Session
    options: DemoOptions
    start_on: date
    end_on: date
    calendar: DemoCalendar
    store_id: int | None = None  # set by the premises hook
    echo: Callable[[str], Any] = print
    shared: dict[str, Any] = field(default_factory=dict)  # small facts one hook hands to the next

    def rng(self, domain: str) -> random.Random:
        """A generator seeded by (seed, domain): adding a domain never changes another's data."""
        return random.Random(f"{self.options.seed}:{domain}")

    def days(self) -> list[date]:
        return [self.start_on + timedelta(days=i) for i in range((self.end_on - self.start_on).days + 1)]


def _default_end() -> date:
    return datetime.now(ZoneInfo(DEMO_TIMEZONE)).date() - timedelta(days=1)


def generate(options: DemoOptions, *, if_empty: bool = False, echo: Callable[[str], Any] = print) -> bool:
    """Create the demo store; returns False when ``if_empty`` and a store already exists."""
    from store.premises.models import Store

    engine = get_engine()
    check_database(engine)
    if migrate.current_revision(engine) != migrate.head_revision():
        raise StoreError("the database is not migrated to head: run `smartstore db upgrade` first")
    end_on = options.end_on or _default_end()
    start_on = end_on - timedelta(days=options.days - 1)
    with unit_of_work(engine) as session:
        if session.exec(select(Store)).first() is not None:
            if if_empty:
                echo("demo: a store already exists, nothing to do")
                return False
            raise Conflict("the database already holds a store: the demo needs an empty database")
        with _large_cache(session):
            _run_hooks(session, options, start_on, end_on, echo)
    echo(f"demo: store ready, {start_on} .. {end_on}, seed {options.seed}")
    return True


@contextmanager
def _large_cache(session: Session) -> Iterator[None]:
    """On SQLite, ``SQLITE_CACHE_KIB`` of page cache on the demo's connection while the hooks run."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def _run_hooks(
    session: Session, options: DemoOptions, start_on: date, end_on: date, echo: Callable[[str], Any]
) -> None:
    """Every domain's ``generate``, then every ``finish``, each timed (wall and CPU seconds)."""
    ctx = DemoContext(
        session=session,
        options=options,
        start_on=start_on,
        end_on=end_on,
        calendar=DemoCalendar(upgrade_on=end_on - timedelta(days=365)),
        echo=echo,
    )
    for hook in domain_modules("demo"):
        started, cpu = time.perf_counter(), time.process_time()
        hook.generate(ctx)
        session.flush()
        took, cpu_took = time.perf_counter() - started, time.process_time() - cpu
        echo(f"demo: {hook.__name__.split('.')[1]:<10} {took:6.1f} s ({cpu_took:.1f} s CPU)")
    for hook in domain_modules("demo"):  # ``finish``: work that needs every domain's data (snapshots)
        if hasattr(hook, "finish"):
            started, cpu = time.perf_counter(), time.process_time()
            hook.finish(ctx)
            session.flush()
            took, cpu_took = time.perf_counter() - started, time.process_time() - cpu
            echo(f"demo: {hook.__name__.split('.')[1]:<10} {took:6.1f} s ({cpu_took:.1f} s CPU, finish)")
