"""Crash safety: kill -9 the till agent and the store server, again and again, while the cashier sells.

A driver completes cash sales on the agent's screen API the whole time; 10 kills (5 of the agent, 5 of the
server, each process killed at a random moment once it is serving again, restarted at once) land in writes and
forwards (22 kills asserted the same and took twice as long: each kill waits for a Python process to start).
Afterwards the outbox must drain and the till's sales and the server's must be the same set: every sale the agent
acknowledged is in its outbox, and each outbox sale is stored once on the server under its till number.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from store import db
from store.sales.models import Order
from tests.conftest import separate_database
from tests.factories.catalog import create_sku
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_till

KILLS = {"agent": 5, "server": 5}  # 10 in all
ROOT = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


class Proc:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.args, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def restart(self) -> None:
        self.kill()
        self.start()


def _wait(url: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{url} did not come up")


@pytest.mark.slow
def test_kill_agent_and_server_loses_nothing_and_duplicates_nothing(tmp_path):
    with separate_database(tmp_path, "poskill") as url:
        with Session(db.get_engine()) as session:
            shop = create_shop(session, create_store(session))
            for n in (1, 2, 3):
                create_sku(session, shop, code=f"SKU-{n}", offline=100 * n)
            key, device = create_till(session, shop)
            session.commit()
            shop_id, device_id = shop.id, device.id
        server_port, agent_port = _port(), _port()
        server = Proc(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "tests.pos_bridge.till_server:create_app",
                "--port",
                str(server_port),
                "--log-level",
                "warning",
            ],
            _env(SMARTSTORE_DATABASE_URL=url),
            tmp_path / "server.log",
        )
        state = tmp_path / "till"
        agent = Proc(
            [sys.executable, "-c", "from pos_bridge.agent.commands import agent; agent()", "--port", str(agent_port)],
            _env(
                SMARTSTORE_POS_SERVER_URL=f"http://127.0.0.1:{server_port}",
                SMARTSTORE_POS_DEVICE_KEY=key,
                SMARTSTORE_POS_SHOP_ID=str(shop_id),
                SMARTSTORE_POS_TILL_CODE="K1",
                SMARTSTORE_POS_STATE_DIR=str(state),
                SMARTSTORE_POS_PRINTER="none",
                SMARTSTORE_POS_BACKOFF_MAX_S="0.5",
                SMARTSTORE_POS_HEARTBEAT_S="1",
                SMARTSTORE_POS_CATALOG_EVERY_S="2",
                SMARTSTORE_POS_REQUEST_TIMEOUT_S="2",
            ),
            tmp_path / "agent.log",
        )
        server.start()
        agent.start()
        agent_url = f"http://127.0.0.1:{agent_port}"
        _wait(f"http://127.0.0.1:{server_port}/healthz")
        _wait(f"{agent_url}/api/state")
        deadline = time.time() + 30
        while not httpx.get(f"{agent_url}/api/state").json()["catalog_version"]:  # the till has its catalogue
            assert time.time() < deadline, "catalogue never synced"
            time.sleep(0.05)

        acknowledged: list[str] = []
        stop = threading.Event()

        def sell() -> None:
            rng = random.Random(7)
            while not stop.is_set():
                body = {
                    "lines": [{"code": f"SKU-{rng.randint(1, 3)}", "quantity": rng.randint(1, 4)}],
                    "method": "cash",
                }
                try:
                    response = httpx.post(f"{agent_url}/api/sales", json=body, timeout=3)
                except httpx.HTTPError:
                    time.sleep(0.05)
                    continue
                if response.status_code == 200:
                    acknowledged.append(response.json()["order_no"])

        driver = threading.Thread(target=sell, daemon=True)
        driver.start()
        kills = {"agent": 0, "server": 0}

        def killer(name: str, proc: Proc, ready: str, seed: int) -> None:
            rng = random.Random(seed)
            for _ in range(KILLS[name]):
                _wait(ready)  # up again: the next kill lands in its work, not in its start-up
                time.sleep(rng.uniform(0.05, 0.4))
                proc.restart()
                kills[name] += 1

        killers = [
            threading.Thread(target=killer, args=("agent", agent, f"{agent_url}/api/state", 1)),
            threading.Thread(target=killer, args=("server", server, f"http://127.0.0.1:{server_port}/healthz", 2)),
        ]
        try:
            for thread in killers:
                thread.start()
            for thread in killers:
                thread.join()
            assert kills == KILLS
            time.sleep(0.3)
            stop.set()
            driver.join(timeout=10)
            _wait(f"http://127.0.0.1:{server_port}/healthz")
            _wait(f"{agent_url}/api/state")
            deadline = time.time() + 60
            while httpx.get(f"{agent_url}/api/state", timeout=5).json()["queued"]:
                assert time.time() < deadline, "the outbox never drained"
                time.sleep(0.1)
            till_state = httpx.get(f"{agent_url}/api/state", timeout=5).json()
        finally:
            stop.set()
            agent.kill()
            server.kill()

        with sqlite3.connect(state / "outbox.sqlite3") as conn:
            rows = conn.execute("SELECT order_no, till_seq, payload, state FROM entry WHERE kind = 'sale'").fetchall()
        till_sales = {(no, seq, json.loads(payload)["total_fen"]) for no, seq, payload, _ in rows}
        assert {s for _, _, _, s in rows} == {"sent"} and till_state["dead"] == 0
        with Session(db.get_engine()) as session:
            orders = session.exec(select(Order).where(Order.terminal_id == device_id)).all()
        server_sales = {(o.order_no, o.till_seq, o.total_fen) for o in orders}
        assert len(orders) == len(server_sales)  # nothing stored twice
        assert server_sales == till_sales  # nothing lost, nothing invented
        assert set(acknowledged) <= {no for no, _, _ in till_sales}  # every sale the cashier saw complete is kept
        assert len(acknowledged) >= 20, "the stream of sales was too thin to mean anything"
        assert sorted(seq for _, seq, _ in till_sales) == list(range(1, len(till_sales) + 1))
