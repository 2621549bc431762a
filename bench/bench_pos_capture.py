"""Receipt capture figures: receipts decoded and parsed per second, and the latency the pass-through adds.

    .venv/bin/python bench/bench_pos_capture.py [--quick] [--receipts 20000] [--round-trips 2000]

1. Throughput: ``--receipts`` receipts (the committed fixtures plus generated GBK receipts of 1–8 lines)
   through ``escpos.decode`` + ``parse.parse_decoded`` with the standard Chinese template, in one process.
2. Pass-through latency: a fake printer on a real TCP socket answers each ``DLE EOT 1`` with its status
   byte. A till sends the query and waits for the answer, ``--round-trips`` times, once straight to the
   printer and once through ``pos_bridge.capture.proxy.Proxy``; the p50/p99 of both and the difference
   (what capture adds) are printed. Then a 2 KB receipt's delivery to the printer, direct vs proxied.

``--quick``: 2,000 receipts and 300 round trips (the figures are then rougher).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pos_bridge.capture.proxy import Proxy  # noqa: E402
from store.capture.demo import ITEMS, receipt_bytes  # noqa: E402
from store.capture.escpos import decode  # noqa: E402
from store.capture.parse import parse_decoded  # noqa: E402
from store.capture.templates import ZH_BASIC  # noqa: E402

FIXTURES = ROOT / "tests" / "capture" / "fixtures"


def _receipts(count: int) -> list[bytes]:
    rng = random.Random(12)
    fixtures = [p.read_bytes() for p in sorted(FIXTURES.glob("*.bin"))]
    out = []
    for n in range(count):
        if n % 10 == 0:
            out.append(fixtures[n // 10 % len(fixtures)])
            continue
        items = [(name, rng.randint(1, 3), price) for name, price in rng.choices(ITEMS, k=rng.randint(1, 8))]
        from datetime import datetime

        out.append(receipt_bytes(f"T1-{n:06d}", datetime(2026, 11, 30, 12, 0), items))
    return out


def throughput(count: int) -> None:
    receipts = _receipts(count)
    kinds: dict[str, int] = {}
    start, cpu = time.perf_counter(), time.process_time()
    for data in receipts:
        kind = parse_decoded(decode(data), ZH_BASIC).kind
        kinds[kind.value] = kinds.get(kind.value, 0) + 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    size = sum(map(len, receipts)) / len(receipts)
    print(f"capture throughput: {count:,} receipts (mean {size:.0f} bytes) decoded+parsed in {elapsed:.2f} s")
    print(f"  = {count / elapsed:,.0f} receipts/s ({1e6 * elapsed / count:.0f} µs each); kinds {kinds}")
    print(f"  CPU {cpu:.2f} s for wall {elapsed:.2f} s = {count / cpu:,.0f} receipts per CPU second")


def _printer() -> tuple[socket.socket, int]:
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=_answer, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


def _answer(conn: socket.socket) -> None:
    with conn:
        while chunk := conn.recv(65536):
            if b"\x10\x04" in chunk or chunk.endswith(b"\x1dV\x00"):
                conn.sendall(b"\x16")


def _round_trips(port: int, count: int, payload: bytes) -> list[float]:
    times = []
    with socket.create_connection(("127.0.0.1", port)) as till:
        till.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(count):
            start = time.perf_counter()
            till.sendall(payload)
            assert till.recv(1) == b"\x16"
            times.append(time.perf_counter() - start)
    return times


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def latency(count: int) -> None:
    printer, printer_port = _printer()
    kept: list[int] = []
    proxy = Proxy(("127.0.0.1", printer_port), lambda data: kept.append(len(data)))
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(proxy.start("127.0.0.1", 0))
    proxy_port = server.sockets[0].getsockname()[1]
    threading.Thread(target=loop.run_forever, daemon=True).start()
    receipt = receipt_bytes("T1-000001", __import__("datetime").datetime(2026, 11, 30), [(n, 1, p) for n, p in ITEMS])
    receipt = (receipt * (2048 // len(receipt) + 1))[:2045] + b"\x1dV\x00"
    for label, payload, n in (("DLE EOT status query", b"\x10\x04\x01", count), ("2 KB receipt", receipt, count // 2)):
        direct = _round_trips(printer_port, n, payload)
        proxied = _round_trips(proxy_port, n, payload)
        d50, d99, p50, p99 = _pct(direct, 50), _pct(direct, 99), _pct(proxied, 50), _pct(proxied, 99)
        print(f"pass-through, {label} ({n} round trips, till → printer → till):")
        print(f"  direct  p50 {d50:.3f} ms  p99 {d99:.3f} ms")
        print(f"  proxied p50 {p50:.3f} ms  p99 {p99:.3f} ms   added: p50 {p50 - d50:+.3f} ms, p99 {p99 - d99:+.3f} ms")
    loop.call_soon_threadsafe(loop.stop)
    printer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--receipts", type=int, default=20_000)
    parser.add_argument("--round-trips", type=int, default=2_000)
    args = parser.parse_args()
    receipts, trips = (2_000, 300) if args.quick else (args.receipts, args.round_trips)
    try:
        load = " ".join(f"{x:.1f}" for x in __import__("os").getloadavg())
    except OSError:
        load = "?"
    print(f"load average: {load}")
    throughput(receipts)
    cpu = time.process_time()
    latency(trips)
    print(f"latency part: CPU {time.process_time() - cpu:.2f} s in this process (till, proxy, fake printer)")


if __name__ == "__main__":
    main()
