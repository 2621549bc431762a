"""Sales ingest side by side in one run: a bare FastAPI echo app, ``GET /healthz``, single
``POST /api/v1/sales/orders``, batched ``POST /api/v1/sales/orders/batch`` and the service called directly.

    .venv/bin/python bench/bench_sales_api.py --orders 2000 [--workers 8] [--batch 100] [--time-limit 120]

Everything runs on a fresh SQLite file in a temporary folder; the servers listen on loopback only. Each
order has 3 lines and one payment, as a till sends it, with an ``Idempotency-Key`` (batched sales: one
key per sale). For each path it prints requests/s, sales/s, the server process's CPU ms per request (from
/proc, and the system part of it), both ratios to the echo (requests/s, and CPU ms per request: the one that
moves least with the machine's load) and, for the sales paths, SQL statements per order (counted by SQLite
in-process on the same app).
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ORDERS = "/api/v1/sales/orders"
BATCH = "/api/v1/sales/orders/batch"


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


def echo_app() -> Any:
    """The yardstick: a bare FastAPI app that parses the same JSON into a pydantic model and echoes it."""
    from fastapi import FastAPI

    from store.sales.schemas import OrderCreate

    app = FastAPI()

    @app.post("/echo", status_code=201)
    def echo(data: OrderCreate) -> OrderCreate:
        return data

    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(server: subprocess.Popen[bytes], port: int, log: Path, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"server on port {port} did not answer within 60 s")


def _start(argv: list[str], url: str, port: int, log: Path, ready_path: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SMARTSTORE_DATABASE_URL": url, "SMARTSTORE_LOG_LEVEL": "WARNING"}
    # The server's output goes to a file: an unread pipe fills up and stalls the server.
    with log.open("wb") as sink:
        server = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    _wait_ready(server, port, log, ready_path)
    return server


def _serve_store(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = Path(sys.executable).parent / "smartstore"
    argv = [str(command)] if command.exists() else [sys.executable, "-c", "from store.cli import main; main()"]
    return _start([*argv, "serve", "--host", "127.0.0.1", "--port", str(port)], url, port, log, "/healthz")


def _serve_echo(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, __file__, "--serve-echo", str(port)]
    return _start(argv, url, port, log, "/docs")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()  # a server this script started, by its own pid
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _cpu_s(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of process ``pid`` so far, all its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


class Result:
    def __init__(
        self, name: str, requests: int, sales: int, failed: int, seconds: float, cpu_s: tuple[float, float]
    ) -> None:
        self.name, self.requests, self.sales, self.failed = name, requests, sales, failed
        self.seconds, (self.user_s, self.sys_s) = seconds, cpu_s
        self.cpu_s = self.user_s + self.sys_s
        self.statements: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def sales_per_s(self) -> float:
        return self.sales / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_s / self.requests if self.requests else 0.0

    @property
    def sys_ms(self) -> float:
        return 1000 * self.sys_s / self.requests if self.requests else 0.0


Request = tuple[str, str, bytes | None, dict[str, str], int]  # method, path, body, headers, sales in it


def _drive(
    name: str, port: int, pid: int, requests: list[Request], workers: int, limit_s: float, ok: Callable[..., bool]
) -> Result:
    """Send ``requests`` over ``workers`` keep-alive connections; count answers ``ok`` accepts."""
    lock = threading.Lock()
    position = iter(range(len(requests)))
    tally = {"requests": 0, "sales": 0, "failed": 0}
    why: dict[str, int] = {}
    deadline = time.perf_counter() + limit_s

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < deadline:
            with lock:
                n = next(position, None)
            if n is None:
                break
            method, path, body, headers, sales = requests[n]
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
                good = ok(response.status, answer)
                reason = f"{response.status} {answer[:120]!r}"
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                good, reason = False, f"connection: {exc!r}"
            with lock:
                if not good:
                    why[reason] = why.get(reason, 0) + 1
                tally["requests"] += 1
                tally["sales" if good else "failed"] += sales if good else 1
        conn.close()

    cpu_before = _cpu_s(pid)
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    (user_after, sys_after) = _cpu_s(pid)
    cpu = (user_after - cpu_before[0], sys_after - cpu_before[1])
    for reason, times in sorted(why.items(), key=lambda item: -item[1])[:5]:
        print(f"  {name}: {times} × {reason}")
    return Result(name, tally["requests"], tally["sales"], tally["failed"], seconds, cpu)


def _ordered_at() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 60)) + "+00:00"


def _single_requests(key: str, shop_id: int, prefix: str, count: int, path: str) -> list[Request]:
    at = _ordered_at()
    return [
        (
            "POST",
            path,
            json.dumps(_order(shop_id, f"{prefix}{n:07d}", at)).encode(),
            {"X-Device-Key": key, "Content-Type": "application/json", "Idempotency-Key": f"{prefix}-{n}"},
            1,
        )
        for n in range(count)
    ]


def _batch_requests(key: str, shop_id: int, count: int, size: int) -> list[Request]:
    at = _ordered_at()
    requests: list[Request] = []
    for first in range(0, count, size):
        sales = [
            {"idempotency_key": f"B-{n}", "order": _order(shop_id, f"B{n:07d}", at)}
            for n in range(first, min(first + size, count))
        ]
        body = json.dumps({"sales": sales}).encode()
        requests.append(("POST", BATCH, body, {"X-Device-Key": key, "Content-Type": "application/json"}, len(sales)))
    return requests


def _batch_ok(status: int, body: bytes) -> bool:
    return status == 200 and all(item["status"] == 201 for item in json.loads(body)["results"])


def _statements_per_order(url: str, key: str, shop_id: int, count: int, batch: int) -> tuple[float, float | None]:
    """SQL statements per order for a single post and per sale in a batch, counted on an in-process app."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from store.app import create_app
    from store.db import get_engine

    engine = get_engine(url)
    seen = [0]

    def count_statement(*_args: Any) -> None:
        seen[0] += 1

    def trace(dbapi_conn: Any, _record: Any) -> None:
        # Counted by SQLite itself: the hot path sends its statements straight to the driver (store.driver_sql),
        # past SQLAlchemy's execution events.
        dbapi_conn.set_trace_callback(count_statement)

    engine.dispose()
    event.listen(engine, "connect", trace)
    try:
        with TestClient(create_app()) as client:
            single = _single_requests(key, shop_id, "S", count + 1, ORDERS)
            client.request(*single[0][:2], content=single[0][2], headers=single[0][3])  # warm the caches
            seen[0] = 0
            for method, path, body, headers, _ in single[1:]:
                client.request(method, path, content=body, headers=headers)
            per_order = seen[0] / count
            seen[0] = 0
            method, path, body, headers, sales = _batch_requests(key, shop_id, batch, batch)[0]
            response = client.request(method, path, content=body.replace(b'"B', b'"SB'), headers=headers)
            per_sale = seen[0] / sales if response.status_code == 200 else None
    finally:
        event.remove(engine, "connect", trace)
        engine.dispose()
    return per_order, per_sale


def _direct(url: str, shop_id: int, count: int) -> float:
    """The same orders through ``sales_service.create_order`` in one unit of work; returns seconds."""
    from store.db import get_engine, unit_of_work
    from store.premises import service as premises_service
    from store.sales import service as sales_service
    from store.sales.schemas import OrderCreate

    at = _ordered_at()
    orders = [OrderCreate.model_validate(_order(shop_id, f"SVC{n:07d}", at)) for n in range(count)]
    started = time.perf_counter()
    with unit_of_work(get_engine(url)) as session:
        store_id = premises_service.default_store(session).id
        for data in orders:
            sales_service.create_order(session, store_id, data)  # type: ignore[arg-type]
    return time.perf_counter() - started


def _report(results: list[Result], echo: Result, args: argparse.Namespace, errors: int) -> None:
    print(f"\nsales ingest, 3 lines per order, SQLite, one server process each, {args.workers} clients\n")
    header = f"{'path':<36}{'requests':>9}{'failed':>8}{'req/s':>9}{'sales/s':>9}{'CPU ms/req':>11}{'of it sys':>10}"
    print(header + f"{'× echo':>8}{'CPU × echo':>11}{'SQL/order':>10}")
    for r in results:
        ratio = f"{r.rps / echo.rps:.2f}" if echo.rps and r is not echo else ""
        by_cpu = f"{echo.cpu_ms / r.cpu_ms:.2f}" if r.cpu_ms and r is not echo else ""
        stmts = f"{r.statements:.1f}" if r.statements is not None else ""
        print(
            f"{r.name:<36}{r.requests:>9}{r.failed:>8}{r.rps:>9.0f}{r.sales_per_s:>9.0f}{r.cpu_ms:>11.2f}"
            f"{r.sys_ms:>10.2f}{ratio:>8}{by_cpu:>11}{stmts:>10}"
        )
    print("\n× echo: requests/s ÷ the echo's; CPU × echo: the echo's CPU ms/request ÷ this path's (load-insensitive)")
    if errors:
        print(f"\nthe server logged {errors} unhandled errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders per path (max 100000)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--batch", type=int, default=100, help="sales per batched request")
    parser.add_argument("--time-limit", type=float, default=120, help="stop each path after this many seconds")
    parser.add_argument("--serve-echo", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        import uvicorn

        uvicorn.run(echo_app(), host="127.0.0.1", port=args.serve_echo, log_level="warning", access_log=False)
        return
    count = max(1, min(args.orders, 100_000))
    with tempfile.TemporaryDirectory(prefix="bench-sales-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        shop_id, key = _setup(url)
        echo_port, store_port = _free_port(), _free_port()
        echo_server = _serve_echo(url, echo_port, Path(folder) / "echo.log")
        try:
            echo = _drive(
                "bare FastAPI echo (pydantic parse)",
                echo_port,
                echo_server.pid,
                _single_requests(key, shop_id, "E", count, "/echo"),
                args.workers,
                args.time_limit,
                lambda status, _body: status == 201,
            )
        finally:
            _stop(echo_server)
        log = Path(folder) / "server.log"
        server = _serve_store(url, store_port, log)
        try:
            health = [("GET", "/healthz", None, {}, 1)] * count
            created: Callable[..., bool] = lambda status, _body: status in (200, 201)  # noqa: E731
            results = [
                echo,
                _drive("GET /healthz", store_port, server.pid, health, args.workers, args.time_limit, created),
                _drive(
                    "POST /sales/orders (single)",
                    store_port,
                    server.pid,
                    _single_requests(key, shop_id, "A", count, ORDERS),
                    args.workers,
                    args.time_limit,
                    created,
                ),
                _drive(
                    f"POST /sales/orders/batch ({args.batch}/req)",
                    store_port,
                    server.pid,
                    _batch_requests(key, shop_id, count, args.batch),
                    args.workers,
                    args.time_limit,
                    _batch_ok,
                ),
            ]
        finally:
            _stop(server)
        errors = log.read_text(errors="replace").count("unhandled error")
        per_order, per_sale = _statements_per_order(url, key, shop_id, 20, args.batch)
        results[2].statements, results[3].statements = per_order, per_sale
        direct_s = _direct(url, shop_id, count)
        direct = Result("service create_order (one UoW)", count, count, 0, direct_s, (0.0, 0.0))
        _report(results, echo, args, errors)
        print(f"{direct.name:<36}{count:>9}{0:>8}{direct.rps:>9.0f}{direct.sales_per_s:>9.0f}{'(in-process)':>11}")


if __name__ == "__main__":
    main()
