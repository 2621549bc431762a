"""The pass-through on real TCP sockets: a fake printer answering DLE EOT, a till sending a receipt."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pos_bridge.capture.proxy import Proxy

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

FIXTURES = Path(__file__).parent / "fixtures"
STATUS_ONLINE = b"\x16"  # DLE EOT 1 answer: printer online, drawer closed


@dataclass
class FakePrinter:
    """A raw 9100 printer: keeps every byte and answers each DLE EOT n with a status byte."""

    received: bytearray = field(default_factory=bytearray)
    sock: socket.socket = field(default_factory=lambda: socket.create_server(("127.0.0.1", 0)))
    status: bytes = STATUS_ONLINE

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                while chunk := conn.recv(65536):
                    seen = len(self.received)
                    self.received += chunk
                    if b"\x10\x04" in self.received[max(seen - 2, 0) :]:
                        conn.sendall(self.status)


@dataclass
class Running:
    proxy: Proxy
    port: int
    jobs: list[bytes]
    printer: FakePrinter


@pytest.fixture
def running() -> Iterator[Running]:
    printer = FakePrinter()
    threading.Thread(target=printer.serve, daemon=True).start()
    jobs: list[bytes] = []
    proxy = Proxy(("127.0.0.1", printer.port), jobs.append, idle_s=5.0)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(proxy.start("127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield Running(proxy, port, jobs, printer)

    async def shutdown() -> None:
        server.close()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        await server.wait_closed()
        await asyncio.sleep(0.01)

    asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()
    printer.sock.close()


def _wait(predicate: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


class TestPassThrough:
    def test_till_gets_the_printers_status_reply_and_the_printer_every_byte(self, running: Running) -> None:
        receipt = (FIXTURES / "hand_gbk_sale.bin").read_bytes()
        with socket.create_connection(("127.0.0.1", running.port), timeout=10) as till:
            till.sendall(b"\x1b@\x1b=\x01\x10\x04\x01")  # a till's handshake: it waits for the reply
            assert till.recv(1) == STATUS_ONLINE
            till.sendall(receipt)
        _wait(lambda: running.jobs)
        assert running.jobs == [b"\x1b@\x1b=\x01\x10\x04\x01" + receipt]
        assert bytes(running.printer.received) == running.jobs[0]

    def test_paper_out_reaches_the_till_unchanged(self, running: Running) -> None:
        running.printer.status = b"\x72"  # paper end sensor: the proxy never fakes "online"
        with socket.create_connection(("127.0.0.1", running.port), timeout=10) as till:
            till.sendall(b"\x10\x04\x04")
            assert till.recv(1) == b"\x72"
        _wait(lambda: running.jobs)

    def test_a_slow_sender_is_one_job(self, running: Running) -> None:
        receipt = (FIXTURES / "escpos_sale.bin").read_bytes()
        with socket.create_connection(("127.0.0.1", running.port), timeout=10) as till:
            for start in range(0, len(receipt), 37):
                till.sendall(receipt[start : start + 37])
                time.sleep(0.005)
        _wait(lambda: running.jobs)
        assert running.jobs == [receipt]
        assert bytes(running.printer.received) == receipt


class TestPrinterAway:
    def test_till_sees_the_connection_refused_and_nothing_is_kept(self) -> None:
        dead = socket.create_server(("127.0.0.1", 0))
        port = dead.getsockname()[1]
        dead.close()
        jobs: list[bytes] = []
        proxy = Proxy(("127.0.0.1", port), jobs.append, connect_s=2.0)

        async def scenario() -> bytes:
            server = await proxy.start("127.0.0.1", 0)
            reader, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])
            writer.write(b"\x10\x04\x01")
            got = await asyncio.wait_for(reader.read(10), 10)
            writer.close()
            server.close()
            return got

        assert asyncio.run(scenario()) == b""  # closed: the till reports its printer offline
        assert proxy.printer_ok is False
        assert jobs == []
