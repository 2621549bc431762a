"""Tables of the catalogue: products, SKUs, price books and their entries, changes, promotions, stock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.catalog.schemas import ChangeStatus, PriceChannel, ReservationStatus
from store.clock import utcnow
from store.dbtypes import AwareDateTime


class Product(SQLModel, table=True):
    __tablename__ = "catalog_product"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id", index=True)
    code: str = Field(max_length=64)
    name: str = Field(max_length=120)
    brand: str = Field(default="", max_length=60)
    category: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Sku(SQLModel, table=True):
    """A sellable variant; ``code`` is what order lines name (``sales_order_line.sku``)."""

    __tablename__ = "catalog_sku"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        CheckConstraint("tax_rate_bp >= 0 AND tax_rate_bp <= 10000", name="tax_rate_range"),
        Index("ix_catalog_sku_store_rev", "store_id", "rev", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id", index=True)
    product_id: int = Field(foreign_key="catalog_product.id", index=True)
    code: str = Field(max_length=64)
    barcode: str = Field(default="", max_length=32)
    spec: str = Field(default="", max_length=120)
    tax_rate_bp: int = 1300
    active: bool = True
    rev: int = 0  # the book version that last changed this SKU or its prices: the tills' sync cursor
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PriceBook(SQLModel, table=True):
    """One price book per channel and store; ``tax_included`` says whether its prices include VAT."""

    __tablename__ = "catalog_price_book"
    __table_args__ = (UniqueConstraint("store_id", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    channel: PriceChannel = Field(sa_type=String(10))
    tax_included: bool = True


class Price(SQLModel, table=True):
    """From ``starts_at`` on (until the SKU's next entry on the channel) its list price is ``price_fen``."""

    __tablename__ = "catalog_price"
    __table_args__ = (
        UniqueConstraint("sku_id", "channel", "starts_at"),
        CheckConstraint("price_fen >= 0", name="price_not_negative"),
        Index("ix_catalog_price_store_channel", "store_id", "channel", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    sku_id: int = Field(foreign_key="catalog_sku.id")
    channel: PriceChannel = Field(sa_type=String(10))
    price_fen: int = Field(sa_type=BigInteger)
    starts_at: datetime = Field(sa_type=AwareDateTime)
    change_id: int | None = Field(default=None, foreign_key="catalog_price_change.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PriceChange(SQLModel, table=True):
    """A requested list-price change; a manager other than the requester approves it (M1 workflow)."""

    __tablename__ = "catalog_price_change"
    __table_args__ = (
        CheckConstraint("price_fen >= 0", name="price_not_negative"),
        Index("ix_catalog_price_change_store_status", "store_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id")
    sku_id: int = Field(foreign_key="catalog_sku.id", index=True)
    channel: PriceChannel = Field(sa_type=String(10))
    price_fen: int = Field(sa_type=BigInteger)
    effective_at: datetime = Field(sa_type=AwareDateTime)
    status: ChangeStatus = Field(default=ChangeStatus.pending, sa_type=String(10))
    note: str = Field(default="", max_length=200)
    requested_by: int | None = Field(default=None, foreign_key="staff_user.id")
    decided_by: int | None = Field(default=None, foreign_key="staff_user.id")
    decided_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Promotion(SQLModel, table=True):
    """A percentage off on one channel in ``[starts_at, ends_at)``: every SKU, a category, or one SKU."""

    __tablename__ = "catalog_promotion"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("percent_off >= 1 AND percent_off <= 99", name="percent_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    name: str = Field(max_length=120)
    channel: PriceChannel = Field(sa_type=String(10))
    percent_off: int
    starts_at: datetime = Field(sa_type=AwareDateTime)
    ends_at: datetime = Field(sa_type=AwareDateTime)
    category: str | None = Field(default=None, max_length=40)
    sku_id: int | None = Field(default=None, foreign_key="catalog_sku.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class BookVersion(SQLModel, table=True):
    """Each publication of the price book (any product, price or promotion write): tills record its number."""

    __tablename__ = "catalog_book_version"
    __table_args__ = (UniqueConstraint("store_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    version: int
    published_at: datetime = Field(sa_type=AwareDateTime)
    reason: str = Field(default="", max_length=120)


class Stock(SQLModel, table=True):
    """Units of a SKU at its shop; ``reserved`` are held for online orders not yet committed."""

    __tablename__ = "catalog_stock"
    __table_args__ = (
        UniqueConstraint("shop_id", "sku_id"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id")
    sku_id: int = Field(foreign_key="catalog_sku.id", index=True)
    on_hand: int = 0
    reserved: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Reservation(SQLModel, table=True):
    __tablename__ = "catalog_reservation"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id")
    sku_id: int = Field(foreign_key="catalog_sku.id")
    quantity: int
    status: ReservationStatus = Field(default=ReservationStatus.held, sa_type=String(10))
    ref: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
