"""The courier integration interface, and a simulator standing in for a courier company.

A courier integration books a delivery and later reports its steps (dispatched, handed over,
delivered) as :class:`~store.delivery.schemas.CourierEvent`; :func:`pull` records whatever an
integration has to report, each event on its own, and lists the refused ones with their reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlmodel import Session

from store.delivery import service
from store.delivery.schemas import CourierEvent, EventKind
from store.errors import StoreError


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
