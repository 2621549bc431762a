"""Parking figures over the demo car park: fee quote p99, find-my-car p99 (exact and misread plates, and the
route from each entrance kiosk to the car's zone), with CPU time beside wall time (the machine is shared).

    .venv/bin/python bench/bench_parking.py [--db-url URL] [--rounds 20]

Without ``--db-url`` the store goes into ``var/bench/parking.db`` (SQLite): the demo's premises, wayfinding and
parking hooks (the parking hook timed: goal a few seconds). Sales history is not built (quotes of member plates
read an empty day).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo_store import build_map_store  # noqa: E402


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _timed(name: str, calls: list[Callable[[], object]], rounds: int) -> None:
    wall, cpu = [], []
    for _ in range(rounds):
        for call in calls:
            w, c = time.perf_counter(), time.process_time()
            call()
            wall.append((time.perf_counter() - w) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    print(
        f"{name:<34} n={len(wall):>5}  wall p50 {statistics.median(wall):6.2f} p99 {_pct(wall, 0.99):6.2f} ms  "
        f"cpu p50 {statistics.median(cpu):6.2f} p99 {_pct(cpu, 0.99):6.2f} ms"
    )


def build(url: str) -> None:
    """Migrate and fill with the demo premises, wayfinding and parking hooks (parking timed), unless a store exists."""
    timings = build_map_store(url, "store.parking.demo")
    if timings is not None:
        wall, cpu = timings["store.parking.demo"]
        print(f"demo parking hook: wall {wall:.2f} s, cpu {cpu:.2f} s (goal: a few seconds)")


def bench(rounds: int) -> None:
    from store import db
    from store.parking import plates
    from store.parking import service as parking_service
    from store.premises import service as premises_service
    from store.wayfinding import routing
    from store.wayfinding import service as wayfinding_service

    with db.unit_of_work() as session:
        store_id = premises_service.default_store(session).id or 0
        stays = parking_service.in_lot(session, store_id)
        kiosks = [k for k in wayfinding_service.list_kiosks(session, store_id) if k.anchor_id]
        print(f"{len(stays)} cars in the car park, {len(kiosks)} kiosks")
        _timed("fee quote (service.quote)", [lambda s=s: parking_service.quote(session, s) for s in stays], rounds)
        _timed(
            "find-my-car, exact plate",
            [lambda p=s.plate: parking_service.find(session, store_id, p) for s in stays],
            rounds,
        )
        misread = [s.plate[:2] + plates.fold(s.plate[2:]).replace("B", "8") for s in stays]
        _timed(
            "find-my-car, misread plate",
            [lambda p=p: parking_service.find(session, store_id, p) for p in misread],
            rounds,
        )
        zone_goals = [parking_service.route_goal(session, store_id, parking_service.zone_of(session, s)) for s in stays]

        def route(start: str, goal: str | None) -> None:
            if goal:
                wayfinding_service.route(session, store_id, start, goal, routing.Profile.default)

        _timed(
            "route kiosk → car park entrance",
            [lambda k=k, g=g: route(f"anchor:{k.anchor_id}", g) for k in kiosks for g in zone_goals[:10]],
            rounds,
        )
        session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db-url", default="")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    url = args.db_url
    if not url:
        path = ROOT / "var" / "bench" / "parking.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    build(url)
    bench(args.rounds)


if __name__ == "__main__":
    main()
