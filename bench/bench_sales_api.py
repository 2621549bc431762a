"""Sustained sales per second through the HTTP API (one ``smartstore serve`` process, SQLite) and the
same orders inserted directly through ``sales_service.create_order``, in the same run.

    .venv/bin/python bench/bench_sales_api.py --orders 2000 [--workers 8] [--time-limit 300]

Everything runs on a fresh SQLite file in a temporary folder; the server listens on loopback only.
Each order has 3 lines and one payment, as a till sends it, with an ``Idempotency-Key``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _order(shop_id: int, number: str, ordered_at: str) -> dict[str, Any]:
    lines = [("MILK-1L", 2, 1290, 0), ("BREAD-01", 1, 850, 50), ("APPLE-KG", 3, 990, 0)]
    rows = [
        {"sku": sku, "name": sku, "quantity": q, "unit_price_fen": p, "discount_fen": d, "total_fen": q * p - d}
        for sku, q, p, d in lines
    ]
    subtotal = sum(r["total_fen"] for r in rows)
    return {
        "order_no": number,
        "shop_id": shop_id,
        "channel": "offline",
        "ordered_at": ordered_at,
        "subtotal_fen": subtotal,
        "discount_fen": 0,
        "total_fen": subtotal,
        "lines": rows,
        "payments": [{"method": "wechat", "amount_fen": subtotal}],
    }


def _setup(url: str) -> tuple[int, str]:
    """Migrate the database and create a store, a shop and a POS terminal; returns (shop id, device key)."""
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    from store import migrate
    from store.auth import service as auth_service
    from store.auth.models import DeviceKind
    from store.db import get_engine, unit_of_work
    from store.premises import service as premises_service
    from store.premises.schemas import FloorCreate, ShopCreate, StoreCreate

    engine = get_engine(url)
    migrate.upgrade(engine)
    with unit_of_work(engine) as session:
        store = premises_service.create_store(session, StoreCreate(code="BENCH", name="压测店", name_en="Bench"))
        premises_service.create_floor(session, store.id, FloorCreate(code="1F", level=1, name="一层", name_en="1F"))
        shop = premises_service.create_shop(
            session,
            store.id,
            ShopCreate(
                code="1F-01",
                name="超市",
                name_en="Market",
                category="supermarket",
                floor_code="1F",
                selling_area_m2=500,
                opened_on=date.today() - timedelta(days=400),
            ),
        )
        key, _ = auth_service.create_device(
            session, store_id=store.id, kind=DeviceKind.pos_terminal, name="Till 1", shop_id=shop.id
        )
        return shop.id, key  # type: ignore[return-value]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = Path(sys.executable).parent / "smartstore"
    argv = [str(command)] if command.exists() else [sys.executable, "-c", "from store.cli import main; main()"]
    env = {**os.environ, "SMARTSTORE_DATABASE_URL": url, "SMARTSTORE_LOG_LEVEL": "WARNING"}
    # The server's output goes to a file: an unread pipe fills up and stalls the server.
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [*argv, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("server did not answer /healthz within 60 s")


def _post_all(port: int, key: str, shop_id: int, count: int, workers: int, limit_s: float) -> tuple[int, int, float]:
    """Post ``count`` orders with ``workers`` threads, stopping at ``limit_s``; returns (ok, failed, seconds)."""
    url = f"http://127.0.0.1:{port}/api/v1/sales/orders"
    ordered_at = (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 60))) + "+00:00"
    started = time.perf_counter()
    deadline = started + limit_s
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    with httpx.Client(headers={"X-Device-Key": key}, limits=limits, timeout=60) as client:

        def post(n: int) -> bool:
            if time.perf_counter() > deadline:
                return False
            body = _order(shop_id, f"API{n:07d}", ordered_at)
            try:
                response = client.post(url, json=body, headers={"Idempotency-Key": f"bench-{n}"})
            except httpx.HTTPError:
                return False
            return response.status_code == 201

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(post, range(count)))
    return sum(results), len(results) - sum(results), time.perf_counter() - started


def _direct(url: str, shop_id: int, count: int) -> float:
    """The same orders through the service in one unit of work; returns seconds."""
    from store.db import get_engine, unit_of_work
    from store.premises import service as premises_service
    from store.sales import service as sales_service
    from store.sales.schemas import OrderCreate

    ordered_at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 60)) + "+00:00"
    orders = [OrderCreate.model_validate(_order(shop_id, f"SVC{n:07d}", ordered_at)) for n in range(count)]
    started = time.perf_counter()
    with unit_of_work(get_engine(url)) as session:
        store_id = premises_service.default_store(session).id
        for data in orders:
            sales_service.create_order(session, store_id, data)  # type: ignore[arg-type]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders per path (max 100000)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--time-limit", type=float, default=300, help="stop posting after this many seconds")
    args = parser.parse_args()
    count = max(1, min(args.orders, 100_000))
    with tempfile.TemporaryDirectory(prefix="bench-sales-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        shop_id, key = _setup(url)
        port = _free_port()
        log = Path(folder) / "server.log"
        server = _serve(url, port, log)
        try:
            ok, failed, api_s = _post_all(port, key, shop_id, count, args.workers, args.time_limit)
        finally:
            server.terminate()  # the server we started, by its own pid
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        direct_s = _direct(url, shop_id, count)
        errors = log.read_text(errors="replace").count("unhandled error")
    api_rate, direct_rate = ok / api_s, count / direct_s
    print(f"\nsales posting, 3 lines per order, SQLite, one server process, {args.workers} clients\n")
    print(f"{'path':<34}{'orders':>8}{'failed':>8}{'seconds':>10}{'orders/s':>11}")
    print(f"{'HTTP API (POST /sales/orders)':<34}{ok:>8}{failed:>8}{api_s:>10.1f}{api_rate:>11.1f}")
    print(f"{'service (create_order, one UoW)':<34}{count:>8}{0:>8}{direct_s:>10.1f}{direct_rate:>11.1f}")
    if errors:
        print(f"\nthe server logged {errors} unhandled errors (SQLite 'database is locked' under concurrent writes)")
    print(f"\nratio service / API: {direct_rate / api_rate:.1f}x" if api_rate else "\nno order went through the API")


if __name__ == "__main__":
    main()
