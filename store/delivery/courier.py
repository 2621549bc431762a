"""The courier integration interface, and a simulator standing in for a courier company.

A courier integration books a delivery and later reports its steps (dispatched, handed over,
delivered) as :class:`~store.delivery.schemas.CourierEvent`; :func:`pull` records whatever an
integration has to report, each event on its own, and lists the refused ones with their reason.

Couriers that push instead call the webhook ``POST /api/v1/delivery/courier/{store_id}/events`` with one event
as JSON, signed: ``X-Courier-Timestamp`` (Unix seconds) and ``X-Courier-Signature``, the hex HMAC-SHA256 of
``"<timestamp>.<raw body>"`` under :func:`signing_key`. A repeated callback changes nothing (answer
``recorded: false``); steps may arrive in any order as long as their times keep the order of the steps.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import Session

from store.clock import utcnow
from store.config import get_settings
from store.delivery import service
from store.delivery.errors import CallbackSignatureInvalid
from store.delivery.schemas import CourierEvent, EventKind
from store.errors import StoreError

SIGNATURE_HEADER = "X-Courier-Signature"
TIMESTAMP_HEADER = "X-Courier-Timestamp"
CALLBACK_WINDOW = timedelta(minutes=5)  # a callback signed longer ago (or ahead) than this is refused


class CourierIntegration(Protocol):
    name: str

    def book(self, order_no: str) -> str:
        """Ask the courier to collect ``order_no``; returns its tracking number."""
        ...

    def events(self) -> Iterable[CourierEvent]:
        """The events reported since the last call."""
        ...


@dataclass
class CourierSimulator:
    """A courier that reports exactly the events a test or the demo tells it to."""

    name: str = "sim-courier"
    booked: dict[str, str] = field(default_factory=dict)
    _queue: list[CourierEvent] = field(default_factory=list)

    def book(self, order_no: str) -> str:
        return self.booked.setdefault(order_no, f"SIM{len(self.booked) + 1:08d}")

    def report(self, order_no: str, kind: EventKind, at: datetime) -> None:
        tracking = self.booked.get(order_no, "")
        self._queue.append(CourierEvent(order_no, kind, at, courier=self.name, tracking_no=tracking))

    def events(self) -> list[CourierEvent]:
        queued, self._queue = self._queue, []
        return queued


@dataclass
class PullReport:
    recorded: int = 0
    repeated: int = 0
    refused: list[tuple[CourierEvent, str]] = field(default_factory=list)


def pull(session: Session, store_id: int, integration: CourierIntegration) -> PullReport:
    """Record the integration's new events; a refused event is reported and writes nothing."""
    report = PullReport()
    for event in integration.events():
        try:
            with session.begin_nested():
                fresh = service.record_event(session, store_id, event)
        except StoreError as exc:
            report.refused.append((event, exc.message))
            continue
        if fresh:
            report.recorded += 1
        else:
            report.repeated += 1
    return report


def signing_key(store_id: int) -> bytes:
    """The key a store's couriers sign callbacks with: ``SMARTSTORE_COURIER_SECRET``, else derived per store."""
    settings = get_settings()
    if settings.courier_secret:
        return settings.courier_secret.encode()
    return hmac.new(
        settings.secret_key.encode(), f"smartstore.courier-webhook:{store_id}".encode(), hashlib.sha256
    ).digest()


def signature(store_id: int, timestamp: str, body: bytes) -> str:
    return hmac.new(signing_key(store_id), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(
    store_id: int, timestamp: str | None, given: str | None, body: bytes, *, now: datetime | None = None
) -> None:
    """Refuse a callback whose signature does not verify or whose timestamp is outside the window."""
    if not timestamp or not given:
        raise CallbackSignatureInvalid(f"a courier callback carries {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}")
    if not hmac.compare_digest(signature(store_id, timestamp, body), given.strip().lower()):
        raise CallbackSignatureInvalid("the callback's signature does not verify")
    try:
        signed_at = datetime.fromtimestamp(int(timestamp), tz=utcnow().tzinfo)
    except (ValueError, OverflowError, OSError):
        raise CallbackSignatureInvalid(f"{TIMESTAMP_HEADER} must be Unix seconds") from None
    if abs((now or utcnow()) - signed_at) > CALLBACK_WINDOW:
        raise CallbackSignatureInvalid("the callback was signed more than 5 minutes from now (a replay?)")


def signed_callback(store_id: int, event: CourierEvent, *, now: datetime | None = None) -> tuple[dict[str, str], bytes]:
    """Headers and body of a callback reporting ``event``, as a courier (or the simulator) sends it."""
    body = json.dumps(
        {
            "order_no": event.order_no,
            "kind": str(event.kind),
            "at": event.at.isoformat(),
            "courier": event.courier,
            "tracking_no": event.tracking_no,
        },
        ensure_ascii=False,
    ).encode()
    timestamp = str(int((now or utcnow()).timestamp()))
    headers = {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(store_id, timestamp, body)}
    return {**headers, "Content-Type": "application/json"}, body
