"""Tables of the delivery domain: the store's cut-off, delivery orders with their fixed promise, events."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime
from store.delivery.schemas import DeliveryLevel, DeliveryStatus, EventKind


class DeliverySetting(SQLModel, table=True):
    """A store's same-day cut-off: orders placed on a working day before it are promised the same day."""

    __tablename__ = "delivery_setting"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", unique=True)
    cutoff_local: time = time(14, 0)  # in the store's timezone
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class DeliveryOrder(SQLModel, table=True):
    """Delivery of one sales order. The promise (level and deadlines) is fixed when the order is placed."""

    __tablename__ = "delivery_order"
    __table_args__ = (
        UniqueConstraint("store_id", "order_no"),
        CheckConstraint("promised_by <= next_day_by", name="promise_within_next_day"),
        Index("ix_delivery_order_store_placed", "store_id", "placed_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id", index=True)
    sales_order_id: int = Field(foreign_key="sales_order.id", unique=True)
    order_no: str = Field(max_length=64)  # the sales order's number: couriers report by it
    level: DeliveryLevel = Field(sa_type=String(10))
    placed_at: datetime = Field(sa_type=AwareDateTime)
    placed_on: date  # business day of placement, in the store's timezone: the month it is measured in
    promised_by: datetime = Field(sa_type=AwareDateTime)  # end of the promised day (its level's deadline)
    next_day_by: datetime = Field(sa_type=AwareDateTime)  # end of the next working day after placement
    status: DeliveryStatus = Field(default=DeliveryStatus.placed, sa_type=String(12))
    dispatched_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    handed_over_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    courier: str = Field(default="", max_length=40)
    tracking_no: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class DeliveryEvent(SQLModel, table=True):
    """One step reported by a courier integration (or an import); each step happens once."""

    __tablename__ = "delivery_event"
    __table_args__ = (UniqueConstraint("delivery_order_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    delivery_order_id: int = Field(foreign_key="delivery_order.id", index=True)
    kind: EventKind = Field(sa_type=String(12))
    at: datetime = Field(sa_type=AwareDateTime)
    courier: str = Field(default="", max_length=40)
    received_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
