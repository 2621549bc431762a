"""Kiosk figures over the demo store's map: page p95 under concurrent kiosks, search p99, route p99.

    .venv/bin/python bench/bench_kiosk.py [--db-url URL] [--kiosks 20] [--rounds 10] [--quick]

Without ``--db-url`` the store goes into ``var/bench/kiosk.db`` (SQLite): the demo's premises hook (7 floors,
~150 shops) and the wayfinding hook (the map drawn from the premises, entrance kiosks), timed, so the
wayfinding demo hook's own cost shows (goal ≤ 3 s). The full sales history is not needed and not built.

Then, in this process:
- search: every query of a golden list (hanzi, pinyin, first letters, typos) through the index, p50/p99;
- route: default and step-free routes from every entrance kiosk to every shop, p50/p99 (prebuilt graphs);
- pages: a live uvicorn server in its own process on a free port and ``--kiosks`` threads, each a kiosk going
  home → search → shop → route → floor for ``--rounds`` rounds, a tap every ``--think`` seconds (± half; default
  1 s, far busier than a shopper; 0 runs flat out); wall-clock p50/p95 per page kind. Goal: p95 < 100 ms.
  Beside the wall times: the server process's CPU ms per request, since a loaded machine stretches wall time
  but not CPU.

``--quick``: 5 kiosks, 3 rounds, the first 40 shops for routes — a smoke run that checks everything works.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import sys
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo_store import build_map_store  # noqa: E402

QUERIES = (
    "nk",
    "xbk",
    "星巴客",
    "zdf",
    "周大付",
    "mcyp",
    "hdl",
    "chongqing",
    "cqxm",
    "wfj",
    "at",
    "ysld",
    "咖啡",
    "kafei",
    "nike",
    "1F",
    "meizhuang",
    "xie",
    "zb",
    "超市",
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _row(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<28} n={len(ms):>5}  p50 {statistics.median(ms):7.2f} ms  p95 {_percentile(ms, 0.95):7.2f} ms  "
        f"p99 {_percentile(ms, 0.99):7.2f} ms"
    )


def build(url: str) -> None:
    """Migrate and fill with the demo premises and the wayfinding hook, unless a store is there."""
    timings = build_map_store(url)
    if timings is not None:
        premises, wayfinding = timings["store.premises.demo"][0], timings["store.wayfinding.demo"][0]
        print(f"demo premises hook {premises:.2f} s, wayfinding hook {wayfinding:.2f} s (goal ≤ 3 s)")


def bench_search_and_routes(route_shops: int | None) -> None:
    from store import db
    from store.clock import utcnow
    from store.premises import service as premises_service
    from store.wayfinding import routing, search
    from store.wayfinding import service as wayfinding_service

    with db.unit_of_work() as session:
        store = premises_service.default_store(session)
        started = time.perf_counter()
        loaded = wayfinding_service.load(session, store.id)  # type: ignore[arg-type]
        print(
            f"map load + graph build: {time.perf_counter() - started:.3f} s, "
            f"{len(loaded.data.features)} features, "
            f"{sum(len(v) for v in loaded.graphs[routing.Profile.default].adjacency.values())} directed edges"
        )
        index = wayfinding_service.search_index(session, store.id, utcnow().date())  # type: ignore[arg-type]
        kiosks = [k for k in wayfinding_service.list_kiosks(session, store.id) if k.anchor_id]  # type: ignore[arg-type]
    times = []
    for _ in range(20):
        for query in QUERIES:
            t = time.perf_counter()
            search.find(index, query)
            times.append(time.perf_counter() - t)
    print(_row(f"search ({len(index.entries)} shops)", times))
    shops = list(loaded.occupant_by_shop)[:route_shops]
    for profile in routing.Profile:
        times = []
        for kiosk in kiosks:
            start = str(kiosk.anchor_id)
            for code in shops:
                goal = wayfinding_service.occupant_anchor(loaded, code)
                t = time.perf_counter()
                routing.route(loaded.graphs[profile], loaded.data, profile, start, goal)
                times.append(time.perf_counter() - t)
        print(_row(f"route {profile.value}", times))


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_pages(url: str, kiosks: int, rounds: int, think: float) -> None:
    """The server in a process of its own (as it runs in a store: the load generator's threads must not share
    its interpreter lock), ``kiosks`` threads here, each tapping a page every ``think`` seconds (± half)."""
    import subprocess

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SMARTSTORE_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "store.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--ws",
            "none",
            "--lifespan",
            "off",
        ],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    base = f"http://127.0.0.1:{port}"
    from store import db
    from store.premises import service as premises_service
    from store.wayfinding import service as wayfinding_service

    with db.unit_of_work() as session:
        store = premises_service.default_store(session)
        codes = [k.code for k in wayfinding_service.list_kiosks(session, store.id)]  # type: ignore[arg-type]
        shops = [s.code for s in premises_service.list_shops(session, store.id, open_on=date.today())]  # type: ignore[arg-type]
        floors = [f.code for f in premises_service.list_floors(session, store.id)]  # type: ignore[arg-type]
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    client_cpu: list[float] = []  # the load generator's own CPU (its threads share this process)
    lock = threading.Lock()

    def kiosk(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=base, timeout=30) as client:
            client.get("/kiosk/", params={"kiosk": codes[n % len(codes)]})
            for _ in range(rounds):
                shop = rng.choice(shops)
                for kind, path, params in (
                    ("home", "/kiosk/", {}),
                    ("search", "/kiosk/search", {"q": rng.choice(QUERIES)}),
                    ("shop", f"/kiosk/shops/{shop}", {}),
                    ("route", "/kiosk/route", {"to": f"shop:{shop}", "mode": rng.choice(["default", "accessible"])}),
                    ("floor", f"/kiosk/floors/{rng.choice(floors)}", {}),
                ):
                    if think:
                        time.sleep(think * rng.uniform(0.5, 1.5))
                    t, c = time.perf_counter(), time.thread_time()
                    response = client.get(path, params=params)
                    elapsed = time.perf_counter() - t
                    with lock:
                        timings[kind].append(elapsed)
                        client_cpu.append(time.thread_time() - c)
                        if response.status_code >= 400:
                            errors.append(f"{kind} {response.status_code}")

    workers = [threading.Thread(target=kiosk, args=(n,)) for n in range(kiosks)]
    started, cpu_started = time.perf_counter(), _cpu_s(server.pid)
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    total, server_cpu = time.perf_counter() - started, _cpu_s(server.pid) - cpu_started
    server.terminate()
    server.wait(timeout=10)
    print(
        f"pages: {kiosks} concurrent kiosks × {rounds} rounds, a tap every {think:g} s (± half) per kiosk, "
        f"{sum(len(v) for v in timings.values())} requests in {total:.1f} s; errors: {len(errors)} {errors[:5]}"
    )
    for kind, values in timings.items():
        print(_row(f"page {kind}", values))
    every = [v for values in timings.values() for v in values]
    print(_row("page (all kinds)", every), "goal p95 < 100 ms")
    print(
        f"CPU: server {server_cpu * 1000 / max(1, len(every)):.1f} ms per request (its own process), "
        f"clients {sum(client_cpu) * 1000 / max(1, len(every)):.1f} ms; wall {total:.1f} s; "
        f"per-page CPU p50/p95: bench/profile_kiosk.py"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="seconds between a kiosk's taps, ± half (a shopper reads each screen; 0: flat out, a saturation run)",
    )
    parser.add_argument("--quick", action="store_true", help="5 kiosks, 3 rounds, routes to 40 shops")
    args = parser.parse_args()
    if args.db_url is None:
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        args.db_url = f"sqlite:///{folder / ('kiosk-quick.db' if args.quick else 'kiosk.db')}"
    kiosks, rounds = (5, 3) if args.quick else (args.kiosks, args.rounds)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    build(args.db_url)
    bench_search_and_routes(40 if args.quick else None)
    bench_pages(args.db_url, kiosks, rounds, args.think)


if __name__ == "__main__":
    main()
