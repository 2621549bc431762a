"""Gate controllers and space sensors over MQTT, on the facilities subscriber (same broker, batches, retries).

Topics (QoS 1; a redelivered read carries the same ``id`` and is stored once)::

    smartstore/{store_code}/parking/{gate_code}/plate  {"direction": "in", "plate": "沪A12345", "ts": 0, "id": "e1"}
    smartstore/{store_code}/parking/{zone_code}/space   {"space": "058", "plate": "沪A12345"}

``ts`` is ISO 8601 with an offset or Unix seconds (default: when the broker delivered it). Each message is
counted by outcome (``entered``, ``exited``, ``owes``, ``bad_json``, ``bad_topic``, ``unknown_store`` …); a bad
one never stops the subscriber. The broker's ACL is what lets only the gate controllers publish here.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from store.errors import StoreError
from store.facilities.ingest import TOPIC_PREFIX, Message
from store.facilities.mqtt import Subscriber
from store.parking import service as parking_service
from store.parking.models import Direction
from store.premises import service as premises_service

SUBSCRIPTION = f"{TOPIC_PREFIX}/+/parking/+/+"


def topic(store_code: str, code: str, channel: str) -> str:
    return f"{TOPIC_PREFIX}/{store_code}/parking/{code}/{channel}"


def _time(raw: object, received_at: datetime) -> datetime | None:
    if raw is None:
        return received_at
    if isinstance(raw, str):
        try:
            at = datetime.fromisoformat(raw)
        except ValueError:
            return None
        return at.astimezone(UTC) if at.tzinfo is not None else None
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 0 < raw < 10**11:
        return datetime.fromtimestamp(raw, UTC)
    return None


def _one(session: Session, message: Message, stores: dict[str, int | None]) -> str:
    parts = message.topic.split("/")
    if len(parts) != 5 or parts[0] != TOPIC_PREFIX or parts[2] != "parking" or parts[4] not in ("plate", "space"):
        return "bad_topic"
    try:
        body = json.loads(message.payload)
    except (ValueError, UnicodeDecodeError):
        return "bad_json"
    if not isinstance(body, dict) or not isinstance(body.get("plate"), str):
        return "invalid"
    if parts[1] not in stores:
        try:
            stores[parts[1]] = premises_service.get_store_by_code(session, parts[1]).id
        except StoreError:
            stores[parts[1]] = None
    store_id = stores[parts[1]]
    if store_id is None:
        return "unknown_store"
    if parts[4] == "space":
        space = body.get("space")
        if not isinstance(space, str) or not space:
            return "invalid"
        found = parking_service.record_space(
            session, store_id, zone_code=parts[3], space=space, raw_plate=body["plate"]
        )
        return "space" if found else "space_unmatched"
    at = _time(body.get("ts"), message.received_at)
    if at is None or body.get("direction") not in ("in", "out"):
        return "invalid"
    event_id = body.get("id")
    try:
        result = parking_service.record_gate_event(
            session,
            store_id,
            gate_code=parts[3],
            direction=Direction(body["direction"]),
            raw_plate=body["plate"][:16],
            at=at,
            event_key=str(event_id)[:64] if event_id is not None else "",
        )
    except StoreError:
        return "unknown_gate"
    return result.outcome.value


def store_batch(session: Session, batch: list[Message], now: datetime) -> Counter[str]:
    """Apply a batch of gate and space messages in one transaction; returns the count per outcome."""
    counts: Counter[str] = Counter()
    stores: dict[str, int | None] = {}
    for message in batch:
        counts[_one(session, message, stores)] += 1
    return counts


def subscriber(
    engine: Engine, host: str, port: int, *, subscription: str = SUBSCRIPTION, **kwargs: object
) -> Subscriber:
    """The facilities subscriber, storing parking messages."""
    return Subscriber(engine, host, port, subscription=subscription, store_batch=store_batch, **kwargs)  # type: ignore[arg-type]
