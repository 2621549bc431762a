"""Points ledger figures: earning for posted sales, a long ledger's balance and history, the expiry run.

    .venv/bin/python bench/bench_points.py [--db-url URL] [--orders 5000] [--entries 5000] [--reads 500]
                                           [--members 20000] [--lots 10]

Without ``--db-url`` a fresh SQLite file ``var/bench/points.db`` is used; a PostgreSQL URL must name an existing
database, which is emptied (its schema dropped) and migrated. Printed:

* earn: member orders awarded by the award job (``nightly.award_new``, the path every posted sale takes), per
  second;
* balance and history: one member with ``--entries`` ledger entries (half earned lots, half redemptions, as the
  service writes them), ``service.balance`` and the first page of ``service.history``: p50/p95/p99 ms;
* expiry: ``--members`` members with ``--lots`` lots each (bulk-loaded, every lot with an entry), half of the
  lots lapsed: ``nightly.expire_due`` seconds, lots and entries per second, and the ledger rows it ran over.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _fresh(url: str | None) -> str:
    if url is None:
        path = ROOT / "var" / "bench" / "points.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    from sqlalchemy import text

    from store import config, db, migrate

    config.get_settings.cache_clear()
    db.dispose_engines()
    engine = db.get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    return url


def _sequences_past_ids(session) -> None:  # type: ignore[no-untyped-def]
    """Rows loaded with their own ids: PostgreSQL's sequences move past them (the service inserts next)."""
    from sqlalchemy import text

    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("points_entry", "points_lot", "points_allocation"):
        session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        )


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db-url")
    parser.add_argument("--orders", type=int, default=5_000)
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--lots", type=int, default=10)
    args = parser.parse_args()
    url = _fresh(args.db_url)

    from sqlalchemy import func, insert, select

    from store.db import WRITE_INTENT, get_engine, unit_of_work
    from store.members.models import Member
    from store.points import nightly, service
    from store.points.models import PointsAllocation, PointsEntry, PointsLot
    from store.premises.models import Floor, Shop, Store
    from store.sales.models import Order, Payment

    engine = get_engine()
    writer = engine.execution_options(**{WRITE_INTENT: True})
    print(f"database: {engine.dialect.name} ({url.split('@')[-1]})")
    with unit_of_work(writer) as s:
        store = Store(code="BENCH", name="基准店")
        s.add(store)
        s.flush()
        floor = Floor(store_id=store.id, code="1F", name="一楼", level=1)  # type: ignore[arg-type]
        s.add(floor)
        s.flush()
        shop = Shop(
            store_id=store.id,  # type: ignore[arg-type]
            floor_id=floor.id,  # type: ignore[arg-type]
            code="A1",
            name="店铺",
            category="cosmetics",
            selling_area_m2=100,
            opened_on=date(2020, 1, 1),
        )
        s.add(shop)
        s.flush()
        store_id, shop_id = store.id, shop.id
        s.execute(
            insert(Member.__table__),  # type: ignore[attr-defined]
            [
                {
                    "store_id": store_id,
                    "member_no": f"B{i:09d}",
                    "phone_masked": "138****0000",
                    "tier": "basic",
                    "status": "active",
                    "points_balance": 0,
                    "joined_at": datetime(2024, 1, 1, tzinfo=UTC),
                    "created_at": datetime(2024, 1, 1, tzinfo=UTC),
                }
                for i in range(max(args.members, 1_000))
            ],
        )
        member_ids = list(s.execute(select(Member.id).order_by(Member.id)).scalars())  # type: ignore[call-overload]

    # --- earn for posted sales ---------------------------------------------------------------------------
    today = date.today()
    at = datetime.now(UTC)
    with unit_of_work(writer) as s:
        first = (s.execute(select(func.max(Order.id))).scalar() or 0) + 1  # type: ignore[call-overload]
        s.execute(
            insert(Order.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": first + i,
                    "store_id": store_id,
                    "shop_id": shop_id,
                    "order_no": f"E{i:08d}",
                    "channel": "offline",
                    "source": "own_till",
                    "member_id": member_ids[i % 1_000],
                    "ordered_at": at,
                    "business_on": today,
                    "subtotal_fen": 12_345 + i,
                    "discount_fen": 0,
                    "total_fen": 12_345 + i,
                    "refunded_fen": 0,
                    "created_at": at,
                }
                for i in range(args.orders)
            ],
        )
        s.execute(
            insert(Payment.__table__),  # type: ignore[attr-defined]
            [{"order_id": first + i, "method": "wechat", "amount_fen": 12_345 + i} for i in range(args.orders)],
        )
    started, cpu = time.perf_counter(), time.process_time()
    awarded = 0
    while True:
        with unit_of_work(writer) as s:
            n, _ = nightly.award_new(s)
        awarded += n
        if n == 0:
            break
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"earn: {awarded:,} member orders awarded by the award job in {took:.2f} s = {awarded / took:,.0f} orders/s"
        f" (this process's CPU {cpu:.2f} s = {awarded / cpu:,.0f} orders per CPU-second)"
    )

    # --- balance and history of a member with a long ledger --------------------------------------------------
    heavy = member_ids[-1]
    started = time.perf_counter()
    half = args.entries // 2
    # Bulk-loaded as the service would have written it: ``half`` earned lots of 100, then ``entries - half``
    # redemptions of 50, each taking from the soonest lot (two per lot); the cached balance is their sum.
    with unit_of_work(writer) as s:
        e0 = (s.execute(select(func.max(PointsEntry.id))).scalar() or 0) + 1  # type: ignore[call-overload]
        l0 = (s.execute(select(func.max(PointsLot.id))).scalar() or 0) + 1  # type: ignore[call-overload]
        redeems = args.entries - half
        entries = [
            {
                "id": e0 + i,
                "store_id": store_id,
                "member_id": heavy,
                "kind": "earn" if i < half else "redeem",
                "points": 100 if i < half else -50,
                "source_type": "bench",
                "source_id": f"h{i}",
                "reason": "",
                "actor": "bench",
                "business_on": today,
                "created_at": at,
            }
            for i in range(args.entries)
        ]
        spent = [0] * half
        for j in range(redeems):
            spent[j // 2 % half] += 50
        lots = [
            {
                "id": l0 + i,
                "store_id": store_id,
                "member_id": heavy,
                "entry_id": e0 + i,
                "points": 100,
                "remaining": 100 - spent[i],
                "expires_on": date(2099, 1, 1),
                "funder_shop_id": None,
                "earned_on": today,
                "created_at": at,
            }
            for i in range(half)
        ]
        allocs = [{"entry_id": e0 + half + j, "lot_id": l0 + j // 2 % half, "points": 50} for j in range(redeems)]
        s.execute(insert(PointsEntry.__table__), entries)  # type: ignore[attr-defined]
        s.execute(insert(PointsLot.__table__), lots)  # type: ignore[attr-defined]
        s.execute(insert(PointsAllocation.__table__), allocs)  # type: ignore[attr-defined]
        member = s.get(Member, heavy)
        assert member is not None
        member.points_balance += half * 100 - redeems * 50
        s.add(member)
        _sequences_past_ids(s)
        nightly.analyze(s)
    built = time.perf_counter() - started
    with unit_of_work() as s:
        count = s.execute(select(func.count()).where(PointsEntry.member_id == heavy)).scalar()  # type: ignore[call-overload]
    print(f"ledger: member with {count:,} entries loaded in {built:.1f} s")
    balance_t, history_t = [], []
    for _ in range(args.reads):
        with unit_of_work() as s:
            t0 = time.perf_counter()
            member = s.get(Member, heavy)
            b = service.balance(s, member)  # type: ignore[arg-type]
            t1 = time.perf_counter()
            page = service.history(s, heavy, limit=50)
            t2 = time.perf_counter()
        balance_t.append(t1 - t0)
        history_t.append(t2 - t1)
    assert b.points == half * 100 - (args.entries - half) * 50 and len(page) == 50
    for name, values in (("balance", balance_t), ("history (first 50)", history_t)):
        print(
            f"{name}: p50 {_pct(values, 0.5):.2f} ms, p95 {_pct(values, 0.95):.2f} ms, p99 {_pct(values, 0.99):.2f} ms"
            f" over {len(values)} reads"
        )

    # --- the expiry run ------------------------------------------------------------------------------------
    lapsed, live = date(2025, 1, 1), date(2099, 1, 1)
    started = time.perf_counter()
    chunk = 5_000
    with unit_of_work(writer) as s:
        entry_id = (s.execute(select(func.max(PointsEntry.id))).scalar() or 0) + 1  # type: ignore[call-overload]
        lot_id = (s.execute(select(func.max(PointsLot.id))).scalar() or 0) + 1  # type: ignore[call-overload]
        targets = member_ids[: args.members]
        for start in range(0, len(targets), chunk):
            entries, lots, balances = [], [], []
            for member_id in targets[start : start + chunk]:
                for k in range(args.lots):
                    entries.append(
                        {
                            "id": entry_id,
                            "store_id": store_id,
                            "member_id": member_id,
                            "kind": "earn",
                            "points": 100,
                            "source_type": "bench",
                            "source_id": str(entry_id),
                            "reason": "",
                            "actor": "bench",
                            "business_on": date(2023, 6, 1),
                            "created_at": at,
                        }
                    )
                    lots.append(
                        {
                            "id": lot_id,
                            "store_id": store_id,
                            "member_id": member_id,
                            "entry_id": entry_id,
                            "points": 100,
                            "remaining": 100 if k % 2 == 0 else 60,
                            "expires_on": lapsed if k % 2 == 0 else live,
                            "funder_shop_id": None,
                            "earned_on": date(2023, 6, 1),
                            "created_at": at,
                        }
                    )
                    entry_id += 1
                    lot_id += 1
                balances.append((member_id, sum(100 if k % 2 == 0 else 60 for k in range(args.lots))))
            s.execute(insert(PointsEntry.__table__), entries)  # type: ignore[attr-defined]
            s.execute(insert(PointsLot.__table__), lots)  # type: ignore[attr-defined]
        # Live lots stand partly spent (60 of 100 left); the cached balances are set to the lots' sum. The bench
        # measures the expiry run, so no redemption entries are loaded for those 40 points.
        from sqlalchemy import bindparam, update

        m = Member.__table__  # type: ignore[attr-defined]
        s.connection().execute(
            update(m).where(m.c.id == bindparam("mid")).values(points_balance=bindparam("n")),
            [{"mid": mid, "n": n} for mid, n in balances],
        )
        _sequences_past_ids(s)
        nightly.analyze(s)
    with unit_of_work() as s:
        rows = s.execute(select(func.count()).select_from(PointsEntry)).scalar()  # type: ignore[call-overload]
        lots_n = s.execute(select(func.count()).select_from(PointsLot)).scalar()  # type: ignore[call-overload]
    print(
        f"expiry set-up: {args.members:,} members, {lots_n:,} lots, {rows:,} ledger rows loaded in "
        f"{time.perf_counter() - started:.1f} s"
    )
    due = args.members * ((args.lots + 1) // 2)
    started, cpu = time.perf_counter(), time.process_time()
    with unit_of_work(writer) as s:
        expired = nightly.expire_due(s, store_id, today)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"expiry run: {due:,} lapsed lots of {args.members:,} members written off ({expired:,} points) in "
        f"{took:.1f} s = {due / took:,.0f} lots/s (this process's CPU {cpu:.1f} s)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
