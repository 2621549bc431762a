"""Tables of the footfall domain: people in and out per entrance and interval, occupancy per zone."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class FootfallCount(SQLModel, table=True):
    """One interval at one entrance; a late or corrected interval replaces the row, never adds to it.

    Cameras count in intervals of up to an hour; an imported daily total is one interval of the whole day."""

    __tablename__ = "footfall_count"
    __table_args__ = (
        UniqueConstraint("store_id", "zone_id", "interval_start"),
        CheckConstraint("count_in >= 0 AND count_out >= 0", name="counts_not_negative"),
        # Up to an hour (cameras), or a whole business day (an old counter's daily total; 23–25 h on a
        # day the clock changes).
        CheckConstraint(
            "interval_minutes BETWEEN 1 AND 60 OR interval_minutes BETWEEN 1380 AND 1500",
            name="interval_minutes_range",
        ),
        Index("ix_footfall_count_store_day", "store_id", "business_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    zone_id: int = Field(foreign_key="zone.id", index=True)
    interval_start: datetime = Field(sa_type=AwareDateTime)
    interval_minutes: int
    business_on: date  # the store's day the interval starts on
    count_in: int
    count_out: int
    device_id: int | None = Field(default=None, foreign_key="device.id")
    received_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class FootfallOccupancy(SQLModel, table=True):
    """How many people a zone held at one moment (a camera's estimate)."""

    __tablename__ = "footfall_occupancy"
    __table_args__ = (
        UniqueConstraint("store_id", "zone_id", "measured_at"),
        CheckConstraint("people >= 0", name="people_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    zone_id: int = Field(foreign_key="zone.id", index=True)
    measured_at: datetime = Field(sa_type=AwareDateTime)
    people: int
    device_id: int | None = Field(default=None, foreign_key="device.id")
    received_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
