"""Wire types of the delivery domain: levels, statuses and the events a courier integration sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DeliveryLevel(StrEnum):
    same_day = "same_day"  # 当日达
    next_day = "next_day"  # 次日达 (the next working day)


class DeliveryStatus(StrEnum):
    placed = "placed"
    dispatched = "dispatched"
    handed_over = "handed_over"
    delivered = "delivered"
    cancelled = "cancelled"


class EventKind(StrEnum):
    """The steps of a delivery, in the order they must happen."""

    dispatched = "dispatched"  # packed and released by the shop
    handed_over = "handed_over"  # taken by the courier
    delivered = "delivered"  # signed for by the customer


STEPS: tuple[EventKind, ...] = (EventKind.dispatched, EventKind.handed_over, EventKind.delivered)


@dataclass(frozen=True)
class CourierEvent:
    """One event as a courier integration reports it: which order (our sales order number), what, when."""

    order_no: str
    kind: EventKind
    at: datetime
    courier: str = ""
    tracking_no: str = ""
