"""Tables of the live domain: sessions with their products and session-bound coupons.

Records are kept at least three years (直播电商监督管理办法: live and transaction records ≥ 3 years):
see :func:`store.live.service.purge_before`. An order's session is a ``live_attribution`` row, written in the
same transaction as the order when it is created from a session link, QR code or session-bound coupon, never
inferred afterwards (the sales tables stay as they are: live sits above sales).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime
from store.live.schemas import Platform, SessionKind


class LiveSession(SQLModel, table=True):
    __tablename__ = "live_session"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("viewers IS NULL OR viewers >= 0", name="viewers_not_negative"),
        Index("ix_live_session_store_start", "store_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)
    code: str = Field(max_length=24)  # the session link's and QR code's parameter
    title: str = Field(max_length=120)
    platform: Platform = Field(sa_type=String(20))
    kind: SessionKind = Field(sa_type=String(12))
    host: str = Field(default="", max_length=60)
    starts_at: datetime = Field(sa_type=AwareDateTime)
    ends_at: datetime = Field(sa_type=AwareDateTime)
    viewers: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class LiveProduct(SQLModel, table=True):
    __tablename__ = "live_product"
    __table_args__ = (UniqueConstraint("session_id", "sku"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_session.id", index=True)
    sku: str = Field(max_length=64)
    price_fen: int | None = Field(default=None, sa_type=BigInteger)


class LiveCoupon(SQLModel, table=True):
    """A coupon code bound to one session: an order using it is attributed to that session."""

    __tablename__ = "live_coupon"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    session_id: int = Field(foreign_key="live_session.id", index=True)
    code: str = Field(max_length=32)


class LiveAttribution(SQLModel, table=True):
    """The live session an order came through, stamped when the order was created (one per order)."""

    __tablename__ = "live_attribution"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    order_id: int = Field(foreign_key="sales_order.id", unique=True)
    session_id: int = Field(foreign_key="live_session.id", index=True)
    via: str = Field(max_length=10)  # link (the session's link or QR code) or coupon
    code: str = Field(max_length=32)  # the code the order came with
    stamped_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
