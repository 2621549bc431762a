"""A backup taken while tills keep selling restores to a consistent database (issue 7 item 7, issue 8 item 5).

A live server takes sales and refunds from four tills in threads; a backup is taken in the middle.
Every sale answered 2xx before the backup began is in the restored database, which is at the newest
migration, with balanced ledgers (payments = totals, each order's refunded_fen = its refunds) and KPI
rollups equal to a rebuild from the raw rows. The tills are never refused while the backup runs.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, func
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from store import db, migrate
from store.backup import service as backup_service
from store.footfall import rollups as footfall_rollups
from store.premises.models import Shop
from store.sales import rollups as sales_rollups
from store.sales.models import Order, Payment, Refund
from tests.conftest import fresh_database_url, separate_database
from tests.factories import kpi
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_till, order_body

TILLS = 4


@dataclass
class Live:
    url: str
    base: str
    shops: list[tuple[Shop, str]]  # (shop, its till's key)


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    acked: list[str] = field(default_factory=list)  # order numbers answered 2xx, in answer order
    failures: list[str] = field(default_factory=list)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from store.app import create_app

    with separate_database(tmp_path_factory.mktemp("selling"), "selling") as url:
        with db.unit_of_work() as session:
            store = create_store(session)
            shops = [create_shop(session, store) for _ in range(2)]
            tills = [(shops[n % 2], create_till(session, shops[n % 2])[0]) for n in range(TILLS)]
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        yield Live(url, f"http://127.0.0.1:{port}", tills)
        server.should_exit = True
        thread.join(timeout=10)


def _till(live: Live, shop: Shop, key: str, tally: Tally, stop: threading.Event) -> None:
    """Sell until told to stop; refund part of every third sale."""
    with httpx.Client(base_url=live.base, timeout=30) as client:
        n = 0
        while not stop.is_set():
            n += 1
            body = order_body(shop)
            headers = {"X-Device-Key": key, "Idempotency-Key": str(uuid.uuid4())}
            response = client.post("/api/v1/sales/orders", json=body, headers=headers)
            if response.status_code != 201:
                with tally.lock:
                    tally.failures.append(f"order {response.status_code}: {response.text[:200]}")
                continue
            with tally.lock:
                tally.acked.append(body["order_no"])
            if n % 3 == 0:
                order_id = response.json()["id"]
                headers["Idempotency-Key"] = str(uuid.uuid4())
                refund = client.post(
                    f"/api/v1/sales/orders/{order_id}/refunds", json={"amount_fen": 150}, headers=headers
                )
                if refund.status_code != 201:
                    with tally.lock:
                        tally.failures.append(f"refund {refund.status_code}: {refund.text[:200]}")


def _wait_for(tally: Tally, count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while len(tally.acked) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"the tills got only {len(tally.acked)} sales answered: {tally.failures[:3]}")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def restored(live: Live, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, set[str], Tally, int]]:
    """Sell, back up in the middle of it, keep selling, restore the backup into an empty database."""
    tally, stop = Tally(), threading.Event()
    tills = [threading.Thread(target=_till, args=(live, shop, key, tally, stop)) for shop, key in live.shops]
    for till in tills:
        till.start()
    try:
        _wait_for(tally, 30)
        with tally.lock:
            before_backup = set(tally.acked)
        result = backup_service.backup(directory=tmp_path_factory.mktemp("backups"))
        _wait_for(tally, len(before_backup) + 30)  # the tills keep selling after the backup too
    finally:
        stop.set()
        for till in tills:
            till.join(timeout=30)
    target_dir = tmp_path_factory.mktemp("restored")
    # The worker's name in it: both xdist workers may build this module fixture at once, each with its own
    # "restored0" folder, and one PostgreSQL server holds both databases.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    urls = fresh_database_url(target_dir, f"restored_{worker}_{target_dir.name[-8:]}")
    url = next(urls)
    report = backup_service.restore(result.path, url=url)
    assert report.ok, "\n".join(report.lines())
    engine = create_engine(make_url(url), poolclass=NullPool)
    try:
        with Session(engine) as session:
            yield session, before_backup, tally, report.counts["sales_order"]
    finally:
        engine.dispose()
        next(urls, None)


@pytest.mark.slow
class TestBackupDuringSales:
    def test_every_sale_answered_before_the_backup_began_is_restored(self, restored):
        session, before_backup, _, _ = restored
        stored = set(session.exec(select(Order.order_no)))
        assert before_backup and before_backup <= stored

    def test_the_tills_were_never_refused_while_the_backup_ran(self, restored):
        _, before_backup, tally, restored_orders = restored
        assert tally.failures == []
        assert len(tally.acked) > restored_orders >= len(before_backup)  # sales went on during and after it

    def test_the_restored_database_is_at_the_newest_migration(self, restored):
        session = restored[0]
        assert migrate.current_revision(session.get_bind()) == migrate.head_revision()

    def test_every_order_is_paid_in_full_and_refunds_add_up(self, restored):
        session = restored[0]
        paid = dict(
            session.exec(select(Payment.order_id, func.sum(Payment.amount_fen)).group_by(Payment.order_id)).all()
        )
        refunded = dict(
            session.exec(select(Refund.order_id, func.sum(Refund.amount_fen)).group_by(Refund.order_id)).all()
        )
        orders = list(session.exec(select(Order)))
        assert refunded, "some sales were refunded"
        assert [o.order_no for o in orders if paid.get(o.id) != o.total_fen] == []
        assert [o.order_no for o in orders if refunded.get(o.id, 0) != o.refunded_fen] == []

    def test_the_kpi_rollups_equal_a_rebuild_from_the_raw_rows(self, restored):
        session = restored[0]
        store_id = session.exec(select(Order.store_id)).first()
        kept = kpi.rollups(session, store_id)
        assert kept["sales"]
        try:
            sales_rollups.rebuild(session, store_id)
            footfall_rollups.rebuild(session, store_id)
            assert kpi.rollups(session, store_id) == kept
        finally:
            session.rollback()


def test_a_plain_copy_is_not_a_backup(tmp_path: Path) -> None:
    """Why the online backup API: rows still in the write-ahead log are missing from a copy of the file."""
    import shutil
    import sqlite3
    from contextlib import closing

    source = tmp_path / "live.db"
    with closing(sqlite3.connect(source, isolation_level=None)) as writer:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("CREATE TABLE sale (id INTEGER PRIMARY KEY)")
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        writer.executemany("INSERT INTO sale VALUES (?)", [(n,) for n in range(5)])
        shutil.copyfile(source, tmp_path / "copy.db")
        from store.backup import sqlite_copy

        sqlite_copy.copy_online(source, tmp_path / "backup.db")

    def rows(path: Path) -> int:
        with closing(sqlite3.connect(path)) as conn:
            return conn.execute("SELECT count(*) FROM sale").fetchone()[0]

    assert (rows(tmp_path / "copy.db"), rows(tmp_path / "backup.db")) == (0, 5)
