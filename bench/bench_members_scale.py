"""Membership at the issue's scale on PostgreSQL: 1,000,000 members, 20,000,000 ledger rows (issue 10).

    .venv/bin/python bench/bench_members_scale.py --db-url postgresql+psycopg://postgres@127.0.0.1:5432/h_members_big \\
        [--members 1000000] [--rows 20000000] [--checks 2000] [--reads 300] [--entries 5000] [--jobs N] \\
        [--expiry-workers 2] [--no-http]

The database the URL names is emptied (schema dropped) and migrated, then filled by PostgreSQL itself
(``INSERT … SELECT generate_series``) on ``--jobs`` connections side by side (default: the CPU count, at
least 2): ranges of 50,000 members (fewer for small runs), each range's members, ledger, lots and allocations
in one transaction; the points tables' secondary indexes and unique constraints dropped before and built
after (one index per connection, unique ones attached with ``USING INDEX``), then ``VACUUM (ANALYZE)`` per
table. The loading sessions run without foreign-key triggers and with ``synchronous_commit = off`` (the
tables stay logged). Every member gets the same shape of history, its points scaled by 1–5 (``m % 5 + 1``):

* 12 lots of 100 points earned four a year in 2024, 2025 and 2026 (each with its ``earn`` entry);
* the 2024 lots: two spent by redemptions in 2025 (soonest expiry first), two written off on 2026-01-01
  (``expire`` entries, as last year's run wrote them);
* the 2025 lots (lapsing at 00:00 on 2027-01-01): one spent by ``rows/members − 17`` redemptions in 2026,
  one with 40 of its 100 redeemed, two untouched;
* the 2026 lots untouched; allocations for every redemption and expiry; the cached balance is the ledger's
  sum and the lots' remainders (660 points × the scale).

So on the night of 2027-01-01 the job has real work: 3 of each member's 12 lots lapse with points left
(25 % of the lots, 260 of every 1,200 points earned; other nights have next to nothing). One more member
has ``--entries`` ledger entries (half earned lots of 100, half redemptions of 50) for the balance and
history reads. Printed, each with wall time and CPU time beside it (the machine may be loaded):

* load: rows per table and the time to generate, index and analyse them;
* verify, service: what the route runs (``codes.verify`` + commit, without the wait for the WAL flush) for
  ``--checks`` current codes of random members (p50/p95/p99 wall and client CPU, the backend's CPU);
* verify, HTTP: ``POST /api/v1/members/codes/verify`` as a till sends it (device key, keep-alive) to the
  app under uvicorn in its own process, ``--checks`` other members (p50/p95/p99 wall; the server's CPU);
* balance and history (first page of 50) of the long-ledger member (p50/p95/p99), and PostgreSQL's own
  execution time (EXPLAIN ANALYZE);
* the nightly expiry: ``nightly.expire_due`` for 2027-01-01 over every member (minutes, ``--expiry-workers``
  ranges side by side), the client's CPU and the database backends' CPU, then the reconciliation (must find
  nothing) and a second run (writes nothing);
* the wall time of every phase and in all.

Smaller runs: ``--members 100000`` (rows default to 20 a member; at least 18 a member).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUN_DAY = date(2027, 1, 1)
TABLES = ("points_entry", "points_lot", "points_allocation")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a local PostgreSQL backend, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _database_cpu(engine) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds of every backend now connected to the bench's database (its pool's connections included)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).scalars()
        return sum(_backend_cpu(pid) for pid in pids)


class Timer:
    """Wall and CPU time of a phase: this process's, and the database backend's when its pid is given."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.server = _backend_cpu(self.pid) if self.pid else 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.server = (_backend_cpu(self.pid) - self.server) if self.pid else float("nan")

    def __str__(self) -> str:
        server = f", database backend CPU {self.server:.1f} s" if self.pid else ""
        return f"wall {self.wall:.1f} s, client CPU {self.cpu:.1f} s{server}"


def _load_range(conn, store_id: int, lo: int, hi: int, per: int, at: datetime) -> None:  # type: ignore[no-untyped-def]
    """Members ``lo`` … ``hi`` − 1 (0-based), their lots, ledger and allocations, generated by PostgreSQL."""
    from sqlalchemy import text

    n4 = per - 17  # redemptions that spend lot 4
    p = {"s": store_id, "lo": lo, "hi": hi, "per": per, "n4": n4, "at": at}
    conn.execute(
        text(
            "INSERT INTO member (id, store_id, member_no, phone_masked, tier, status, points_balance, joined_at,"
            " created_at, phone_hash, display_name, code_last_step)"
            " SELECT m + 1, :s, 'B' || lpad(m::text, 9, '0'), '138****' || lpad((m % 10000)::text, 4, '0'),"
            "  CASE WHEN m % 20 < 12 THEN 'basic' WHEN m % 20 < 17 THEN 'silver' WHEN m % 20 < 19 THEN 'gold'"
            "   ELSE 'diamond' END, 'active', 660 * (m % 5 + 1), :at, :at,"
            "  encode(sha256(convert_to('bench' || m, 'UTF8')), 'hex'), '', 0"
            " FROM generate_series(:lo, :hi - 1) AS m"
        ),
        p,
    )
    # Entries: k 0–11 earn (lot k), 12–13 redeem lots 0 and 1, 14–15 expire lots 2 and 3, 16 … per−2 redeem
    # lot 4 (split in n4), per−1 redeem 40 of lot 5. Entry id m * per + k + 1, lot id m * 12 + k + 1.
    conn.execute(
        text(
            "INSERT INTO points_entry (id, store_id, member_id, kind, points, source_type, source_id, reason,"
            " actor, business_on, created_at)"
            " SELECT m * :per + k + 1, :s, m + 1,"
            "  CASE WHEN k < 12 THEN 'earn' WHEN k IN (14, 15) THEN 'expire' ELSE 'redeem' END,"
            "  (m % 5 + 1) * CASE WHEN k < 12 THEN 100 WHEN k < 16 THEN -100 WHEN k = :per - 1 THEN -40"
            "   ELSE -(100 / :n4 + CASE WHEN k - 16 < 100 % :n4 THEN 1 ELSE 0 END) END,"
            "  CASE WHEN k < 12 THEN 'order' WHEN k IN (14, 15) THEN 'lot' ELSE 'bench' END,"
            "  CASE WHEN k IN (14, 15) THEN (m * 12 + k - 11)::text ELSE (m * :per + k + 1)::text END,"
            "  '', CASE WHEN k IN (14, 15) THEN 'job' ELSE 'bench' END, d, d + time '12:00'"
            " FROM generate_series(:lo, :hi - 1) AS m, generate_series(0, :per - 1) AS k,"
            "  LATERAL (SELECT CASE WHEN k < 12 THEN make_date(2024 + k / 4, 2 + 3 * (k % 4), 10)"
            "   WHEN k = 12 THEN DATE '2025-03-01' WHEN k = 13 THEN DATE '2025-09-01'"
            "   WHEN k < 16 THEN DATE '2026-01-01' ELSE DATE '2026-03-01' + (k - 16) * 7 END AS d) AS day"
        ),
        p,
    )
    conn.execute(
        text(
            "INSERT INTO points_lot (id, store_id, member_id, entry_id, points, remaining, expires_on,"
            " funder_shop_id, earned_on, created_at)"
            " SELECT m * 12 + k + 1, :s, m + 1, m * :per + k + 1, 100 * (m % 5 + 1),"
            "  (m % 5 + 1) * CASE WHEN k < 5 THEN 0 WHEN k = 5 THEN 60 ELSE 100 END,"
            "  make_date(2026 + k / 4, 1, 1), NULL, make_date(2024 + k / 4, 2 + 3 * (k % 4), 10), :at"
            " FROM generate_series(:lo, :hi - 1) AS m, generate_series(0, 11) AS k"
        ),
        p,
    )
    # Allocations: entry k ≥ 12 takes from lot 0, 1, 2, 3, then 4 (n4 redemptions), then 5.
    conn.execute(
        text(
            "INSERT INTO points_allocation (entry_id, lot_id, points)"
            " SELECT m * :per + k + 1, m * 12 + CASE WHEN k < 16 THEN k - 12 WHEN k = :per - 1 THEN 5 ELSE 4 END"
            "  + 1, (m % 5 + 1) * CASE WHEN k < 16 THEN 100 WHEN k = :per - 1 THEN 40"
            "   ELSE 100 / :n4 + CASE WHEN k - 16 < 100 % :n4 THEN 1 ELSE 0 END END"
            " FROM generate_series(:lo, :hi - 1) AS m, generate_series(12, :per - 1) AS k"
        ),
        p,
    )


def _load_heavy(conn, store_id: int, n: int, per: int, entries: int, at: datetime) -> int:  # type: ignore[no-untyped-def]
    """The long-ledger member (id ``n`` + 1): half earned lots of 100 (never lapsing), half redemptions of 50,
    two per lot; then the tables' id sequences moved past the generated ids. Returns the member's id."""
    from sqlalchemy import text

    heavy = n + 1
    half = entries // 2
    e0, l0 = n * per + 1, n * 12 + 1
    q = {"s": store_id, "h": heavy, "half": half, "red": entries - half, "e0": e0, "l0": l0, "at": at}
    conn.execute(
        text(
            "INSERT INTO member (id, store_id, member_no, phone_masked, tier, status, points_balance, joined_at,"
            " created_at, phone_hash, display_name, code_last_step)"
            " VALUES (:h, :s, 'HEAVY', '139****0000', 'gold', 'active', :half * 100 - :red * 50, :at, :at, NULL,"
            " '', 0)"
        ),
        q,
    )
    conn.execute(
        text(
            "INSERT INTO points_entry (id, store_id, member_id, kind, points, source_type, source_id, reason,"
            " actor, business_on, created_at)"
            " SELECT :e0 + i, :s, :h, CASE WHEN i < :half THEN 'earn' ELSE 'redeem' END,"
            "  CASE WHEN i < :half THEN 100 ELSE -50 END, 'heavy', i::text, '', 'bench', DATE '2026-06-01', :at"
            " FROM generate_series(0, :half + :red - 1) AS i"
        ),
        q,
    )
    conn.execute(
        text(
            "INSERT INTO points_lot (id, store_id, member_id, entry_id, points, remaining, expires_on,"
            " funder_shop_id, earned_on, created_at)"
            " SELECT :l0 + i, :s, :h, :e0 + i, 100, CASE WHEN i < (:red + 1) / 2 THEN"
            "  100 - 50 * LEAST(2, :red - 2 * i) ELSE 100 END, DATE '2099-01-01', NULL, DATE '2026-06-01', :at"
            " FROM generate_series(0, :half - 1) AS i"
        ),
        q,
    )
    conn.execute(
        text(
            "INSERT INTO points_allocation (entry_id, lot_id, points)"
            " SELECT :e0 + :half + j, :l0 + j / 2, 50 FROM generate_series(0, :red - 1) AS j"
        ),
        q,
    )
    for table in ("member", *TABLES):
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
    return heavy


def _secondary_indexes(conn) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    """(drop, create, attach) of the points tables' indexes and unique constraints, primary keys aside: a
    unique constraint is built as its unique index, then attached to the constraint (``USING INDEX``: no scan),
    so the builds of one table can run side by side (``ADD CONSTRAINT … UNIQUE`` would lock the table)."""
    from sqlalchemy import text

    out: list[tuple[str, str, str | None]] = []
    for table in TABLES:
        for name, columns in conn.execute(
            text(
                "SELECT conname, substring(pg_get_constraintdef(oid) FROM '\\(.*\\)') FROM pg_constraint"
                " WHERE conrelid = CAST(:t AS regclass) AND contype = 'u'"
            ),
            {"t": table},
        ):
            out.append(
                (
                    f"ALTER TABLE {table} DROP CONSTRAINT {name}",
                    f"CREATE UNIQUE INDEX {name} ON {table} {columns}",
                    f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}",
                )
            )
        for name, definition in conn.execute(
            text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = :t AND NOT EXISTS"
                " (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
            ),
            {"t": table},
        ):
            out.append((f"DROP INDEX {name}", definition, None))
    return out


def _in_parallel(engine, jobs: int, work: list, run, *, autocommit: bool = False) -> Timer:  # type: ignore[no-untyped-def]
    """``run(conn, item)`` for every item of ``work`` on ``jobs`` connections side by side (each item in its own
    transaction, the loading session's settings set); the wall time and the backends' CPU, summed."""
    import queue
    import threading

    from sqlalchemy import text

    todo: queue.SimpleQueue = queue.SimpleQueue()
    for item in work:
        todo.put(item)
    errors: list[BaseException] = []
    pids: list[int] = []
    before: dict[int, float] = {}
    ready = threading.Barrier(jobs + 1)

    def worker() -> None:
        options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
        with engine.connect().execution_options(**options) as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            for setting in _LOADING:
                conn.execute(text(setting))
            if not autocommit:
                conn.commit()
            pids.append(pid)
            before[pid] = _backend_cpu(pid)
            ready.wait()
            while not errors:
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    break
                try:
                    run(conn, item)
                    if not autocommit:
                        conn.commit()
                except BaseException as exc:
                    errors.append(exc)
                    raise
            after = _backend_cpu(pid)
            before[pid] = after - before[pid]

    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    ready.wait()
    timer = Timer()
    with timer:
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    timer.pid, timer.server = -1, sum(before.values())
    return timer


# The loading sessions: no foreign-key triggers (the generated rows are consistent by construction), no
# wait for the WAL flush at each commit, room to sort an index in memory, no parallel workers (the jobs
# are the parallelism).
_LOADING = (
    "SET session_replication_role = replica",
    "SET synchronous_commit = off",
    "SET maintenance_work_mem = '1GB'",
    "SET max_parallel_maintenance_workers = 0",
)


def _verify_http(engine, store_id: int, members: list[int]) -> None:  # type: ignore[no-untyped-def]
    """``POST /api/v1/members/codes/verify`` as a till sends it (its device key, one keep-alive connection over
    loopback) to the app under uvicorn in its own process: the whole path (auth, validation, commit)."""
    import socket
    import subprocess

    import httpx
    from sqlmodel import Session

    from store.auth import service as auth_service
    from store.auth.models import DeviceKind
    from store.clock import utcnow
    from store.members import codes

    with Session(engine) as session:
        key, _device = auth_service.create_device(session, store_id=store_id, kind=DeviceKind.pos_terminal, name="T1")
        session.commit()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "store.app:create_app", "--factory", "--port", str(port), "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        for _ in range(600):
            try:
                client.get("/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        headers = {"X-Device-Key": key}

        def post(member_id: int) -> float:
            body = {"code": codes.make(store_id, member_id, codes.step_at(utcnow())).digits}
            t0 = time.perf_counter()
            response = client.post("/api/v1/members/codes/verify", json=body, headers=headers)
            took = time.perf_counter() - t0
            assert response.status_code == 200, response.text
            return took

        for member_id in members[:20]:  # warm: the device cache, the statement caches
            post(member_id)
        before = _backend_cpu(server.pid)
        wall = time.perf_counter()
        lat = [post(member_id) for member_id in members[20:]]
        took, server_s = time.perf_counter() - wall, _backend_cpu(server.pid) - before
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"verify, HTTP (POST /api/v1/members/codes/verify from a till, uvicorn): {len(lat):,} codes,"
        f" {len(lat) / took:,.0f} checks/s; wall p50 {_pct(lat, 0.5):.2f} ms, p95 {_pct(lat, 0.95):.2f} ms,"
        f" p99 {_pct(lat, 0.99):.2f} ms;"
        f" server process CPU {server_s / len(lat) * 1000:.2f} ms a check (mean) (goal p99 < 10 ms)"
    )


def nightly_workers() -> int:
    from store.points import nightly

    return nightly.EXPIRY_WORKERS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", required=True, help="a PostgreSQL database of your own: it is emptied")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, help="ledger rows in all (default 20 a member; at least 18 a member)")
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--entries", type=int, default=5_000, help="ledger entries of the long-ledger member")
    parser.add_argument(
        "--expiry-workers", type=int, default=nightly_workers(), help="ranges the expiry writes off side by side"
    )
    parser.add_argument("--no-http", action="store_true", help="skip the verify over HTTP (uvicorn)")
    parser.add_argument(
        "--jobs", type=int, default=max(2, os.cpu_count() or 2), help="connections that load side by side"
    )
    args = parser.parse_args()
    per = (args.rows or 20 * args.members) // args.members
    if per < 18:
        parser.error("--rows must be at least 18 a member")
    os.environ["SMARTSTORE_DATABASE_URL"] = args.db_url
    os.environ.setdefault("SMARTSTORE_LOG_LEVEL", "WARNING")

    from sqlalchemy import text
    from sqlmodel import Session

    from store import config, db, migrate
    from store.members import codes
    from store.members.models import Member
    from store.points import nightly, service
    from store.premises import service as premises_service
    from store.premises.schemas import StoreCreate

    started = time.perf_counter()
    phases: dict[str, float] = {}
    config.get_settings.cache_clear()
    db.dispose_engines()
    engine = db.get_engine()
    if engine.dialect.name != "postgresql":
        parser.error("this bench is for PostgreSQL")
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    with Session(engine) as session:
        created = premises_service.create_store(session, StoreCreate(code="BENCH", name="基准百货", name_en="Bench"))
        store_id = created.id
        session.commit()
    assert store_id is not None
    print(f"database: {args.db_url.split('@')[-1]}; {args.members:,} members, {per} ledger rows each")

    # --- load ------------------------------------------------------------------------------------------------
    at = datetime(2024, 1, 1, tzinfo=UTC)
    loading = time.perf_counter()
    with engine.begin() as conn:
        indexes = _secondary_indexes(conn)
        for drop, _, _ in indexes:
            conn.execute(text(drop))
    chunk = max(1, min(50_000, -(-args.members // (args.jobs * 4))))
    ranges = [(lo, min(lo + chunk, args.members)) for lo in range(0, args.members, chunk)]
    t = _in_parallel(engine, args.jobs, ranges, lambda conn, r: _load_range(conn, store_id, r[0], r[1], per, at))
    print(f"load: generated in the database, {len(ranges)} ranges of {chunk:,} members on {args.jobs} connections, {t}")
    with engine.begin() as conn:
        heavy = _load_heavy(conn, store_id, args.members, per, args.entries, at)
    t = _in_parallel(engine, args.jobs, [create for _, create, _ in indexes], lambda conn, sql: conn.execute(text(sql)))
    with engine.begin() as conn:
        for _, _, attach in indexes:
            if attach:
                conn.execute(text(attach))
    print(f"load: {len(indexes)} secondary indexes and unique constraints built on {args.jobs} connections, {t}")
    t = _in_parallel(
        engine,
        args.jobs,
        ["points_entry", "points_lot", "points_allocation", "member"],
        lambda conn, table: conn.execute(text(f"VACUUM (ANALYZE) {table}")),
        autocommit=True,
    )
    print(f"load: VACUUM ANALYZE, {t}")
    with engine.connect() as conn:
        for table in ("member", *TABLES):
            count, size = conn.execute(
                text(
                    "SELECT reltuples::bigint, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class"
                    " WHERE oid = CAST(:t AS regclass)"
                ),
                {"t": table},
            ).one()
            print(f"  {table}: about {count:,} rows (the VACUUM's count), {size} with indexes")
    phases["load"] = time.perf_counter() - loading

    # --- verify ---------------------------------------------------------------------------------------------
    from store.clock import utcnow

    verifying = time.perf_counter()
    rng = random.Random(10)
    chosen = rng.sample(range(1, args.members + 1), min(2 * args.checks + 20, args.members))
    lat, cpu = [], []
    with engine.connect() as conn:  # one connection, so its backend's CPU can be read
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        conn.commit()
        wall, server = time.perf_counter(), _backend_cpu(pid)
        for member_id in chosen[: args.checks]:
            code = codes.make(store_id, member_id, codes.step_at(utcnow())).digits
            t0, c0 = time.perf_counter(), time.thread_time()
            with Session(bind=conn) as session:
                codes.commit_without_flush_wait(session)  # as the route does
                codes.verify(session, store_id, code)
                session.commit()
            lat.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
        took, server = time.perf_counter() - wall, _backend_cpu(pid) - server
    print(
        f"verify, service (codes.verify + commit, as the route: no wait for the WAL flush): {len(lat):,} codes"
        f" of random members, {len(lat) / took:,.0f}"
        f" checks/s; wall p50 {_pct(lat, 0.5):.2f} ms, p95 {_pct(lat, 0.95):.2f} ms, p99 {_pct(lat, 0.99):.2f} ms;"
        f" client CPU p50 {_pct(cpu, 0.5):.2f} ms, p95 {_pct(cpu, 0.95):.2f} ms, p99 {_pct(cpu, 0.99):.2f} ms;"
        f" database backend CPU {server / len(lat) * 1000:.2f} ms a check (mean) (goal p99 < 10 ms)"
    )
    if not args.no_http:
        _verify_http(engine, store_id, chosen[args.checks :])
    phases["verify"] = time.perf_counter() - verifying

    # --- balance and history ----------------------------------------------------------------------------------
    reading = time.perf_counter()
    b_t, h_t, b_c, h_c = [], [], [], []
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        conn.commit()
        server = _backend_cpu(pid)
        for _ in range(args.reads):
            with Session(bind=conn) as session:
                t0, c0 = time.perf_counter(), time.thread_time()
                member = session.get(Member, heavy)
                b = service.balance(session, member)  # type: ignore[arg-type]
                t1, c1 = time.perf_counter(), time.thread_time()
                page = service.history(session, heavy, limit=50)
                t2, c2 = time.perf_counter(), time.thread_time()
                session.rollback()
            b_t.append(t1 - t0)
            h_t.append(t2 - t1)
            b_c.append(c1 - c0)
            h_c.append(c2 - c1)
        server = _backend_cpu(pid) - server
    half = args.entries // 2
    assert b.points == half * 100 - (args.entries - half) * 50 and len(page) == 50, (b, len(page))
    for name, values, cpus in (("balance", b_t, b_c), ("history (first 50)", h_t, h_c)):
        print(
            f"{name}, member with {args.entries:,} entries: wall p50 {_pct(values, 0.5):.2f} ms, p95"
            f" {_pct(values, 0.95):.2f} ms, p99 {_pct(values, 0.99):.2f} ms; client CPU p50 {_pct(cpus, 0.5):.2f} ms,"
            f" p95 {_pct(cpus, 0.95):.2f} ms, p99 {_pct(cpus, 0.99):.2f} ms over {len(values)} reads (goal p95 < 50 ms)"
        )
    print(f"balance + history: database backend CPU {server / args.reads * 1000:.2f} ms a read of both (mean)")
    balance_sql = service._BALANCE.compile(dialect=engine.dialect)  # the statement the service runs
    statements = {
        "balance": (str(balance_sql), {**balance_sql.params, "member_id": heavy, "day": RUN_DAY}),
        "history (first 50)": (
            "SELECT * FROM points_entry WHERE member_id = %(member_id)s ORDER BY id DESC LIMIT 50",
            {"member_id": heavy},
        ),
    }
    with engine.connect() as conn:
        for name, (sql, params) in statements.items():
            ms = []
            for _ in range(5):
                raw = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params).scalar_one()
                ms.append((raw if isinstance(raw, list) else json.loads(raw))[0]["Execution Time"])
            print(f"{name}: the database's own execution time {sorted(ms)[2]:.2f} ms (EXPLAIN ANALYZE, median of 5)")

    phases["balance and history"] = time.perf_counter() - reading

    # --- the nightly expiry -----------------------------------------------------------------------------------
    due = args.members * 3
    with engine.connect() as conn:  # the workers' connections, opened now so that their CPU can be read
        held = [engine.connect() for _ in range(max(0, args.expiry_workers - 1))]
        for other in held:
            other.close()
        conn.close()
    with Session(engine) as session:
        server = _database_cpu(engine)
        with Timer() as t:
            expired = nightly.expire_due(session, store_id, RUN_DAY, workers=args.expiry_workers)
        server = _database_cpu(engine) - server
    want = 260 * sum(m % 5 + 1 for m in range(args.members))
    print(
        f"expiry (nightly.expire_due, {RUN_DAY}, {args.expiry_workers} worker(s)): {due:,} lapsed lots of"
        f" {args.members:,} members written off ({expired:,} points, expected {want:,}) in {t.wall / 60:.2f} min"
        f" = {due / t.wall:,.0f} lots/s; {t}, database backends' CPU {server:.1f} s = {server / due * 1e6:.0f} µs a lot"
    )
    expiry_wall = t.wall
    with Session(engine) as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with Timer(pid) as t:
            found = nightly.reconcile(session, store_id)
        session.rollback()
    phases["expiry"] = expiry_wall
    phases["reconciliation"] = t.wall
    print(f"reconciliation over every member: {len(found)} mismatch(es); {t}")
    with Session(engine) as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with Timer(pid) as t:
            again = nightly.expire_due(session, store_id, RUN_DAY)
    phases["expiry again"] = t.wall
    print(f"expiry again the same night: {again} points; {t}")
    phases["total"] = time.perf_counter() - started
    print("phases (wall): " + ", ".join(f"{name} {took / 60:.1f} min ({took:.0f} s)" for name, took in phases.items()))
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs")
    assert expired == want and not found and again == 0


if __name__ == "__main__":
    main()
