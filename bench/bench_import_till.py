"""A till keeps selling while a big file is imported: ``smartstore serve`` on a fresh SQLite file, a till
posting one sale every 0.5 s, and ``smartstore import orders`` of 200,000 rows running meanwhile.

    .venv/bin/python bench/bench_import_till.py                  # 200,000 rows
    .venv/bin/python bench/bench_import_till.py --orders 20000   # a quick run

Goal (issue 7 item 2): every sale answered 2xx, p99 under 1 s, and the import all-or-nothing with no
traceback. The import checks and stages the file without the write lock and then writes in one short
transaction; the till's sales wait at most that long. Loopback only; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_data import ROOT, orders, premises, smartstore

PERIOD_S = 0.5


def _serve(url: str, port: int, log: Path, code: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SMARTSTORE_DATABASE_URL": url, "SMARTSTORE_LOG_LEVEL": "WARNING", "PYTHONPATH": str(code)}
    argv = [sys.executable, "-c", "from store.cli import main; main()", "serve", "--host", "127.0.0.1"]
    with log.open("wb") as sink:  # a file, not a pipe: an unread pipe would stall the server
        server = subprocess.Popen([*argv, "--port", str(port)], env=env, cwd=code, stdout=sink, stderr=sink)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("server did not answer /healthz within 120 s")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sale(shop_id: int, n: int) -> dict[str, object]:
    at = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    return {
        "order_no": f"TILL{n:06d}",
        "shop_id": shop_id,
        "channel": "offline",
        "ordered_at": at,
        "subtotal_fen": 1290,
        "discount_fen": 0,
        "total_fen": 1290,
        "lines": [
            {"sku": "MILK", "name": "MILK", "quantity": 1, "unit_price_fen": 1290, "discount_fen": 0, "total_fen": 1290}
        ],
        "payments": [{"method": "wechat", "amount_fen": 1290}],
    }


class Till(threading.Thread):
    """Posts a sale every PERIOD_S seconds (the next one as soon as an answer came, when late) until stopped."""

    def __init__(self, port: int, key: str, shop_id: int) -> None:
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/api/v1/sales/orders"
        self.key, self.shop_id = key, shop_id
        self.stop = threading.Event()
        self.results: list[tuple[float, int]] = []  # (seconds, status; 0 = no answer)

    def run(self) -> None:
        with httpx.Client(headers={"X-Device-Key": self.key}, timeout=30) as client:
            n, next_at = 0, time.monotonic()
            while not self.stop.is_set():
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += PERIOD_S
                n += 1
                started = time.perf_counter()
                try:
                    response = client.post(
                        self.url, json=_sale(self.shop_id, n), headers={"Idempotency-Key": f"till-{n}"}
                    )
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                self.results.append((time.perf_counter() - started, status))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--shops", type=int, default=150)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code to run (default: this one)")
    args = parser.parse_args()
    code = args.code.resolve()
    with tempfile.TemporaryDirectory(prefix="bench-import-till-") as name:
        folder = Path(name)
        db = folder / "bench.db"
        url = f"sqlite:///{db}"
        assert smartstore("db", "upgrade", url=url, code_root=code).exit_code == 0
        files, codes = premises(folder, args.shops, date.today() - timedelta(days=3 * 365))
        for kind, file in zip(("store", "floors", "shops"), files, strict=True):
            assert smartstore("import", kind, str(file), url=url, code_root=code).exit_code == 0
        created = smartstore(
            "device", "create", "--kind", "pos_terminal", "--name", "Till 1", "--shop", codes[0], url=url
        )
        key = re.search(r"api key: (\S+)", created.output)
        assert key, created.output
        with sqlite3.connect(db) as conn:
            shop_id = conn.execute("SELECT id FROM shop WHERE code = ?", (codes[0],)).fetchone()[0]
        file = orders(folder / "orders.csv", codes, args.orders, datetime.now(UTC) - timedelta(minutes=5))
        port = _free_port()
        server = _serve(url, port, folder / "server.log", code)
        try:
            till = Till(port, key.group(1), shop_id)
            till.start()
            time.sleep(3)  # a few sales before the import starts
            imported = smartstore("import", "orders", str(file), url=url, code_root=code)
            time.sleep(3)
            till.stop.set()
            till.join(timeout=60)
        finally:
            server.terminate()  # the server this script started, by its own pid
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT count(*) FROM sales_order WHERE order_no LIKE 'IMP%'").fetchone()[0]
            till_rows = conn.execute("SELECT count(*) FROM sales_order WHERE order_no LIKE 'TILL%'").fetchone()[0]
    seconds = [s for s, _ in till.results]
    ok = sum(1 for _, status in till.results if 200 <= status < 300)
    failed = len(till.results) - ok
    print(f"\na till posting every {PERIOD_S} s during `smartstore import orders` of {args.orders:,} rows (SQLite)\n")
    print(
        f"import: {imported.seconds:.1f} s, exit {imported.exit_code}, "
        f"peak {imported.peak_mb:.0f} MB, rows stored {stored:,}"
    )
    print(f"        {imported.output.strip().splitlines()[0] if imported.output.strip() else '(no output)'}")
    print(f"        traceback printed: {'yes' if 'Traceback' in imported.output else 'no'}")
    print(
        f"till:   {len(seconds)} sales, {ok} answered 2xx, {failed} failed, {till_rows} stored; "
        f"p50 {statistics.median(seconds) * 1000:.0f} ms, p99 {_percentile(seconds, 0.99) * 1000:.0f} ms, "
        f"max {max(seconds) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
