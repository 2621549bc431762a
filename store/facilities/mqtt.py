"""The MQTT side of facilities: the subscriber `smartstore worker` runs, and the command publisher.

The subscriber queues every message paho hands it and a writer thread stores them in batches (one
transaction per batch, ``ingest.store_batch``). A batch that fails as a whole is retried message by
message, and a message that still fails is counted as ``error`` and dropped: one bad message never
stops the subscriber. Commands are published at QoS 1 and never retained, so a broker or device
restart cannot switch a load again (Tasmota#2424).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from uuid import uuid4

import paho.mqtt.client as paho
from sqlalchemy.engine import Engine
from sqlmodel import Session

from store.clock import utcnow
from store.config import StoreSettings, get_settings
from store.db import unit_of_work
from store.facilities import ingest

log = logging.getLogger("store.facilities")
Observer = Callable[[Counter[str]], None]  # told each batch's outcomes (metrics)
# Stores one batch in one transaction and counts its outcomes; other domains (parking) bring their own.
BatchStore = Callable[[Session, list[ingest.Message], datetime], Counter[str]]


def _client(client_id: str, *, persistent: bool) -> paho.Client:
    return paho.Client(
        paho.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=not persistent,
        protocol=paho.MQTTv311,
    )


class Subscriber:
    """Subscribes to ``smartstore/+/device/+/+`` (or ``subscription``: e.g. one store's topics on a broker that
    several stores share) and stores what arrives; ``start``/``stop`` from any thread."""

    def __init__(
        self,
        engine: Engine,
        host: str,
        port: int,
        *,
        client_id: str | None = None,
        subscription: str = ingest.SUBSCRIPTION,
        batch: int = 500,
        linger_s: float = 0.05,
        observe: Observer | None = None,
        store_batch: BatchStore | None = None,
    ) -> None:
        self.engine, self.host, self.port = engine, host, port
        self.batch, self.linger_s, self.observe = batch, linger_s, observe
        self.subscription = subscription
        self.store_batch: BatchStore = store_batch or (
            lambda session, batch, now: ingest.store_batch(session, batch, now=now)
        )
        self.queue: queue.Queue[ingest.Message] = queue.Queue()
        self.totals: Counter[str] = Counter()
        self.subscribed = threading.Event()
        self._stop = threading.Event()
        self._writer = threading.Thread(target=self._write_loop, name="mqtt-writer", daemon=True)
        self.client = _client(client_id or f"smartstore-{uuid4().hex[:8]}", persistent=client_id is not None)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message

    def _on_connect(self, client: paho.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        client.subscribe(self.subscription, qos=1)  # again after every reconnect
        self.subscribed.set()

    def _on_message(self, client: paho.Client, userdata: object, message: paho.MQTTMessage) -> None:
        received = ingest.Message(message.topic, bytes(message.payload), utcnow())
        if not ingest.outgoing(received):  # our own command to a device, heard back through the wildcard
            self.queue.put(received)

    def start(self) -> None:
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        self._writer.start()

    def stop(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()
        self._stop.set()
        self._writer.join(timeout=10)

    def alive(self) -> bool:
        return self._writer.is_alive() and self.client.is_connected()

    def _take(self) -> list[ingest.Message]:
        try:
            first = self.queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.linger_s
        while len(batch) < self.batch:
            left = deadline - time.monotonic()
            try:
                batch.append(self.queue.get(timeout=max(left, 0)) if left > 0 else self.queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _write_loop(self) -> None:
        while not (self._stop.is_set() and self.queue.empty()):
            batch = self._take()
            if batch:
                self._store(batch)

    def _store(self, batch: list[ingest.Message]) -> None:
        counts: Counter[str] = Counter()
        try:
            with unit_of_work(self.engine) as session:
                counts = self.store_batch(session, batch, utcnow())
        except Exception:
            log.exception("mqtt batch failed; storing its messages one by one", extra={"messages": len(batch)})
            for message in batch:
                try:
                    with unit_of_work(self.engine) as session:
                        counts += self.store_batch(session, [message], utcnow())
                except Exception:
                    log.exception("mqtt message dropped", extra={"topic": message.topic[:120]})
                    counts["error"] += 1
        self.totals += counts
        if self.observe is not None:
            self.observe(counts)


class KeptAlive:
    """One subscriber a worker job keeps running (facilities' and parking's): started on the first call, left
    alone while alive, replaced by a new one when it died (a broker restart, a crash). ``make`` builds it from
    the settings; no MQTT host configured: nothing. ``running`` holds the live one (a list: it is replaced)."""

    def __init__(self, make: Callable[[StoreSettings], Subscriber], *, label: str, log: logging.Logger) -> None:
        self.make, self.label, self.log = make, label, log
        self.running: list[Subscriber] = []

    def ensure(self) -> None:
        settings = get_settings()
        if not settings.mqtt_host:
            return
        if self.running and self.running[0].alive():
            return
        if self.running:
            self.log.warning(f"{self.label} not alive: starting a new one")
            self.running.pop().stop()
        subscriber = self.make(settings)
        try:
            subscriber.start()
        except OSError as exc:
            self.log.error("mqtt broker unreachable", extra={"host": settings.mqtt_host, "error": str(exc)})
            return
        self.running.append(subscriber)
        self.log.info(f"{self.label} started", extra={"host": settings.mqtt_host, "port": settings.mqtt_port})


def publisher(host: str, port: int, *, timeout_s: float = 5.0) -> Callable[[str, bytes], None]:
    """A function that publishes one command (QoS 1, retain=False) and waits until the broker has it."""

    def publish(topic: str, payload: bytes) -> None:
        client = _client(f"smartstore-cmd-{uuid4().hex[:8]}", persistent=False)
        try:
            client.connect(host, port, keepalive=10)
        except (OSError, ValueError) as exc:
            raise OSError(f"MQTT broker {host}:{port} unreachable: {exc}") from exc
        client.loop_start()
        try:
            info = client.publish(topic, payload, qos=1, retain=False)
            info.wait_for_publish(timeout=timeout_s)
            if not info.is_published():
                raise OSError(f"MQTT broker {host}:{port} did not take the command in {timeout_s:g} s")
        finally:
            client.loop_stop()
            client.disconnect()

    return publish
