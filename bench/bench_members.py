"""Member code checks: verifications per second and latency (p50, p99) — goal p99 < 10 ms.

Wall-clock latency on a shared machine is mostly waiting for a CPU, so each line also prints the CPU time one
check costs (p50, p99): the figure a quiet machine's latency tracks.

    .venv/bin/python bench/bench_members.py [--members 20000] [--checks 2000] [--db-url URL]

A fresh database (SQLite in ``var/bench/members.db`` unless ``--db-url`` names another, which is emptied
and migrated) gets one store and ``--members`` members (the demo hook). Then ``--checks`` codes of distinct
members are checked three ways:

- service: ``store.members.codes.verify`` in its own session and commit (the single-use write included);
- HTTP: ``POST /api/v1/members/codes/verify`` from a till (device key) to the app under uvicorn in its own
  process, over one keep-alive loopback connection (the whole app: auth, validation, problem handling, commit);
  its CPU is the server process's, per check on average;
- offline: ``codes.check_signed_offline`` of QR payloads with the public keys a till caches (no database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _line(name: str, lat_s: list[float], wall_s: float, cpu_s: list[float]) -> str:
    ms = [v * 1000 for v in lat_s]
    cpu = [v * 1000 for v in cpu_s]
    return (
        f"{name:<8} {len(ms) / wall_s:9,.0f} checks/s   wall p50 {statistics.median(ms):7.3f} ms   "
        f"p99 {_pct(ms, 0.99):7.3f} ms   max {max(ms):7.3f} ms   |   CPU p50 {statistics.median(cpu):6.3f} ms   "
        f"p99 {_pct(cpu, 0.99):6.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--db-url", default="")
    parser.add_argument("--quick", action="store_true", help="a small run that checks the script works")
    args = parser.parse_args()
    if args.quick:
        args.members, args.checks = 3_000, 300
    url = args.db_url
    if not url:
        path = ROOT / "var" / "bench" / "members.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    os.environ.setdefault("SMARTSTORE_LOG_LEVEL", "WARNING")

    from sqlalchemy import MetaData
    from sqlmodel import Session, col, select

    from store import config, db, migrate
    from store.auth import service as auth_service
    from store.auth.models import DeviceKind
    from store.clock import utcnow
    from store.demo import DemoContext, DemoOptions
    from store.demo.calendar import DemoCalendar
    from store.members import codes
    from store.members import demo as members_demo
    from store.members.models import Member
    from store.premises import service as premises_service
    from store.premises.schemas import StoreCreate

    config.get_settings.cache_clear()
    engine = db.get_engine()
    if args.db_url:  # an existing database: emptied first
        meta = MetaData()
        meta.reflect(engine)
        meta.drop_all(engine)
    migrate.upgrade(engine)
    started = time.perf_counter()
    with Session(engine) as session:
        store = premises_service.create_store(session, StoreCreate(code="BENCH", name="基准百货", name_en="Bench"))
        end = date.today() - timedelta(days=1)
        ctx = DemoContext(
            session=session,
            options=DemoOptions(scale=args.members / members_demo.FULL_SCALE_MEMBERS, days=30, end_on=end),
            start_on=end - timedelta(days=29),
            end_on=end,
            calendar=DemoCalendar(upgrade_on=end),
            echo=lambda _line: None,
            store_id=store.id,
        )
        members_demo.generate(ctx)
        key, _device = auth_service.create_device(session, store_id=store.id, kind=DeviceKind.pos_terminal, name="T1")  # type: ignore[arg-type]
        session.commit()
        store_id = store.id
        ids = list(session.exec(select(Member.id).order_by(col(Member.id))).all())
    print(f"{len(ids):,} members in {engine.url.get_backend_name()} ({time.perf_counter() - started:.1f} s to build)")
    n = min(args.checks, len(ids) // 3)
    batches = [ids[i * n : (i + 1) * n] for i in range(3)]

    def fresh(member_id: int) -> str:
        return codes.make(store_id, member_id, codes.step_at(utcnow())).digits  # type: ignore[arg-type]

    # service
    lat: list[float] = []
    cpu: list[float] = []
    wall = time.perf_counter()
    for member_id in batches[0]:
        code = fresh(member_id)  # type: ignore[arg-type]
        t, c = time.perf_counter(), time.thread_time()
        with Session(engine) as session:
            codes.verify(session, store_id, code)  # type: ignore[arg-type]
            session.commit()
        lat.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
    print(_line("service", lat, time.perf_counter() - wall, cpu))

    # HTTP: the app under uvicorn in its own process, one keep-alive connection over loopback
    import socket
    import subprocess

    import httpx

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
        warm = batches[1][:20]
        for member_id in warm:
            client.post("/api/v1/members/codes/verify", json={"code": fresh(member_id)}, headers=headers)
        lat, cpu = [], []
        ticks = os.sysconf("SC_CLK_TCK")

        def server_cpu() -> float:
            fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

        wall = time.perf_counter()
        cpu_before = server_cpu()
        for member_id in batches[1][20:]:
            body = {"code": fresh(member_id)}  # type: ignore[arg-type]
            t = time.perf_counter()
            response = client.post("/api/v1/members/codes/verify", json=body, headers=headers)
            lat.append(time.perf_counter() - t)
            assert response.status_code == 200, response.text
        server_s = server_cpu() - cpu_before
        cpu = [server_s / len(lat)] * len(lat)  # the server's CPU per check, on average (clock ticks: 10 ms)
        print(_line("HTTP", lat, time.perf_counter() - wall, cpu) + "  (server CPU: mean per check)")
    finally:
        server.terminate()
        server.wait(timeout=30)

    # offline
    period = codes.key_period(codes.step_at(utcnow()))
    keys = {p: codes.public_key(store_id, p) for p in (period - 1, period, period + 1)}  # type: ignore[arg-type]
    payloads = [codes.qr_payload(store_id, codes.make(store_id, m, codes.step_at(utcnow()))) for m in batches[2]]  # type: ignore[arg-type]
    lat, cpu = [], []
    wall = time.perf_counter()
    for payload in payloads:
        t, c = time.perf_counter(), time.thread_time()
        codes.check_signed_offline(keys, store_id, payload, utcnow())  # type: ignore[arg-type]
        lat.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
    print(_line("offline", lat, time.perf_counter() - wall, cpu))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
