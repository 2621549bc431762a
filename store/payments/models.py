"""Tables of the payments domain: one payment order per attempt, and the refunds made against it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime
from store.payments.schemas import PaymentStatus, RefundStatus


class PaymentOrder(SQLModel, table=True):
    """One attempt to take money for a reference (an order number, a parking ticket); a retry is a new row."""

    __tablename__ = "payment_order"
    __table_args__ = (
        UniqueConstraint("store_id", "payment_no"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refund_within_amount"),
        Index("ix_payment_order_reference", "store_id", "purpose", "reference"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    payment_no: str = Field(max_length=40)
    purpose: str = Field(max_length=20)  # sales, parking, online, …
    reference: str = Field(max_length=64)
    amount_fen: int = Field(sa_type=BigInteger)
    method: str = Field(max_length=20)
    network: str = Field(max_length=40)  # the plugin that took it
    status: PaymentStatus = Field(default=PaymentStatus.pending, sa_type=String(10), index=True)
    network_ref: str = Field(default="", max_length=64)
    message: str = Field(default="", max_length=200)
    refunded_fen: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class PaymentRefund(SQLModel, table=True):
    """Money given back to the original method of a payment; pending until the network confirms it."""

    __tablename__ = "payment_refund"
    __table_args__ = (
        UniqueConstraint("store_id", "refund_no"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    payment_order_id: int = Field(foreign_key="payment_order.id", index=True)
    refund_no: str = Field(max_length=40)
    amount_fen: int = Field(sa_type=BigInteger)
    method: str = Field(max_length=20)  # always the payment's own method
    status: RefundStatus = Field(default=RefundStatus.pending, sa_type=String(10))
    network_ref: str = Field(default="", max_length=64)
    reason: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
