"""Tables of the online mall: a member's cart, and orders placed through the mini-program with their lines.

An order holds its stock (catalogue reservations, one per line) and its prices from placement until it is
paid or ``expires_at`` passes. Once paid it becomes a sales order (``sales_order_id``, channel online or live)
and, for a delivery, a delivery order; the mall order keeps what the sales tables do not: the reservations,
the payment attempts' reference, the hold and the cancellation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime
from store.mall.schemas import Fulfilment, MallStatus


class MallCartItem(SQLModel, table=True):
    __tablename__ = "mall_cart_item"
    __table_args__ = (
        UniqueConstraint("member_id", "sku_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    sku_id: int = Field(foreign_key="catalog_sku.id")
    quantity: int
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class MallOrder(SQLModel, table=True):
    __tablename__ = "mall_order"
    __table_args__ = (
        UniqueConstraint("store_id", "order_no"),
        CheckConstraint("total_fen >= 0", name="total_not_negative"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= total_fen", name="refund_within_total"),
        Index("ix_mall_order_store_status", "store_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    order_no: str = Field(max_length=64)  # also the sales order's number and the payments' reference
    channel: str = Field(max_length=10)  # online, or live when it came with a live session's code
    status: MallStatus = Field(default=MallStatus.awaiting_payment, sa_type=String(20))
    fulfilment: Fulfilment = Field(sa_type=String(10))
    address: str = Field(default="", max_length=200)  # personal data: shown masked to staff
    delivery_level: str | None = Field(default=None, max_length=10)  # the promise fixed at placement
    promised_by: datetime | None = Field(default=None, sa_type=AwareDateTime)
    live_code: str | None = Field(default=None, max_length=32)
    live_session_id: int | None = Field(default=None, foreign_key="live_session.id")
    total_fen: int = Field(sa_type=BigInteger)
    refunded_fen: int = Field(default=0, sa_type=BigInteger)
    price_book_version: int | None = None
    payment_id: int | None = Field(default=None, foreign_key="payment_order.id")  # the latest attempt
    payment_method: str | None = Field(default=None, max_length=20)
    sales_order_id: int | None = Field(default=None, foreign_key="sales_order.id", unique=True)
    placed_at: datetime = Field(sa_type=AwareDateTime)
    expires_at: datetime = Field(sa_type=AwareDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    collected_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    cancel_reason: str = Field(default="", max_length=200)


class MallOrderLine(SQLModel, table=True):
    __tablename__ = "mall_order_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    mall_order_id: int = Field(foreign_key="mall_order.id", index=True)
    sku_id: int = Field(foreign_key="catalog_sku.id")
    sku: str = Field(max_length=64)
    name: str = Field(max_length=120)
    quantity: int
    unit_price_fen: int = Field(sa_type=BigInteger)  # the resolver's effective price at placement
    total_fen: int = Field(sa_type=BigInteger)
    reservation_id: int = Field(foreign_key="catalog_reservation.id")
