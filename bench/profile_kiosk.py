"""CPU cost of each kiosk page, in process (no HTTP, no threads): what a loaded machine cannot blur.

    .venv/bin/python bench/profile_kiosk.py [--db-url URL] [--n 30] [--direct] [--profile KIND]

Builds the same store as ``bench_kiosk.py`` (demo premises + wayfinding, plus the rentals hook's stations),
warms each page once, then requests it ``--n`` times through the ASGI app and prints CPU ms per request
(``time.process_time``) beside wall ms. ``--direct``: each endpoint called in this thread, no HTTP (CPU ms p50/p95
of the page's own work). ``--profile KIND``: cProfile of that page kind, top 30 by
cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_kiosk  # noqa: E402


def pages(client, codes):  # type: ignore[no-untyped-def]
    shops, floors = codes
    rng = random.Random(7)
    return {
        "home": lambda: client.get("/kiosk/"),
        "search": lambda: client.get("/kiosk/search", params={"q": rng.choice(bench_kiosk.QUERIES)}),
        "shop": lambda: client.get(f"/kiosk/shops/{rng.choice(shops)}"),
        "route": lambda: client.get("/kiosk/route", params={"to": f"shop:{rng.choice(shops)}"}),
        "floor": lambda: client.get(f"/kiosk/floors/{rng.choice(floors)}"),
        "rentals": lambda: client.get("/kiosk/rentals"),
    }


def profile_direct(kind: str, n: int, cookie: str, shops: list[str], floors: list[str], *, timed: bool = False) -> None:
    """cProfile of one page kind, the endpoint called in this thread (the server's worker threads escape cProfile);
    ``timed``: no profiler, CPU ms per call p50/p95 instead."""
    from starlette.requests import Request

    from kiosk import guide, web
    from store import db

    rng = random.Random(7)

    def request(path: str, query: str = "") -> Request:
        headers = [(b"host", b"testserver"), (b"cookie", f"kiosk={cookie}".encode())]
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": query.encode(),
            "headers": headers,
            "scheme": "http",
            "server": ("testserver", 80),
            "root_path": "",
        }
        return Request(scope)

    def once(session) -> None:  # type: ignore[no-untyped-def]
        shop = rng.choice(shops)
        if kind == "home":
            web.home(request("/kiosk/"), session)
        elif kind == "search":
            q = rng.choice(bench_kiosk.QUERIES)
            guide.search_page(request("/kiosk/search", f"q={q}"), session, q=q)
        elif kind == "shop":
            guide.shop_page(request(f"/kiosk/shops/{shop}"), session, code=shop)
        elif kind == "route":
            guide.route_page(request("/kiosk/route", f"to=shop:{shop}"), session, to=f"shop:{shop}")
        elif kind == "floor":
            code = rng.choice(floors)
            web.floor(request(f"/kiosk/floors/{code}"), session, code=code)
        else:
            from kiosk import rentals

            rentals.rentals_page(request("/kiosk/rentals"), session)

    if timed:
        cpu = []
        for _ in range(n):
            with db.unit_of_work() as session:
                c = time.process_time()
                once(session)
                cpu.append((time.process_time() - c) * 1000)
        p95 = bench_kiosk._percentile(cpu, 0.95)
        print(f"{kind:<8} direct n={n}  CPU p50 {statistics.median(cpu):6.1f} ms  p95 {p95:6.1f}")
        return
    profiler = cProfile.Profile()
    for _ in range(n):
        with db.unit_of_work() as session:
            profiler.enable()
            once(session)
            profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--profile", default="")
    parser.add_argument("--direct", action="store_true", help="CPU ms of each endpoint called in this thread")
    args = parser.parse_args()
    if args.db_url is None:
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        args.db_url = f"sqlite:///{folder / 'kiosk.db'}"
    bench_kiosk.build(args.db_url)
    from datetime import date

    from fastapi.testclient import TestClient

    from store import db
    from store.app import create_app
    from store.premises import service as premises_service
    from store.wayfinding import service as wayfinding_service

    with db.unit_of_work() as session:
        store = premises_service.default_store(session)
        kiosk = wayfinding_service.list_kiosks(session, store.id)[0].code  # type: ignore[arg-type]
        shops = [s.code for s in premises_service.list_shops(session, store.id, open_on=date.today())]  # type: ignore[arg-type]
        floors = [f.code for f in premises_service.list_floors(session, store.id)]  # type: ignore[arg-type]
    with TestClient(create_app()) as client:
        client.get("/kiosk/", params={"kiosk": kiosk})
        kinds = pages(client, (shops, floors))
        for kind, call in kinds.items():
            assert call().status_code < 400 or kind == "rentals", kind  # rentals: a build without store.rentals
        if args.profile:
            profile_direct(args.profile, args.n, client.cookies.get("kiosk") or "", shops, floors)
            return
        if args.direct:
            for kind in ("home", "search", "shop", "route", "floor"):
                profile_direct(kind, args.n, client.cookies.get("kiosk") or "", shops, floors, timed=True)
            return
        for kind, call in kinds.items():
            cpu, wall = [], []
            for _ in range(args.n):
                c, w = time.process_time(), time.perf_counter()
                call()
                cpu.append((time.process_time() - c) * 1000)
                wall.append((time.perf_counter() - w) * 1000)
            p95 = bench_kiosk._percentile
            print(
                f"{kind:<8} n={args.n}  CPU p50 {statistics.median(cpu):6.1f} ms  p95 {p95(cpu, 0.95):6.1f}"
                f"  wall p50 {statistics.median(wall):6.1f} ms  p95 {p95(wall, 0.95):6.1f}"
            )


if __name__ == "__main__":
    main()
