"""The capture box at work: the proxy keeps each receipt on disk; an uploader sends them to the store in order.

Per receipt, oldest first: parse it with the shop's template (fetched from the store, kept for when the
store is away), post a parsed sale through ``POST /sales/orders`` with the receipt's ``Idempotency-Key``,
then upload its raw bytes (``POST /capture/jobs``), where the store keeps them for review and re-parsing.
Only then does the receipt leave the queue: a store that cannot be reached stops the queue (backoff up to
a minute), never loses or reorders it. A reprint whose order number is already taken is not a new sale.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from pos_bridge.capture.client import StoreClient, Unreachable, encode
from pos_bridge.capture.proxy import Proxy, split_address
from pos_bridge.capture.spool import Entry, Spool
from store.capture.parse import idempotency_key, parse, to_order
from store.capture.schemas import BoxConfig, HeartbeatIn, JobIn, JobKind

log = logging.getLogger("pos_bridge.capture")
MAX_BACKOFF_S = 60.0


class Uploader:
    def __init__(self, spool: Spool, client: StoreClient) -> None:
        self.spool = spool
        self.client = client
        self.config: BoxConfig | None = self._cached_config()
        self.uploaded = 0

    def _cached_config(self) -> BoxConfig | None:
        path = self.spool.root / "config.json"
        try:
            return BoxConfig.model_validate_json(path.read_text()) if path.exists() else None
        except ValueError:
            return None

    def refresh_config(self) -> None:
        self.config = self.client.config()
        (self.spool.root / "config.json").write_text(self.config.model_dump_json())

    def _post_sale(self, entry: Entry, data: bytes) -> int | None:
        config = self.config
        if config is None or config.template is None or config.shop_id is None:
            return None
        parsed = parse(data, config.template.spec)
        if parsed.kind != JobKind.sale:
            return None
        try:
            order = to_order(parsed, config.shop_id, config.timezone)
        except ValueError:
            return None  # the store reads it again on upload and queues it for review with the reason
        response = self.client.post_sale(order, idempotency_key(entry.sha256))
        if response.status_code in (200, 201):
            return int(response.json()["id"])
        log.info("sale not recorded (%s): %s", response.status_code, response.text[:300])
        return None  # refused (a number already taken: a reprint): the upload records why

    def send(self, entry: Entry) -> None:
        data = self.spool.read(entry)
        order_id = self._post_sale(entry, data)
        job = JobIn(seq=entry.seq, sha256=entry.sha256, raw_b64=encode(data), captured_at=entry.captured_at)
        job.order_id = order_id
        response = self.client.post_job(job)
        if response.status_code not in (200, 201):
            # A refusal that retrying cannot fix: set the receipt aside, keep the queue moving.
            log.error("receipt %s refused (%s): %s", entry.seq, response.status_code, response.text[:300])
            entry.path.rename(entry.path.with_suffix(".refused"))
            return
        self.spool.done(entry)
        self.uploaded += 1

    def drain(self) -> int:
        """Send what is queued, in order; stops at the first receipt the store cannot take now."""
        if self.config is None:
            self.refresh_config()
        sent = 0
        for entry in self.spool.pending():
            self.send(entry)
            sent += 1
        return sent


async def _upload_loop(uploader: Uploader, wake: asyncio.Event) -> None:
    backoff = 1.0
    while True:
        try:
            await asyncio.to_thread(uploader.refresh_config)
            await asyncio.to_thread(uploader.drain)
            backoff = 1.0
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), 30.0)
        except Exception as exc:  # unreachable, or refused (a revoked key): keep everything, try again later
            level = logging.WARNING if isinstance(exc, Unreachable) else logging.ERROR
            log.log(level, "upload paused, %d receipts wait: %s", len(uploader.spool.pending()), exc)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)


async def _heartbeat_loop(uploader: Uploader, proxy: Proxy, every_s: float) -> None:
    while True:
        beat = HeartbeatIn(
            backlog=len(uploader.spool.pending()), printer_ok=proxy.printer_ok, jobs_total=uploader.uploaded
        )
        with contextlib.suppress(Unreachable):
            await asyncio.to_thread(uploader.client.heartbeat, beat)
        await asyncio.sleep(every_s)


async def serve(
    *, listen: str, printer: str, server: str | None, key: str | None, spool: Path, heartbeat_s: float
) -> None:
    store = Spool(spool)
    wake = asyncio.Event()

    def keep(data: bytes) -> None:
        entries = store.add_job(data, now=datetime.now(UTC))
        log.info("job kept: %s", json.dumps([e.seq for e in entries]))
        wake.set()

    proxy = Proxy(split_address(printer), keep)
    host, port = split_address(listen)
    server_socket = await proxy.start(host, port)
    log.info("listening on %s:%s, printing to %s", host, port, printer)
    tasks = []
    if server and key:
        uploader = Uploader(store, StoreClient(server, key))
        tasks = [
            asyncio.create_task(_upload_loop(uploader, wake)),
            asyncio.create_task(_heartbeat_loop(uploader, proxy, heartbeat_s)),
        ]
    async with server_socket:
        await server_socket.serve_forever()
    for task in tasks:
        task.cancel()


def run_box(*, listen: str, printer: str, server: str | None, key: str | None, spool: Path, heartbeat_s: float) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(serve(listen=listen, printer=printer, server=server, key=key, spool=spool, heartbeat_s=heartbeat_s))
