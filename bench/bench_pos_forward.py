"""Till outbox forwarding: sales per second from a backlog of 10,000 sales queued on a till.

    .venv/bin/python bench/bench_pos_forward.py [--sales 10000] [--batch 200] [--db-url URL]
    .venv/bin/python bench/bench_pos_forward.py --quick          # 1,000 sales

A fresh SQLite file in a temporary folder (or the empty database ``--db-url`` names) gets a store, a shop,
a till key and 3 SKUs; ``smartstore serve`` runs on loopback. The till's outbox (the agent's own SQLite file)
is filled with the backlog while the store is unreachable, as after an outage; then the agent's forwarder
(``pos_bridge.agent.forwarder``, the same code ``smartstore pos agent`` runs) drains it over HTTP in order,
batch by batch. Prints the drain time, sales/s, the batches sent and the sales the store holds afterwards,
and the CPU time of the store's server process and of the till (the machine is shared: CPU beside wall).
The shop's catalogue holds the two SKUs the sales name, so the store's SKU check (a till sells its shop's
catalogue: one query per batch) is part of what is measured.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_sales_api import _free_port, _setup  # noqa: E402


def _serve_store(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``smartstore serve`` on loopback, waited for up to 3 minutes (a loaded machine starts it slowly)."""
    env = {**os.environ, "SMARTSTORE_DATABASE_URL": url, "SMARTSTORE_LOG_LEVEL": "WARNING"}
    argv = [sys.executable, "-c", "from store.cli import main; main()", "serve", "--host", "127.0.0.1"]
    with log.open("wb") as sink:
        server = subprocess.Popen([*argv, "--port", str(port)], env=env, cwd=ROOT, stdout=sink, stderr=sink)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the store did not answer within 180 s")


def _catalogue(url: str) -> None:
    """The two SKUs the backlog's sales name, in the bench shop's catalogue (the store then checks them)."""
    from sqlmodel import select

    from store.catalog import service as catalog_service
    from store.db import get_engine, unit_of_work
    from store.premises.models import Shop

    with unit_of_work(get_engine(url)) as session:
        shop = session.exec(select(Shop)).one()
        for code, name in (("MILK-1L", "牛奶"), ("BREAD-01", "面包")):
            data = catalog_service.SkuIn(
                shop_id=shop.id,  # type: ignore[arg-type]
                product_code=f"P-{code}",
                name=name,
                category="food",
                sku=code,
            )
            catalog_service.upsert_sku(session, shop.store_id, data)


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _fill(outbox, shop_id: int, n: int) -> None:  # type: ignore[no-untyped-def]
    start = datetime.now(UTC) - timedelta(hours=3)
    for i in range(n):
        rows = [
            {
                "sku": "MILK-1L",
                "name": "牛奶",
                "quantity": 2,
                "unit_price_fen": 1290,
                "discount_fen": 0,
                "total_fen": 2580,
            },
            {
                "sku": "BREAD-01",
                "name": "面包",
                "quantity": 1,
                "unit_price_fen": 850,
                "discount_fen": 0,
                "total_fen": 850,
            },
        ]
        outbox.add_sale(
            {
                "order_no": f"B1-{i + 1:07d}",
                "shop_id": shop_id,
                "channel": "offline",
                "ordered_at": (start + timedelta(seconds=i)).isoformat(),
                "subtotal_fen": 3430,
                "discount_fen": 0,
                "total_fen": 3430,
                "lines": rows,
                "payments": [{"method": "cash", "amount_fen": 3430}],
            }
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--quick", action="store_true", help="1,000 sales")
    args = parser.parse_args()
    n = 1000 if args.quick else args.sales
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.db_url or f"sqlite:///{folder / 'store.db'}"
        shop_id, key = _setup(url)
        _catalogue(url)
        port = _free_port()
        server = _serve_store(url, port, folder / "server.log")
        try:
            from pos_bridge.agent.client import StoreClient
            from pos_bridge.agent.forwarder import Forwarder
            from pos_bridge.agent.outbox import Outbox
            from pos_bridge.agent.settings import PosSettings

            settings = PosSettings(
                server_url=f"http://127.0.0.1:{port}",
                device_key=key,
                shop_id=shop_id,
                batch_size=args.batch,
                state_dir=folder / "till",
                request_timeout_s=60,
            )
            outbox = Outbox(settings.state_dir / "outbox.sqlite3")
            started = time.perf_counter()
            _fill(outbox, shop_id, n)
            filled = time.perf_counter() - started
            forwarder = Forwarder(outbox, StoreClient(settings.server_url, key, timeout=60), settings)
            batches, started = 0, time.perf_counter()
            server_cpu, till_cpu = _cpu_s(server.pid), time.process_time()
            while outbox.counts()["queued"]:
                forwarder.forward()
                batches += 1
                if batches > n:  # pragma: no cover
                    raise SystemExit(f"not draining: {forwarder.last_error}")
            took = time.perf_counter() - started
            server_cpu, till_cpu = _cpu_s(server.pid) - server_cpu, time.process_time() - till_cpu
            counts = outbox.counts()
            from sqlalchemy import create_engine, text

            with create_engine(url).connect() as conn:
                stored = conn.execute(text("SELECT COUNT(*) FROM sales_order WHERE till_seq IS NOT NULL")).scalar()
        finally:
            server.terminate()
            server.wait()
    load = os.getloadavg()[0]
    print(f"backlog: {n} sales queued on the till in {filled:.1f} s ({n / filled:,.0f}/s into the outbox)")
    print(f"forwarded: {counts['sent']} sent, {counts['dead']} dead, {stored} stored by the store")
    print(f"drain: {took:.2f} s in {batches} batches of up to {args.batch} → {n / took:,.0f} sales/s")
    print(
        f"CPU during the drain: store server {server_cpu:.2f} s ({1000 * server_cpu / n:.2f} ms a sale), "
        f"till {till_cpu:.2f} s; wall {took:.2f} s"
    )
    print(f"load average at the end: {load:.1f} (on {os.cpu_count()} cores)")
    if stored != n or counts["sent"] != n:
        raise SystemExit("not every sale reached the store exactly once")


if __name__ == "__main__":
    main()
