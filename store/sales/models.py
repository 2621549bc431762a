"""Tables of the sales domain: orders with lines, payments and refunds, and declared daily totals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime
from store.sales.schemas import Channel, PaymentMethod, Source

# The online (mall and live-stream) orders placed by members, in SQL with literal channels.
ONLINE_MEMBER_ORDERS = "channel IN ('online', 'live') AND member_id IS NOT NULL"


class Order(SQLModel, table=True):
    """One sale at one shop; amounts in fen, ``total_fen`` = ``subtotal_fen`` − ``discount_fen`` = Σ payments."""

    __tablename__ = "sales_order"
    __table_args__ = (
        UniqueConstraint("store_id", "order_no"),
        UniqueConstraint("terminal_id", "till_seq"),  # a till's sale is stored once (store.pos: gaps → alarms)
        CheckConstraint("total_fen >= 0", name="total_not_negative"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= total_fen", name="refund_within_total"),
        Index("ix_sales_order_store_day", "store_id", "business_on"),
        Index("ix_sales_order_shop_day", "shop_id", "business_on"),
        # S5's monthly-active members read the online orders placed by members (queries must name the
        # channels as literals, ONLINE_MEMBER_ORDERS, for the planners to prove they fall in the index).
        Index(
            "ix_sales_order_online_members",
            "store_id",
            "business_on",
            "channel",  # in the index too, so that the planners never visit the rows
            "member_id",
            sqlite_where=text(ONLINE_MEMBER_ORDERS),
            postgresql_where=text(ONLINE_MEMBER_ORDERS),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id")
    order_no: str = Field(max_length=64)
    channel: Channel = Field(sa_type=String(20))
    source: Source = Field(sa_type=String(20))
    member_id: int | None = Field(default=None, index=True, foreign_key="member.id")
    terminal_id: int | None = Field(default=None, foreign_key="device.id")
    ordered_at: datetime = Field(sa_type=AwareDateTime)
    business_on: date
    subtotal_fen: int = Field(sa_type=BigInteger)
    discount_fen: int = Field(default=0, sa_type=BigInteger)
    total_fen: int = Field(sa_type=BigInteger)
    refunded_fen: int = Field(default=0, sa_type=BigInteger)
    # The catalogue's price-book version the till priced the sale with (None: no catalogue behind the sale);
    # store.catalog counts sales made on a book older than the one published by then (stale prices).
    price_book_version: int | None = None
    till_seq: int | None = None  # the posting till's sequence number (OrderCreate.till_seq)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class OrderLine(SQLModel, table=True):
    __tablename__ = "sales_order_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    line_no: int
    sku: str = Field(max_length=64)
    name: str = Field(default="", max_length=120)
    quantity: int
    unit_price_fen: int = Field(sa_type=BigInteger)
    discount_fen: int = Field(default=0, sa_type=BigInteger)
    total_fen: int = Field(sa_type=BigInteger)


class Payment(SQLModel, table=True):
    __tablename__ = "sales_payment"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    method: PaymentMethod = Field(sa_type=String(20))
    amount_fen: int = Field(sa_type=BigInteger)


class Refund(SQLModel, table=True):
    """Money given back on an order; the refunds of an order never exceed what was paid."""

    __tablename__ = "sales_refund"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    amount_fen: int = Field(sa_type=BigInteger)
    reason: str = Field(default="", max_length=200)
    refunded_at: datetime = Field(sa_type=AwareDateTime)
    business_on: date = Field(index=True)  # the day the money went back, in the store's timezone
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class RefundPayment(SQLModel, table=True):
    """How a refund went back, method by method, when the till said (a split tender's refund goes back to each
    original method); a refund without them is an amount only."""

    __tablename__ = "sales_refund_payment"
    __table_args__ = (
        UniqueConstraint("refund_id", "method"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    refund_id: int = Field(foreign_key="sales_refund.id", index=True)
    method: PaymentMethod = Field(sa_type=String(20))
    amount_fen: int = Field(sa_type=BigInteger)


class RefundLine(SQLModel, table=True):
    """What a refund gave back, line by line, when the till named the lines (a refund without lines is an
    amount only); the points domain undoes the points those lines earned."""

    __tablename__ = "sales_refund_line"
    __table_args__ = (
        UniqueConstraint("refund_id", "line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    refund_id: int = Field(foreign_key="sales_refund.id", index=True)
    line_no: int
    quantity: int


class DailyTotal(SQLModel, table=True):
    """A shop's sales for one day declared by the tenant or imported, where no order detail exists."""

    __tablename__ = "sales_daily_total"
    __table_args__ = (
        UniqueConstraint("store_id", "shop_id", "business_on", "channel", "source"),
        CheckConstraint("revenue_fen >= 0 AND orders >= 0 AND refunds_fen >= 0", name="not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id", index=True)
    business_on: date
    channel: Channel = Field(sa_type=String(20))
    source: Source = Field(sa_type=String(20))
    revenue_fen: int = Field(sa_type=BigInteger)
    orders: int = 0
    refunds_fen: int = Field(default=0, sa_type=BigInteger)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
