"""Many tills at once against a live server on its own database: every sale answered 2xx, none twice.

Issue 7 (2): 32 concurrent tills got 500 "database is locked" and dropped connections on SQLite; a
retry that arrived while the first post was still running got 409 "order number … is already recorded"
on PostgreSQL, so a till could drop a sale that was recorded.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from sqlmodel import Session, func, select

from store import db
from store.db import get_engine, unit_of_work
from store.sales import ingest
from store.sales.models import Order
from store.sales.schemas import OrderCreate
from tests.conftest import separate_database
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_till, order_body

ORDERS = "/api/v1/sales/orders"
BATCH = "/api/v1/sales/orders/batch"
TILLS = 32


@dataclass
class Store:
    url: str
    shop: object
    keys: list[str]
    principal: object


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The server on a free port and its own migrated database, with a shop and 32 tills."""
    from store.app import create_app
    from store.auth.deps import Principal

    with separate_database(tmp_path_factory.mktemp("tills"), "tills"):
        with unit_of_work() as session:
            shop = create_shop(session, create_store(session))
            tills = [create_till(session, shop) for _ in range(TILLS)]
            principal = Principal(store_id=shop.store_id, shop_id=shop.id, device=tills[0][1])
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        yield Store(f"http://127.0.0.1:{port}", shop, [key for key, _ in tills], principal)
        server.should_exit = True
        thread.join(timeout=10)


def _orders() -> int:
    with Session(get_engine()) as session:
        return session.exec(select(func.count()).select_from(Order)).one()


class TestThirtyTwoTillsAtOnce:
    def test_every_sale_is_answered_2xx_and_recorded_once(self, live):
        before = _orders()

        def till(n: int) -> list[int]:
            statuses = []
            with httpx.Client(base_url=live.url, headers={"X-Device-Key": live.keys[n]}, timeout=60) as client:
                for i in range(4):
                    headers = {"Idempotency-Key": f"till{n}-{i}"}
                    statuses.append(client.post(ORDERS, json=order_body(live.shop), headers=headers).status_code)
                batch = [{"idempotency_key": f"till{n}-b{i}", "order": order_body(live.shop)} for i in range(3)]
                reply = client.post(BATCH, json={"sales": batch})
                statuses += [reply.status_code, *(r["status"] for r in reply.json()["results"])]
            return statuses

        with ThreadPoolExecutor(TILLS) as pool:
            answers = [status for statuses in pool.map(till, range(TILLS)) for status in statuses]
        assert sorted(set(answers)) == [200, 201]
        assert _orders() - before == TILLS * 7


class TestRetryWhileTheFirstIsRunning:
    def _hold_first(self, live, key: str, body: dict, started: threading.Event, release: threading.Event) -> None:
        """Post the sale in a transaction of its own that stays open until ``release`` is set."""
        with Session(get_engine()) as session:  # not a request's unit: its writes wait for this commit
            ingest.post(
                session, live.principal, [ingest.Sale(key, OrderCreate.model_validate(body))], scope=_scope(live)
            )
            started.set()
            release.wait(10)
            session.commit()

    @pytest.mark.postgres
    def test_postgres_answers_in_progress_then_the_first_result(self, live):
        body, started, release = order_body(live.shop), threading.Event(), threading.Event()
        first = threading.Thread(target=self._hold_first, args=(live, "slow-1", body, started, release))
        first.start()
        try:
            assert started.wait(10)
            headers = {"X-Device-Key": live.keys[0], "Idempotency-Key": "slow-1"}
            busy = httpx.post(live.url + ORDERS, json=body, headers=headers, timeout=30)
            assert busy.status_code == 409
            assert busy.json()["type"].endswith("idempotency-in-progress")
            assert busy.headers["Retry-After"] == "1"
        finally:
            release.set()
            first.join()
        done = httpx.post(live.url + ORDERS, json=body, headers=headers, timeout=30)
        assert done.status_code == 201
        assert done.json()["order_no"] == body["order_no"]
        assert _count_number(body["order_no"]) == 1

    def test_sqlite_retry_waits_for_the_first_and_gets_its_result(self, live):
        if get_engine().dialect.name != "sqlite":
            pytest.skip("SQLite's write lock: PostgreSQL answers in progress instead (test above)")
        body, started, release = order_body(live.shop), threading.Event(), threading.Event()
        first = threading.Thread(target=self._hold_first, args=(live, "slow-2", body, started, release))
        first.start()
        try:
            assert started.wait(10)
            headers = {"X-Device-Key": live.keys[0], "Idempotency-Key": "slow-2"}
            with ThreadPoolExecutor(1) as pool:
                retry = pool.submit(httpx.post, live.url + ORDERS, json=body, headers=headers, timeout=30)
                time.sleep(0.3)  # the retry is now queued behind the first's write lock
                release.set()
                answer = retry.result()
        finally:
            release.set()
            first.join()
        assert answer.status_code == 201
        assert answer.json()["order_no"] == body["order_no"]
        assert _count_number(body["order_no"]) == 1


class TestATillIsNeverRefusedBecauseSomethingElseWrites:
    def test_a_post_waits_for_another_writer_instead_of_failing(self, live):
        if get_engine().dialect.name != "sqlite":
            pytest.skip("SQLite's database-wide write lock")
        holding, release = threading.Event(), threading.Event()

        def other_writer() -> None:  # e.g. an import's short write, in another connection
            with get_engine().connect() as conn, conn.execution_options(**{db.WRITE_INTENT: True}).begin():
                holding.set()
                release.wait(10)

        writer = threading.Thread(target=other_writer)
        writer.start()
        try:
            assert holding.wait(10)
            with ThreadPoolExecutor(1) as pool:
                post = pool.submit(
                    httpx.post, live.url + ORDERS, json=order_body(live.shop), headers={"X-Device-Key": live.keys[1]}
                )
                time.sleep(0.5)
                release.set()
                assert post.result().status_code == 201
        finally:
            release.set()
            writer.join()

    def test_the_server_keeps_answering_while_a_till_waits_for_another_writer(self, live):
        # A till's post runs on the event loop while the write lock is free; taken, it must wait on the
        # thread pool, not on the loop (which would hold up every other request until the lock came free).
        if get_engine().dialect.name != "sqlite":
            pytest.skip("SQLite's database-wide write lock")
        holder = sqlite3.connect(get_engine().url.database, isolation_level=None)  # another process's writer
        holder.execute("BEGIN IMMEDIATE")
        before = _orders_raw()
        body, headers = order_body(live.shop), {"X-Device-Key": live.keys[3], "Idempotency-Key": "waits-1"}
        try:
            with ThreadPoolExecutor(1) as pool:
                post = pool.submit(httpx.post, live.url + ORDERS, json=body, headers=headers, timeout=30)
                time.sleep(0.5)  # the post has read and now waits for the lock
                assert httpx.get(live.url + "/healthz", timeout=5).status_code == 200
                assert not post.done()
                holder.execute("COMMIT")
                answer = post.result()
        finally:
            holder.close()
        assert answer.status_code == 201
        assert answer.json()["order_no"] == body["order_no"]
        assert _orders_raw() == before + 1
        again = httpx.post(live.url + ORDERS, json=body, headers=headers, timeout=30)  # the retry: the first result
        assert (again.status_code, again.json()) == (201, answer.json())

    def test_a_lock_held_past_the_busy_timeout_is_a_503_to_retry_not_a_500(self, live, monkeypatch):
        if get_engine().dialect.name != "sqlite":
            pytest.skip("SQLite's database-wide write lock")
        monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
        db.dispose_engines()  # new connections get the short busy timeout
        holding, release = threading.Event(), threading.Event()

        def other_writer() -> None:
            with get_engine().connect() as conn:
                writing = conn.execution_options(**{db.WRITE_INTENT: True}).begin()
                holding.set()
                release.wait(10)
                writing.rollback()

        writer = threading.Thread(target=other_writer)
        writer.start()
        try:
            assert holding.wait(10)
            before = _orders_raw()
            reply = httpx.post(
                live.url + ORDERS, json=order_body(live.shop), headers={"X-Device-Key": live.keys[2]}, timeout=30
            )
        finally:
            release.set()
            writer.join()
            after = _orders_raw()
            monkeypatch.undo()
            db.dispose_engines()  # back to the usual busy timeout for whatever runs next
        assert reply.status_code == 503
        assert reply.json()["type"].endswith("database-busy")
        assert reply.headers["Retry-After"] == "1"
        assert after == before


def _scope(live) -> str:
    return f"{live.principal.label}:POST {ORDERS}"


def _count_number(order_no: str) -> int:
    with Session(get_engine()) as session:
        return session.exec(select(func.count()).select_from(Order).where(Order.order_no == order_no)).one()


def _orders_raw() -> int:
    with get_engine().connect() as conn:
        return conn.execute(text("SELECT count(*) FROM sales_order")).scalar_one()
