"""Mixed load on the public HTTP API and pages, on SQLite and PostgreSQL, with one or several server processes,
and a fault run that kills the server and crash-restarts the database, then proves every acknowledged write
is stored exactly once.

    .venv/bin/python bench/bench_mixed_load.py                  # SQLite and PostgreSQL, one process, 20 s each
    .venv/bin/python bench/bench_mixed_load.py --scaling        # PostgreSQL with 1, 2, 4 processes; SQLite with 1, 2
    .venv/bin/python bench/bench_mixed_load.py --faults         # kill -9 / database restarts during the load

Who is simulated (closed loop, each virtual user sends its next request when the last one answered):

- tills posting sales (``POST /api/v1/sales/orders``, a POS terminal's ``X-Device-Key``, an ``Idempotency-Key``);
  a till keeps an unacknowledged order in its outbox and resends it with the same key, as a real till does;
- camera nodes posting footfall intervals (``POST /api/v1/footfall/counts``, same outbox rule);
- kiosks browsing (``/kiosk/`` and ``/kiosk/floors/{code}``);
- members checking points: there is no members module yet, so the closest existing read stands in for it,
  a member's orders through the sales API (``GET /api/v1/sales/orders?member_id=``, a cashier's token);
- managers opening the back office (``/admin/dashboard`` and ``/admin/kpi`` with a session cookie).

Everything drives the public HTTP API and the ``smartstore`` command only, on fresh databases (a demo at
``--scale``) in a temporary folder or fresh PostgreSQL databases, on 127.0.0.1, and stops by itself. With
several processes the load generator spreads requests over them round robin, as a reverse proxy would.
One ``smartstore worker`` runs alongside each configuration; a second one is started to show it is refused.
The fault run uses a throwaway PostgreSQL cluster of its own (``initdb`` into a temporary folder, a free port
from 5433) and never touches the shared server.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = os.environ.get("SMARTSTORE_DEMO_ADMIN_PASSWORD", "smartstore-demo")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
TIMEZONE = ZoneInfo("Asia/Shanghai")  # the demo store's
RETRY_STATUSES = {409, 429, 500, 502, 503, 504}  # 409: the same key is still in flight on another connection
MEMBER_OP = "member  GET sales/orders?member_id= *"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------------------------- processes


def smartstore_argv() -> list[str]:
    command = Path(sys.executable).parent / "smartstore"
    return [str(command)] if command.exists() else [sys.executable, "-c", "from store.cli import main; main()"]


def cli(url: str, *args: str, timeout: float = 600) -> str:
    env = {**os.environ, "SMARTSTORE_DATABASE_URL": url, "SMARTSTORE_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [*smartstore_argv(), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise SystemExit(f"smartstore {' '.join(args)} failed: {done.stderr[-2000:] or done.stdout[-2000:]}")
    return done.stdout


def free_port(start: int = 0) -> int:
    for port in [0] if start == 0 else range(start, start + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise SystemExit(f"no free port from {start}")


@dataclass
class Server:
    """One ``smartstore serve`` process on its own port; output goes to a file (an unread pipe stalls it)."""

    url: str
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    kills: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "SMARTSTORE_DATABASE_URL": self.url, "SMARTSTORE_LOG_LEVEL": "WARNING"}
        with self.log_path.open("ab") as sink:
            self.proc = subprocess.Popen(
                [*smartstore_argv(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, limit_s: float = 90) -> float:
        started = time.monotonic()
        while time.monotonic() - started < limit_s:
            if self.proc is None or self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                raise SystemExit(f"server on port {self.port} exited: {tail}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"server on port {self.port} did not answer /healthz within {limit_s:.0f} s")

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)  # our own child, by its pid
            self.proc.wait()
            self.kills += 1

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def cpu_seconds(self) -> float:
        """User + system CPU of the process so far (Linux /proc; 0 elsewhere or once it is gone)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()  # type: ignore[union-attr]
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, AttributeError, IndexError, ValueError):
            return 0.0

    def unhandled_errors(self) -> int:
        return self.log_path.read_text(errors="replace").count("unhandled error") if self.log_path.exists() else 0


def start_servers(url: str, count: int, folder: Path) -> list[Server]:
    servers = [Server(url, free_port(), folder / f"serve-{i + 1}.log") for i in range(count)]
    for server in servers:
        server.start()
    for server in servers:
        server.wait_ready()
    return servers


@dataclass
class WorkerCheck:
    holder_pid: int
    second_refused: bool
    second_message: str
    lock_rows: list[str]
    released: bool | None = None

    def line(self) -> str:
        ok = self.second_refused and len(self.lock_rows) == 1 and self.lock_rows[0].endswith(f":{self.holder_pid}")
        verdict = "one holder" if ok else "NOT exactly one holder"
        released = "" if self.released is None else (", lock released at stop" if self.released else ", lock KEPT")
        return (
            f"worker: {verdict} (pid {self.holder_pid}, lock rows {self.lock_rows}); a second worker "
            f"{'was refused' if self.second_refused else 'was NOT refused'}: {self.second_message!r}{released}"
        )


class Worker:
    """``smartstore worker`` once alongside the servers, and a second one that must be refused the lock."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder = url, folder
        self.proc: subprocess.Popen[bytes] | None = None
        self.check: WorkerCheck | None = None

    def start(self, engine: Engine) -> WorkerCheck:
        env = {**os.environ, "SMARTSTORE_DATABASE_URL": self.url, "SMARTSTORE_LOG_LEVEL": "WARNING"}
        with (self.folder / "worker-1.log").open("ab") as sink:
            self.proc = subprocess.Popen(
                [*smartstore_argv(), "worker"], env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        rows: list[str] = []
        while time.monotonic() < deadline and not rows:
            rows = lock_rows(engine)
            if not rows:
                time.sleep(0.3)
        second = subprocess.run(
            [*smartstore_argv(), "worker"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        message = (second.stderr or second.stdout).strip().splitlines()[-1:] or [""]
        self.check = WorkerCheck(self.proc.pid, second.returncode != 0, message[0], lock_rows(engine))
        return self.check

    def stop(self, engine: Engine | None) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if engine is not None and self.check is not None:
            with suppress(Exception):
                self.check.released = not lock_rows(engine)


def lock_rows(engine: Engine) -> list[str]:
    try:
        with engine.connect() as conn:
            return [str(r[0]) for r in conn.execute(text("SELECT holder FROM worker_lock WHERE name = 'worker'"))]
    except Exception:  # table missing or database briefly down: no holder seen
        return []


class OwnPostgres:
    """A throwaway PostgreSQL cluster in a temporary folder on a free port (run as ``postgres`` under root)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="smartstore-load-pg-"))
        self.data = self.folder / "data"
        self.port = free_port(5433)
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")
        self.restarts = 0

    def _run(self, *argv: str, timeout: float = 120) -> None:
        done = subprocess.run([*self.as_user, *argv], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise SystemExit(f"{Path(argv[0]).name} failed: {done.stderr[-2000:] or done.stdout[-2000:]}")

    def init(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        pg_ctl = str(self.bindir / "pg_ctl")
        self._run(pg_ctl, "-D", str(self.data), "-l", str(self.folder / "postgres.log"), "-w", "-o", options, "start")

    def crash_restart(self) -> float:
        """Stop as a crash does (``-m immediate``: no checkpoint, recovery from WAL at start) and start again."""
        started = time.monotonic()
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.start()
        self.restarts += 1
        return time.monotonic() - started

    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        with suppress(Exception):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------- databases


class Databases:
    """Fresh databases holding the demo: built once per backend, then copied (file copy or TEMPLATE)."""

    def __init__(self, folder: Path, scale: float, days: int) -> None:
        self.folder, self.scale, self.days = folder, scale, days
        self.templates: dict[str, str] = {}
        self.created: list[tuple[str, str]] = []  # (admin url, database name) to drop at the end
        self.count = 0

    def _demo(self, url: str) -> None:
        started = time.monotonic()
        cli(url, "db", "upgrade")
        cli(url, "demo", "--scale", str(self.scale), "--days", str(self.days))
        log(f"demo (scale {self.scale}, {self.days} days) built in {time.monotonic() - started:.0f} s")

    def sqlite(self) -> str:
        template = self.folder / "template.db"
        if "sqlite" not in self.templates:
            self._demo(f"sqlite:///{template}")
            self.templates["sqlite"] = str(template)
        self.count += 1
        target = self.folder / f"run-{self.count}.db"
        shutil.copyfile(template, target)
        for suffix in ("-wal", "-shm"):  # normally checkpointed away when the demo closed it
            if Path(f"{template}{suffix}").exists():
                shutil.copyfile(f"{template}{suffix}", f"{target}{suffix}")
        return f"sqlite:///{target}"

    def postgresql(self, admin_url: str) -> str:
        tag = f"smartstore_load_{os.getpid()}"
        if admin_url not in self.templates:
            name = f"{tag}_tpl"
            self._create(admin_url, name)
            self._demo(_with_db(admin_url, name))
            self.templates[admin_url] = name
        self.count += 1
        name = f"{tag}_{self.count}"
        self._create(admin_url, name, template=self.templates[admin_url])
        return _with_db(admin_url, name)

    def _create(self, admin_url: str, name: str, template: str | None = None) -> None:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        finally:
            engine.dispose()
        self.created.append((admin_url, name))

    def drop_all(self) -> None:
        for admin_url, name in reversed(self.created):
            with suppress(Exception):
                engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
                with engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                engine.dispose()
        self.created.clear()


def _with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


# --------------------------------------------------------------------------------------------- fixture


@dataclass
class Till:
    device_id: int
    key: str
    shop_id: int


@dataclass
class Fixture:
    tills: list[Till]
    camera_ids: list[int]
    camera_keys: list[str]
    entrances: list[int]
    floors: list[str]
    members: list[int]
    cashier_token: str
    manager_cookies: list[dict[str, str]]


def _token(client: httpx.Client, username: str) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    response.raise_for_status()
    return str(response.json()["access_token"])


def _page_session(base: str, username: str) -> dict[str, str]:
    """Sign in through the login form as a browser does (every hidden field sent back, Origin set)."""
    with httpx.Client(base_url=base, timeout=60) as browser:
        form = browser.get("/admin/login")
        form.raise_for_status()
        fields = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.text))
        fields.update(username=username, password=PASSWORD)
        done = browser.post("/admin/login", data=fields, headers={"Origin": base})
        if done.status_code not in (302, 303):
            raise SystemExit(f"sign-in of {username} answered {done.status_code}: {done.text[:300]}")
        return dict(browser.cookies.items())


def prepare(base: str, tills: int, cameras: int, managers: int) -> Fixture:
    """Devices, tokens and sessions through the API, as an administrator would set them up."""
    today = datetime.now(TIMEZONE).date()
    with httpx.Client(base_url=base, timeout=60) as client:
        admin = {"Authorization": f"Bearer {_token(client, 'admin')}"}
        shops = client.get(
            "/api/v1/premises/shops", params={"limit": 500, "open_on": today.isoformat()}, headers=admin
        ).json()["items"]
        if len(shops) < tills:
            raise SystemExit(f"only {len(shops)} shops trade today, {tills} tills asked for")
        till_rows = []
        for i, shop in enumerate(random.Random(7).sample(shops, tills)):
            made = client.post(
                "/api/v1/auth/devices",
                json={"kind": "pos_terminal", "name": f"Load till {i + 1}", "shop_id": shop["id"]},
                headers=admin,
            )
            made.raise_for_status()
            till_rows.append(Till(made.json()["id"], made.json()["api_key"], shop["id"]))
        camera_ids, camera_keys = [], []
        for i in range(cameras):
            made = client.post(
                "/api/v1/auth/devices", json={"kind": "camera_node", "name": f"Load camera {i + 1}"}, headers=admin
            )
            made.raise_for_status()
            camera_ids.append(made.json()["id"])
            camera_keys.append(made.json()["api_key"])
        zones = client.get("/api/v1/premises/zones", params={"kind": "entrance"}, headers=admin).json()
        floors = [f["code"] for f in client.get("/api/v1/premises/floors", headers=admin).json()]
        orders = client.get("/api/v1/sales/orders", params={"limit": 500}, headers=admin).json()["items"]
        members = sorted({o["member_id"] for o in orders if o.get("member_id")}) or [1]
        cashier = _token(client, "cashier")
    cookies = [_page_session(base, "manager") for _ in range(managers)]
    return Fixture(till_rows, camera_ids, camera_keys, [z["id"] for z in zones], floors, members, cashier, cookies)


# --------------------------------------------------------------------------------------------- load


@dataclass
class OpStats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Ledger:
    """What the writers sent and what the server acknowledged (2xx), for the exactly-once check."""

    orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # order_no -> {key, body, id, total}
    intervals: dict[str, dict[str, Any]] = field(default_factory=dict)  # idempotency key -> {body, ids}
    pending_orders: list[dict[str, Any]] = field(default_factory=list)
    pending_intervals: list[dict[str, Any]] = field(default_factory=list)
    retried_ok: int = 0  # acknowledged only after at least one resend


class Load:
    def __init__(self, bases: list[str], fixture: Fixture, run_tag: str, stats: dict[str, OpStats]) -> None:
        self.bases = bases
        self.fixture = fixture
        self.tag = run_tag
        self.stats = stats
        self.ledger = Ledger()
        self.stop = False
        self._next = itertools.count()
        self.client: httpx.AsyncClient | None = None
        self.cpu_note = ""
        self.cpu = (0.0, 0.0)  # seconds of CPU during the load: servers, load generator

    def base(self) -> str:
        return self.bases[next(self._next) % len(self.bases)]

    async def call(self, op: str, method: str, path: str, expect: tuple[int, ...], **kw: Any) -> httpx.Response | None:
        assert self.client is not None
        started = time.perf_counter()
        try:
            response = await self.client.request(method, self.base() + path, **kw)
        except httpx.HTTPError as exc:
            self.stats[op].errors[type(exc).__name__] += 1
            await asyncio.sleep(0.25)  # the server is down: back off a little, as a real client does
            return None
        if response.status_code in expect:
            self.stats[op].latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            self.stats[op].errors[str(response.status_code)] += 1
        return response

    # -- writers: an unacknowledged write stays in the outbox and is resent with the same key

    async def till(self, index: int, till: Till) -> None:
        op = "till    POST sales/orders"
        headers = {"X-Device-Key": till.key}
        rng = random.Random(index)
        for seq in itertools.count():
            if self.stop:
                return
            order_no = f"LB{self.tag}-{index:02d}-{seq:06d}"
            body = _order(till.shop_id, order_no, rng)
            entry = {"key": f"load-{self.tag}-{index}-{seq}", "body": body, "tries": 0}
            await self._deliver(op, "/api/v1/sales/orders", headers, entry, self._ack_order)

    async def camera(self, index: int) -> None:
        op = "camera  POST footfall/counts"
        headers = {"X-Device-Key": self.fixture.camera_keys[index]}
        rng = random.Random(1000 + index)
        # Minute intervals going back from 10 minutes ago, at a second offset no demo interval uses.
        base = datetime.now(UTC).replace(second=17 + index, microsecond=0) - timedelta(minutes=10)
        for seq in itertools.count():
            if self.stop:
                return
            start = (base - timedelta(minutes=seq)).isoformat()
            intervals = [
                {
                    "zone_id": zone,
                    "interval_start": start,
                    "interval_minutes": 1,
                    "count_in": rng.randint(0, 9),
                    "count_out": rng.randint(0, 9),
                }
                for zone in self.fixture.entrances
            ]
            entry = {"key": f"load-{self.tag}-cam{index}-{seq}", "body": {"intervals": intervals}, "tries": 0}
            await self._deliver(op, "/api/v1/footfall/counts", headers, entry, self._ack_counts)

    async def _deliver(
        self,
        op: str,
        path: str,
        headers: dict[str, str],
        entry: dict[str, Any],
        ack: Callable[[dict[str, Any], dict[str, Any]], None],
    ) -> None:
        """Send until acknowledged; when the run stops first, the entry stays pending for the drain."""
        while True:
            entry["tries"] += 1
            response = await self.call(
                op, "POST", path, (200, 201), json=entry["body"], headers={**headers, "Idempotency-Key": entry["key"]}
            )
            if response is not None and response.is_success:
                ack(entry, response.json())
                return
            if response is not None and response.status_code not in RETRY_STATUSES:
                entry["refused"] = f"{response.status_code} {response.text[:200]}"
                (self.ledger.pending_orders if "lines" in entry["body"] else self.ledger.pending_intervals).append(
                    entry
                )
                return
            if self.stop:
                (self.ledger.pending_orders if "lines" in entry["body"] else self.ledger.pending_intervals).append(
                    entry
                )
                return
            await asyncio.sleep(0.25)

    def _ack_order(self, entry: dict[str, Any], body: dict[str, Any]) -> None:
        self.ledger.orders[entry["body"]["order_no"]] = {**entry, "id": body["id"], "total": body["total_fen"]}
        self.ledger.retried_ok += int(entry["tries"] > 1)

    def _ack_counts(self, entry: dict[str, Any], body: dict[str, Any]) -> None:
        self.ledger.intervals[entry["key"]] = {**entry, "ids": [item["id"] for item in body["items"]]}
        self.ledger.retried_ok += int(entry["tries"] > 1)

    # -- readers

    async def kiosk(self, index: int) -> None:
        rng = random.Random(2000 + index)
        while not self.stop:
            if rng.random() < 0.4:
                await self.call("kiosk   GET /kiosk/", "GET", "/kiosk/", (200,))
            else:
                code = rng.choice(self.fixture.floors)
                await self.call("kiosk   GET /kiosk/floors/{code}", "GET", f"/kiosk/floors/{code}", (200,))

    async def member(self, index: int) -> None:
        rng = random.Random(3000 + index)
        headers = {"Authorization": f"Bearer {self.fixture.cashier_token}"}
        while not self.stop:
            member = rng.choice(self.fixture.members)
            path = f"/api/v1/sales/orders?member_id={member}&limit=20"
            await self.call(MEMBER_OP, "GET", path, (200,), headers=headers)

    async def manager(self, index: int) -> None:
        cookies = self.fixture.manager_cookies[index]
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        pages = [
            ("manager GET /admin/dashboard", "/admin/dashboard"),
            ("manager GET /admin/kpi?by=shop", "/admin/kpi?by=shop"),
            ("manager GET /admin/kpi?by=month", "/admin/kpi?by=month"),
        ]
        for op, path in itertools.cycle(pages):
            if self.stop:
                return
            await self.call(op, "GET", path, (200,), headers=headers)

    # -- drain and replay, after the load

    async def drain(self, limit_s: float) -> None:
        """Resend every unacknowledged write with its own key until acknowledged (servers up again).

        A write the server refused (a 4xx other than 409/429) stays pending: resending it cannot help.
        """
        deadline = time.monotonic() + limit_s
        for queue, path, kind, ack in (
            (self.ledger.pending_orders, "/api/v1/sales/orders", "till", self._ack_order),
            (self.ledger.pending_intervals, "/api/v1/footfall/counts", "camera", self._ack_counts),
        ):
            for entry in [e for e in queue if "refused" not in e]:
                headers = {**self._device_headers(entry, kind), "Idempotency-Key": entry["key"]}
                while time.monotonic() < deadline:
                    entry["tries"] += 1
                    op = f"{kind:<7} drain (resend)"
                    response = await self.call(op, "POST", path, (200, 201), json=entry["body"], headers=headers)
                    if response is not None and response.is_success:
                        ack(entry, response.json())
                        queue.remove(entry)
                        break
                    await asyncio.sleep(0.25)

    def _device_headers(self, entry: dict[str, Any], kind: str) -> dict[str, str]:
        if kind == "till":
            shop = entry["body"]["shop_id"]
            till = next(t for t in self.fixture.tills if t.shop_id == shop)
            return {"X-Device-Key": till.key}
        index = int(entry["key"].rsplit("-cam", 1)[1].split("-")[0])
        return {"X-Device-Key": self.fixture.camera_keys[index]}

    async def replay(self, sample: int) -> tuple[int, int]:
        """Resend acknowledged orders with their keys: each must answer the first order again."""
        assert self.client is not None
        same = 0
        chosen = list(self.ledger.orders.values())[:sample]
        for entry in chosen:
            headers = {**self._device_headers(entry, "till"), "Idempotency-Key": entry["key"]}
            response = await self.call(
                "till    replay (same key)", "POST", "/api/v1/sales/orders", (201,), json=entry["body"], headers=headers
            )
            if response is not None and response.is_success and response.json()["id"] == entry["id"]:
                same += 1
        return same, len(chosen)


def _order(shop_id: int, order_no: str, rng: random.Random) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for n in range(3):
        quantity, price = rng.randint(1, 3), rng.choice([590, 1290, 2990, 8800, 15900])
        discount = rng.choice([0, 0, 50])
        rows.append(
            {
                "sku": f"LOAD-{n + 1}",
                "name": f"load item {n + 1}",
                "quantity": quantity,
                "unit_price_fen": price,
                "discount_fen": discount,
                "total_fen": quantity * price - discount,
            }
        )
    subtotal = sum(r["total_fen"] for r in rows)
    ordered_at = (datetime.now(UTC) - timedelta(seconds=30)).replace(microsecond=0).isoformat()
    return {
        "order_no": order_no,
        "shop_id": shop_id,
        "channel": "offline",
        "ordered_at": ordered_at,
        "subtotal_fen": subtotal,
        "discount_fen": 0,
        "total_fen": subtotal,
        "lines": rows,
        "payments": [{"method": rng.choice(["wechat", "alipay", "unionpay"]), "amount_fen": subtotal}],
    }


# --------------------------------------------------------------------------------------------- checks


@dataclass
class Totals:
    orders: int
    revenue: int
    footfall: int


def kpi_totals(engine: Engine) -> Totals:
    with engine.connect() as conn:
        orders, revenue = conn.execute(
            text("SELECT COALESCE(SUM(orders), 0), COALESCE(SUM(revenue_fen), 0) FROM kpi_sales_daily")
        ).one()
        footfall = conn.execute(text("SELECT COALESCE(SUM(footfall_in), 0) FROM kpi_footfall_daily")).scalar_one()
    return Totals(int(orders), int(revenue), int(footfall))


def exactly_once(engine: Engine, ledger: Ledger, tag: str, camera_ids: list[int], before: Totals) -> list[str]:
    """Every acknowledged order and interval is stored once, with what was sent; the rollups moved by as much."""
    problems: list[str] = []
    with engine.connect() as conn:
        stored = {
            str(no): (int(n), int(total), int(first))
            for no, n, total, first in conn.execute(
                text(
                    "SELECT order_no, COUNT(*), MIN(total_fen), MIN(id) FROM sales_order "
                    "WHERE order_no LIKE :prefix GROUP BY order_no"
                ),
                {"prefix": f"LB{tag}-%"},
            )
        }
        placeholders = ", ".join(str(int(i)) for i in camera_ids) or "NULL"
        counted = {
            int(row_id): (int(count_in), int(zone), str(start))
            for row_id, count_in, zone, start in conn.execute(
                text(
                    "SELECT id, count_in, zone_id, interval_start FROM footfall_count "
                    f"WHERE device_id IN ({placeholders})"
                )
            )
        }
    for order_no, entry in ledger.orders.items():
        found = stored.get(order_no)
        if found is None:
            problems.append(f"acknowledged order {order_no} is missing")
        elif found[0] != 1:
            problems.append(f"order {order_no} is stored {found[0]} times")
        elif found[1] != entry["body"]["total_fen"] or found[2] != entry["id"]:
            problems.append(f"order {order_no} differs from what was acknowledged")
    unacked = set(stored) - set(ledger.orders)
    pending = {e["body"]["order_no"] for e in ledger.pending_orders}
    if unacked - pending:
        problems.append(f"{len(unacked - pending)} stored orders were never sent")
    acked_ids: dict[int, int] = {}
    for entry in ledger.intervals.values():
        for item, row_id in zip(entry["body"]["intervals"], entry["ids"], strict=True):
            acked_ids[row_id] = item["count_in"]
    for row_id, count_in in acked_ids.items():
        if row_id not in counted:
            problems.append(f"acknowledged footfall interval {row_id} is missing")
        elif counted[row_id][0] != count_in:
            problems.append(f"footfall interval {row_id} holds {counted[row_id][0]} people in, sent {count_in}")
    slots = [(zone, start) for _, zone, start in counted.values()]
    if len(slots) != len(set(slots)):
        problems.append(f"{len(slots) - len(set(slots))} footfall intervals are stored twice")
    after = kpi_totals(engine)
    orders_stored = len(stored)
    revenue_stored = sum(total for _, total, _ in stored.values())
    people_stored = sum(count_in for count_in, _, _ in counted.values())
    if after.orders - before.orders != orders_stored or after.revenue - before.revenue != revenue_stored:
        problems.append(
            f"sales rollup moved by {after.orders - before.orders} orders / {after.revenue - before.revenue} fen, "
            f"stored {orders_stored} orders / {revenue_stored} fen"
        )
    if after.footfall - before.footfall != people_stored:
        problems.append(f"footfall rollup moved by {after.footfall - before.footfall}, stored {people_stored} people")
    return problems


# --------------------------------------------------------------------------------------------- one run


@dataclass
class RunResult:
    label: str
    backend: str
    processes: int
    seconds: float
    stats: dict[str, OpStats]
    acked_orders: int
    acked_intervals: int
    problems: list[str]
    notes: list[str]
    server_cpu_s: float = 0.0

    def per_cpu_second(self) -> float:
        """Requests answered per second of server CPU: a figure the other work on a shared machine moves less."""
        return self.ok() / self.server_cpu_s if self.server_cpu_s else float("nan")

    def ok(self) -> int:
        return sum(len(s.latencies_ms) for op, s in self.stats.items() if not _after_load(op))

    def rate(self, prefix: str = "") -> float:
        done = sum(len(s.latencies_ms) for op, s in self.stats.items() if op.startswith(prefix) and not _after_load(op))
        return done / self.seconds if self.seconds else 0.0


def _after_load(op: str) -> bool:
    return "drain" in op or "replay" in op


@dataclass
class Plan:
    duration: float
    tills: int
    cameras: int
    kiosks: int
    members: int
    managers: int
    faults: bool = False


async def drive(
    servers: list[Server],
    fixture: Fixture,
    plan: Plan,
    tag: str,
    fault: Callable[[Load], Coroutine[Any, Any, None]] | None,
) -> tuple[Load, float]:
    stats: dict[str, OpStats] = defaultdict(OpStats)
    load = Load([s.base for s in servers], fixture, tag, stats)
    users = plan.tills + plan.cameras + plan.kiosks + plan.members + plan.managers
    limits = httpx.Limits(max_connections=users + 4, max_keepalive_connections=users + 4)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(20, connect=5)) as client:
        load.client = client
        tasks = [asyncio.create_task(load.till(i, t)) for i, t in enumerate(fixture.tills[: plan.tills])]
        tasks += [asyncio.create_task(load.camera(i)) for i in range(plan.cameras)]
        tasks += [asyncio.create_task(load.kiosk(i)) for i in range(plan.kiosks)]
        tasks += [asyncio.create_task(load.member(i)) for i in range(plan.members)]
        tasks += [asyncio.create_task(load.manager(i)) for i in range(plan.managers)]
        started = time.perf_counter()
        client_cpu, server_cpu = time.process_time(), sum(s.cpu_seconds() for s in servers)
        if fault is not None:  # the load lasts until the faults are over and the servers have answered a while
            await asyncio.gather(fault(load), asyncio.sleep(plan.duration))
        else:
            await asyncio.sleep(plan.duration)
        load.stop = True
        await asyncio.gather(*tasks)
        seconds = time.perf_counter() - started
        if fault is None:  # restarted servers lose their count
            load.cpu = (sum(s.cpu_seconds() for s in servers) - server_cpu, time.process_time() - client_cpu)
            load.cpu_note = (
                f"CPU during the load: servers {load.cpu[0]:.1f} s, load generator {load.cpu[1]:.1f} s, "
                f"in {seconds:.0f} s on {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} "
                "(on a shared machine other work takes the rest)"
            )
        await load.drain(limit_s=90)
        same, sampled = await load.replay(sample=20)
        if same != sampled:
            load.ledger.pending_orders.append({"replay": f"{sampled - same} of {sampled} replays differ"})
    return load, seconds


def run_config(
    backend: str, url: str, processes: int, plan: Plan, folder: Path, pg: OwnPostgres | None = None
) -> RunResult:
    label = f"{'SQLite' if backend == 'sqlite' else 'PostgreSQL'}, {processes} process{'es' * (processes > 1)}"
    label += ", faults" if plan.faults else ""
    run_folder = folder / f"{backend}-{processes}{'-faults' if plan.faults else ''}-{uuid.uuid4().hex[:4]}"
    run_folder.mkdir()
    tag = uuid.uuid4().hex[:6].upper()
    engine = create_engine(url, pool_pre_ping=True)
    servers: list[Server] = []
    worker = Worker(url, run_folder)
    notes: list[str] = []
    try:
        log(f"{label}: starting {processes} server process(es)")
        servers = start_servers(url, processes, run_folder)
        fixture = prepare(servers[0].base, plan.tills, plan.cameras, plan.managers)
        worker.start(engine)
        before = kpi_totals(engine)
        fault = _fault_schedule(servers, pg, plan.duration, notes) if plan.faults else None
        log(f"{label}: load for {plan.duration:.0f} s")
        load, seconds = asyncio.run(drive(servers, fixture, plan, tag, fault))
        unhandled = sum(s.unhandled_errors() for s in servers)
        if unhandled:
            notes.append(f"the servers logged {unhandled} unhandled errors (see {run_folder})")
        worker.stop(engine)
        notes.append(worker.check.line() if worker.check else "worker: not checked")
        for server in servers:
            server.stop()
        problems = exactly_once(engine, load.ledger, tag, fixture.camera_ids, before)
        problems += [
            str(e.get("replay") or f"never acknowledged: {e['key']} {e.get('refused', '')}")
            for e in load.ledger.pending_orders + load.ledger.pending_intervals
        ]
        if load.cpu_note:
            notes.append(load.cpu_note)
        cut = {
            op: sum(n for kind, n in s.errors.items() if kind in ("RemoteProtocolError", "ReadError"))
            for op, s in load.stats.items()
            if "POST" in op
        }
        if any(cut.values()):
            notes.append(f"writes cut off mid-request (the answer lost, the outcome unknown to the client): {cut}")
        if load.ledger.retried_ok:
            notes.append(f"{load.ledger.retried_ok} writes were acknowledged only after a resend with the same key")
        return RunResult(
            label,
            backend,
            processes,
            seconds,
            dict(load.stats),
            len(load.ledger.orders),
            sum(len(e["ids"]) for e in load.ledger.intervals.values()),
            problems,
            notes,
            load.cpu[0],
        )
    finally:
        worker.stop(None)
        for server in servers:
            server.stop()
        engine.dispose()


def _fault_schedule(
    servers: list[Server], pg: OwnPostgres | None, duration: float, notes: list[str]
) -> Callable[[Load], Coroutine[Any, Any, None]]:
    """kill -9 every server, crash-restart the database (PostgreSQL), kill -9 the servers again, 3 s apart.

    The load goes on until the last restart has served for 3 s (or ``duration``, if that is later).
    """

    async def kill_and_restart(what: str) -> None:
        started = time.monotonic()
        for server in servers:
            server.kill9()
        for server in servers:
            server.start()
        await asyncio.to_thread(lambda: [s.wait_ready() for s in servers])
        notes.append(
            f"{what}: kill -9 of {len(servers)} server(s), answering again after {time.monotonic() - started:.1f} s"
        )

    async def run(load: Load) -> None:
        await asyncio.sleep(duration * 0.2)
        await kill_and_restart("fault 1")
        await asyncio.sleep(3)
        if pg is not None:
            took = await asyncio.to_thread(pg.crash_restart)
            notes.append(f"fault 2: PostgreSQL stopped with -m immediate (a crash) and started again in {took:.1f} s")
        else:
            await kill_and_restart("fault 2 (SQLite has no server to restart: the app servers are killed again)")
        await asyncio.sleep(3)
        await kill_and_restart("fault 3")
        await asyncio.sleep(3)

    return run


# --------------------------------------------------------------------------------------------- report


def report(result: RunResult, plan: Plan) -> None:
    print()
    print(
        f"== {result.label}: {result.seconds:.0f} s, {plan.tills} tills, {plan.cameras} camera(s), "
        f"{plan.kiosks} kiosks, "
        f"{plan.members} member look-ups, {plan.managers} manager(s)"
    )
    print(f"{'operation':<38}{'ok':>7}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for op in sorted(result.stats, key=_op_order):
        s = result.stats[op]
        rate = "" if _after_load(op) else f"{len(s.latencies_ms) / result.seconds:.1f}"
        print(
            f"{op:<38}{len(s.latencies_ms):>7}{s.error_count():>8}{rate:>8}"
            f"{percentile(s.latencies_ms, 50):>9.0f}{percentile(s.latencies_ms, 95):>9.0f}"
            f"{percentile(s.latencies_ms, 99):>9.0f}"
        )
    everything = [v for op, s in result.stats.items() if not _after_load(op) for v in s.latencies_ms]
    print(
        f"{'all (during the load)':<38}{len(everything):>7}{'':>8}{result.rate():>8.1f}"
        f"{percentile(everything, 50):>9.0f}{percentile(everything, 95):>9.0f}{percentile(everything, 99):>9.0f}"
    )
    errors = {op: dict(s.errors) for op, s in result.stats.items() if s.errors}
    if errors:
        print(f"errors by kind: {errors}")
    print("* members checking points: no members module yet; a member's orders through the sales API stand in")
    for note in result.notes:
        print(f"  {note}")
    verdict = "EXACTLY ONCE" if not result.problems else "PROBLEMS"
    print(
        f"  {verdict}: {result.acked_orders} acknowledged sales and {result.acked_intervals} footfall intervals "
        "checked in the database (each stored once, as sent; the KPI rollups moved by exactly as much)"
    )
    for problem in result.problems[:20]:
        print(f"    - {problem}")


def _op_order(op: str) -> tuple[int, str]:
    order = ["till", "camera", "kiosk", "member", "manager"]
    return (next((i for i, p in enumerate(order) if op.startswith(p)), 9) + 10 * _after_load(op), op)


def summary(results: list[RunResult]) -> None:
    if len(results) < 2:
        return
    print("\n== throughput by configuration (requests answered per second during the load)")
    header = f"{'configuration':<34}{'all req/s':>10}{'sales/s':>9}{'sale p95':>10}{'pages/s':>9}"
    print(f"{header}{'req/CPU s':>10}{'errors':>8}{'once':>6}")
    for r in results:
        sales = r.stats.get("till    POST sales/orders", OpStats())
        pages = r.rate("kiosk") + r.rate("manager")
        errors = sum(s.error_count() for op, s in r.stats.items() if not _after_load(op))
        print(
            f"{r.label:<34}{r.rate():>10.1f}{r.rate('till'):>9.1f}{percentile(sales.latencies_ms, 95):>8.0f}ms"
            f"{pages:>9.1f}{r.per_cpu_second():>10.1f}{errors:>8}{'yes' if not r.problems else 'NO':>6}"
        )


# --------------------------------------------------------------------------------------------- main


@contextmanager
def workspace() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _counts(text_value: str) -> list[int]:
    counts = sorted({int(v) for v in text_value.split(",") if v.strip()})
    if not counts or any(c < 1 or c > 8 for c in counts):
        raise argparse.ArgumentTypeError("process counts are 1..8, e.g. 1,2,4")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--processes", type=_counts, default=None, help="server processes, e.g. 1,2,4 (default 1)")
    parser.add_argument("--scaling", action="store_true", help="PostgreSQL with 1,2,4 processes and SQLite with 1,2")
    parser.add_argument("--faults", action="store_true", help="kill -9 the servers and restart the database mid-run")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per configuration (max 300)")
    parser.add_argument("--tills", type=int, default=4)
    parser.add_argument("--cameras", type=int, default=1)
    parser.add_argument("--kiosks", type=int, default=4)
    parser.add_argument("--members", type=int, default=2)
    parser.add_argument("--managers", type=int, default=1)
    parser.add_argument("--scale", type=float, default=0.05, help="demo volume (smartstore demo --scale)")
    parser.add_argument("--days", type=int, default=400, help="demo history in days (a year back for the dashboard)")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="a PostgreSQL database to create the fresh ones from")
    parser.add_argument("--own-postgres", action="store_true", help="run the load on a throwaway cluster too")
    parser.add_argument("--pg-bin", type=Path, default=PG_BIN, help="folder of initdb and pg_ctl (fault run)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    plan = Plan(
        duration=max(5.0, min(args.duration, 300.0)),
        tills=max(1, min(args.tills, 64)),
        cameras=max(0, min(args.cameras, 8)),
        kiosks=max(0, min(args.kiosks, 64)),
        members=max(0, min(args.members, 64)),
        managers=max(0, min(args.managers, 8)),
        faults=args.faults,
    )
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results: list[RunResult] = []
    with workspace() as folder:
        dbs = Databases(folder, args.scale, args.days)
        pg: OwnPostgres | None = None
        try:
            for backend in backends:
                if backend == "sqlite":
                    counts = args.processes or ([1, 2] if args.scaling else [1])
                else:
                    counts = args.processes or ([1, 2, 4] if args.scaling else [1])
                admin_url = args.pg_url
                if backend == "postgresql" and (args.faults or args.own_postgres):
                    if pg is None:
                        pg = OwnPostgres(args.pg_bin)
                        pg.init()
                        log(f"throwaway PostgreSQL on 127.0.0.1:{pg.port} in {pg.folder}")
                    admin_url = pg.admin_url()
                for processes in counts:
                    url = dbs.sqlite() if backend == "sqlite" else dbs.postgresql(admin_url)
                    result = run_config(backend, url, processes, plan, folder, pg if backend == "postgresql" else None)
                    report(result, plan)
                    results.append(result)
        finally:
            dbs.drop_all()
            if pg is not None:
                pg.remove()
    summary(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([_as_json(r) for r in results], indent=2))
    if any(r.problems for r in results):
        sys.exit(1)


def _as_json(r: RunResult) -> dict[str, Any]:
    ops = {
        op: {
            "ok": len(s.latencies_ms),
            "errors": dict(s.errors),
            "p50_ms": percentile(s.latencies_ms, 50),
            "p95_ms": percentile(s.latencies_ms, 95),
            "p99_ms": percentile(s.latencies_ms, 99),
        }
        for op, s in r.stats.items()
    }
    return {
        "label": r.label,
        "backend": r.backend,
        "processes": r.processes,
        "seconds": r.seconds,
        "requests_per_s": r.rate(),
        "sales_per_s": r.rate("till"),
        "server_cpu_s": r.server_cpu_s,
        "requests_per_server_cpu_s": r.per_cpu_second(),
        "operations": ops,
        "acked_orders": r.acked_orders,
        "acked_intervals": r.acked_intervals,
        "problems": r.problems,
        "notes": r.notes,
        "day": date.today().isoformat(),
    }


if __name__ == "__main__":
    main()
