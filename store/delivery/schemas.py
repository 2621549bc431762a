"""Wire types of the delivery domain: levels, statuses and the events a courier integration sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field


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


class CourierCallback(BaseModel):
    """The body of a courier's status callback (``POST /delivery/courier/{store_id}/events``)."""

    order_no: str = Field(min_length=1, max_length=64)  # our sales order number, as booked
    kind: EventKind
    at: AwareDatetime
    courier: str = Field(default="", max_length=40)
    tracking_no: str = Field(default="", max_length=64)


class CallbackRead(BaseModel):
    recorded: bool  # False: this step was already recorded at this time (a repeated callback)
    order_no: str
    status: DeliveryStatus
