"""Tables of wayfinding: IMDF-shaped map features, the map's version, guide kiosks and their events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import JSON, Column, Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class FeatureType(StrEnum):
    """The IMDF feature types the product keeps (``relationship`` holds lifts, escalators, stairs, ramps)."""

    venue = "venue"
    level = "level"
    unit = "unit"
    opening = "opening"
    amenity = "amenity"
    occupant = "occupant"
    anchor = "anchor"
    relationship = "relationship"


class MapFeature(SQLModel, table=True):
    """One IMDF feature: its GeoJSON geometry in local metres (x east, y north) and its properties."""

    __tablename__ = "wayfinding_feature"
    __table_args__ = (Index("ix_wayfinding_feature_store_type", "store_id", "feature_type"),)

    id: str = Field(primary_key=True, max_length=36)  # the IMDF UUID
    store_id: int = Field(foreign_key="store.id")
    feature_type: FeatureType = Field(sa_type=String(16))
    category: str = Field(default="", max_length=40)
    level_id: str | None = Field(default=None, max_length=36)  # units, openings, amenities: their level
    properties: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    geometry: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class MapState(SQLModel, table=True):
    """Per store: the map's version, bumped by every write, so each server process rebuilds its graphs."""

    __tablename__ = "wayfinding_map"

    store_id: int = Field(primary_key=True, foreign_key="store.id")
    version: int = 0
    # IMDF export is WGS84: the local origin (0, 0) is placed at this point (the local plan stays unpublished).
    origin_lon: float = 121.4737
    origin_lat: float = 31.2304
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class KioskFunction(StrEnum):
    """What a shopper used on a kiosk (C1 counts the functions in use)."""

    home = "home"
    floor_guide = "floor_guide"
    shop_guide = "shop_guide"
    search = "search"
    route = "route"
    promotions = "promotions"
    coupon = "coupon"
    heartbeat = "heartbeat"
    rentals = "rentals"  # self-service rentals (C4), logged like the guide functions


class Kiosk(SQLModel, table=True):
    """A guide screen: where it stands on the map ("you are here") and whether it is at a main entrance."""

    __tablename__ = "wayfinding_kiosk"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(default="", max_length=120)
    device_id: int | None = Field(default=None, foreign_key="device.id")  # its auth device (kind kiosk)
    anchor_id: str | None = Field(default=None, max_length=36)  # an anchor feature: "you are here"
    at_main_entrance: bool = False
    last_beat_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class KioskEvent(SQLModel, table=True):
    """A use of one function on a kiosk, or a heartbeat (at most one every few minutes is kept)."""

    __tablename__ = "wayfinding_kiosk_event"
    __table_args__ = (Index("ix_wayfinding_kiosk_event_store_at", "store_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    kiosk_id: int | None = Field(default=None, foreign_key="wayfinding_kiosk.id")  # None: a phone page
    function: KioskFunction = Field(sa_type=String(20))
    at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
