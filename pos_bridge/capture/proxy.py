"""The pass-through: a raw TCP 9100 server in front of the real printer, byte for byte in both directions.

Every byte the till sends goes to the printer as it arrives (no buffering, Nagle off), and every byte the
printer answers (``DLE EOT`` status, ``GS a`` automatic status back) goes back to the till the same way:
the till sees the real printer, paper-out included; the proxy never answers in the printer's place. A copy
of the till's bytes becomes one job when the till closes the connection (or after ``idle_s`` of silence,
for tills that keep it open). Capturing never delays printing: the job is handed over after the fact.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable

log = logging.getLogger("pos_bridge.capture")
CHUNK = 64 * 1024
MAX_JOB = 16 * 1024 * 1024  # a job larger than this is cut into several (a runaway stream, not a receipt)

JobSink = Callable[[bytes], None]


def _nodelay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def split_address(address: str, default_port: int = 9100) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host:
        return address, default_port
    return host.strip("[]"), int(port)


class Proxy:
    """Listens like a printer; each connection is piped to ``printer`` and its bytes handed to ``on_job``."""

    def __init__(self, printer: tuple[str, int], on_job: JobSink, *, idle_s: float = 5.0, connect_s: float = 5.0):
        self.printer = printer
        self.on_job = on_job
        self.idle_s = idle_s
        self.connect_s = connect_s
        self.server: asyncio.Server | None = None
        self.printer_ok = True

    async def start(self, host: str, port: int) -> asyncio.Server:
        self.server = await asyncio.start_server(self._serve, host, port)
        return self.server

    async def _serve(self, till_in: asyncio.StreamReader, till_out: asyncio.StreamWriter) -> None:
        _nodelay(till_out)
        try:
            printer_in, printer_out = await asyncio.wait_for(asyncio.open_connection(*self.printer), self.connect_s)
        except (OSError, TimeoutError) as exc:
            # The till must see the printer is not there, as it would without the box: close, print nothing.
            self.printer_ok = False
            log.error("printer unreachable: %s", exc)
            till_out.close()
            return
        self.printer_ok = True
        _nodelay(printer_out)
        job = bytearray()
        back = asyncio.create_task(self._relay(printer_in, till_out))
        try:
            while True:
                try:
                    chunk = await asyncio.wait_for(till_in.read(CHUNK), self.idle_s)
                except TimeoutError:
                    self._emit(job)  # a till that keeps the connection open: a pause ends the job
                    continue
                if not chunk:
                    break
                printer_out.write(chunk)
                await printer_out.drain()
                job += chunk
                if len(job) >= MAX_JOB:
                    self._emit(job)
        except (ConnectionError, OSError) as exc:
            log.warning("connection ended: %s", exc)
        finally:
            with contextlib.suppress(OSError, ConnectionError):
                printer_out.write_eof()
            # Replies still on their way (a last status) reach the till before it is closed.
            with contextlib.suppress(TimeoutError, OSError, ConnectionError):
                await asyncio.wait_for(back, 2.0)
            back.cancel()
            for writer in (printer_out, till_out):
                writer.close()
            self._emit(job)

    async def _relay(self, printer_in: asyncio.StreamReader, till_out: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while chunk := await printer_in.read(CHUNK):
                till_out.write(chunk)
                await till_out.drain()

    def _emit(self, job: bytearray) -> None:
        if not job:
            return
        data = bytes(job)
        job.clear()
        try:
            self.on_job(data)
        except Exception:  # capture must never break printing
            log.exception("could not keep a job of %d bytes", len(data))
