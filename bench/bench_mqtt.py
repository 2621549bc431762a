"""MQTT readings ingested per second, and the delay from publish to stored (p50, p99), against the real
Mosquitto on 127.0.0.1:1883 and the worker's own subscriber (``store.facilities.mqtt.Subscriber``).

    .venv/bin/python bench/bench_mqtt.py [--messages 20000] [--devices 50] [--rate 500] [--db-url URL]

Two bounded runs into a fresh database (SQLite under var/bench/, or ``--db-url`` for PostgreSQL, which
must exist and be empty of facilities data): a *burst* (publish as fast as the broker takes them, QoS 1)
gives the throughput; a *paced* run at ``--rate`` messages per second gives the delay a device sees in
normal operation. Each message is one reading of three values (CO₂, temperature, PM2.5), so a message
stores three raw rows plus their rollups. The delay is measured from the ``ts`` a publisher writes into
the payload to the moment the batch holding it has committed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from datetime import date
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _database(url: str | None) -> str:
    if url:
        return url
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mqtt.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--rate", type=int, default=500, help="messages per second of the paced run")
    parser.add_argument("--db-url", default=None)
    args = parser.parse_args()

    os.environ["SMARTSTORE_DATABASE_URL"] = _database(args.db_url)
    import paho.mqtt.client as paho

    from store import config, db, migrate
    from store.db import unit_of_work
    from store.facilities import ingest
    from store.facilities import service as facilities_service
    from store.facilities.models import FacilityKind
    from store.facilities.mqtt import Subscriber
    from store.premises.models import Store

    config.get_settings.cache_clear()
    engine = db.get_engine()
    migrate.upgrade(engine)
    code = f"B{uuid4().hex[:6]}"
    with unit_of_work(engine) as session:
        store = Store(code=code, name="压测门店")
        session.add(store)
        session.flush()
        for i in range(args.devices):
            facilities_service.create_device(
                session, store.id, code=f"AQ-{i}", kind=FacilityKind.air_quality, installed_on=date(2025, 1, 1)
            )

    delays: list[float] = []
    done = threading.Event()
    lock = threading.Lock()

    class Timed(Subscriber):
        def _store(self, batch: list[ingest.Message]) -> None:
            super()._store(batch)
            now = time.time()
            with lock:
                delays.extend(now - json.loads(m.payload)["ts"] for m in batch)
                if len(delays) >= target[0]:
                    done.set()

    subscriber = Timed(engine, "127.0.0.1", 1883)
    subscriber.start()
    subscriber.subscribed.wait(5)
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-{uuid4().hex[:6]}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    target = [0]

    def run(count: int, rate: int | None) -> tuple[float, list[float]]:
        with lock:
            delays.clear()
        done.clear()
        target[0] = count
        started = time.time()
        for i in range(count):
            if rate:
                wait = started + i / rate - time.time()
                if wait > 0:
                    time.sleep(wait)
            body = {"ts": time.time(), "values": {"co2_ppm": 600 + i % 300, "temp_c": 23.5, "pm25_ugm3": 20 + i % 7}}
            client.publish(ingest.topic(code, f"AQ-{i % args.devices}", "reading"), json.dumps(body), qos=1)
        done.wait(600)
        elapsed = time.time() - started
        with lock:
            return elapsed, sorted(delays)

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(len(values) * p))] * 1000

    burst_s, burst = run(args.messages, None)
    paced_n = min(args.messages, args.rate * 20)
    _, paced = run(paced_n, args.rate)
    client.loop_stop()
    client.disconnect()
    subscriber.stop()
    backend = engine.url.get_backend_name()
    print(f"database: {backend}; {args.devices} devices; 3 values per message")
    print(
        f"burst:  {len(burst)} messages in {burst_s:.1f} s = {len(burst) / burst_s:,.0f} messages/s "
        f"({3 * len(burst) / burst_s:,.0f} readings/s); "
        f"delay p50 {pct(burst, 0.5):.0f} ms, p99 {pct(burst, 0.99):.0f} ms"
    )
    delay = f"delay p50 {pct(paced, 0.5):.0f} ms, p99 {pct(paced, 0.99):.0f} ms"
    print(f"paced:  {len(paced)} messages at {args.rate}/s; {delay}")
    print(f"outcomes: {dict(subscriber.totals)}")


if __name__ == "__main__":
    main()
