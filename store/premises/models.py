"""Tables of the premises domain: stores, floors, zones, shops and their dated areas, opening hours, staff headcount."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class ShopStatus(StrEnum):
    open = "open"
    closed = "closed"


class ZoneKind(StrEnum):
    entrance = "entrance"
    atrium = "atrium"
    selling = "selling"
    dining = "dining"
    parking = "parking"
    service = "service"


class Store(SQLModel, table=True):
    __tablename__ = "store"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=120)
    name_en: str = Field(default="", max_length=120)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    # The day the smart upgrade went live: B1–B4 compare monthly averages before and after it.
    smart_upgrade_on: date | None = None
    address: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Floor(SQLModel, table=True):
    __tablename__ = "floor"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    code: str = Field(max_length=16)  # "B1", "1F"
    name: str = Field(max_length=80)
    name_en: str = Field(default="", max_length=80)
    level: int  # B1 = -1, 1F = 1: sorts floors bottom to top


class Zone(SQLModel, table=True):
    __tablename__ = "zone"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    floor_id: int = Field(foreign_key="floor.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=80)
    kind: ZoneKind = Field(default=ZoneKind.selling, sa_type=String(20))


class Shop(SQLModel, table=True):
    __tablename__ = "shop"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        CheckConstraint("selling_area_m2 > 0", name="selling_area_positive"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    floor_id: int = Field(foreign_key="floor.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=120)
    name_en: str = Field(default="", max_length=120)
    tenant: str = Field(default="", max_length=120)  # the operating company of a leased shop
    category: str = Field(max_length=40, index=True)  # "cosmetics", "womenswear", ...
    # The area of the latest ``shop_area`` record (kept in step by the service): what the shop measures
    # now. 坪效 never reads it for a past day; it reads the record in effect that day.
    selling_area_m2: float
    opened_on: date
    closed_on: date | None = None  # last trading day; None while trading


class ShopArea(SQLModel, table=True):
    """A shop's selling area as a step function: ``selling_area_m2`` holds from ``effective_on`` until the
    shop's next record, so a refit that shrinks a shop leaves the area of the days before it unchanged."""

    __tablename__ = "shop_area"
    __table_args__ = (
        UniqueConstraint("shop_id", "effective_on"),
        CheckConstraint("selling_area_m2 > 0", name="area_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    effective_on: date
    selling_area_m2: float


class OpeningHours(SQLModel, table=True):
    __tablename__ = "store_opening_hours"
    __table_args__ = (
        UniqueConstraint("store_id", "weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    weekday: int  # 0 = Monday, as date.weekday()
    opens_at: time
    closes_at: time


class StaffHeadcount(SQLModel, table=True):
    """Headcount as a step function: ``headcount`` holds from ``effective_on`` until the next entry."""

    __tablename__ = "staff_headcount"
    __table_args__ = (
        UniqueConstraint("store_id", "shop_id", "effective_on"),
        CheckConstraint("headcount >= 0", name="headcount_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)  # None: the store's own staff
    effective_on: date
    headcount: int
