"""Tables of the rentals domain: stations, the assets at them, and each rental from out to back.

A station is a desk or cabinet holding assets (``rental``), or a registered device with its own usage
count (``charging`` station, ``vending`` machine): those link to their ``facility_device`` row, which
counts their uses from MQTT (store/facilities); the rentals domain never duplicates that register.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class StationKind(StrEnum):
    rental = "rental"  # a desk or cabinet lending assets
    charging = "charging"  # a fixed phone-charging station (a device)
    vending = "vending"  # a vending machine (a device)


class AssetKind(StrEnum):
    power_bank = "power_bank"
    wheelchair = "wheelchair"
    stroller = "stroller"
    umbrella = "umbrella"


class AssetStatus(StrEnum):
    available = "available"
    out = "out"
    retired = "retired"


class RentalStatus(StrEnum):
    out = "out"
    returned = "returned"
    cancelled = "cancelled"  # the deposit was not paid: the asset never left


class RentalStation(SQLModel, table=True):
    __tablename__ = "rental_station"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=80)
    name_en: str = Field(default="", max_length=80)
    kind: StationKind = Field(sa_type=String(12))
    location: str = Field(default="", max_length=120)  # "1F 东门服务台"
    device_id: int | None = Field(default=None, foreign_key="facility_device.id")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class RentalAsset(SQLModel, table=True):
    """One lendable thing; ``status`` moves only by a conditional UPDATE, so two renters cannot both win."""

    __tablename__ = "rental_asset"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        CheckConstraint("deposit_fen >= 0", name="deposit_not_negative"),
        CheckConstraint("loan_minutes > 0", name="loan_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    station_id: int = Field(foreign_key="rental_station.id", index=True)  # its home station
    code: str = Field(max_length=32)  # printed on the asset as a QR
    kind: AssetKind = Field(sa_type=String(12))
    deposit_fen: int = Field(default=0, sa_type=BigInteger)  # 0: free for members
    loan_minutes: int = 240
    status: AssetStatus = Field(default=AssetStatus.available, sa_type=String(10))
    rentals: int = 0  # usage count
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Rental(SQLModel, table=True):
    __tablename__ = "rental"
    __table_args__ = (
        Index("ix_rental_store_time", "store_id", "rented_at"),
        # At most one open rental per asset, whatever the code path (belt and braces for the UPDATE).
        Index(
            "ux_rental_open_asset",
            "asset_id",
            unique=True,
            sqlite_where=text("status = 'out'"),
            postgresql_where=text("status = 'out'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    rental_no: str = Field(max_length=24, unique=True)
    asset_id: int = Field(foreign_key="rental_asset.id", index=True)
    station_id: int = Field(foreign_key="rental_station.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    status: RentalStatus = Field(default=RentalStatus.out, sa_type=String(10))
    rented_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    due_at: datetime = Field(sa_type=AwareDateTime)
    returned_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    return_station_id: int | None = Field(default=None, foreign_key="rental_station.id")
    deposit_fen: int = Field(default=0, sa_type=BigInteger)
    payment_id: int | None = Field(default=None, foreign_key="payment_order.id")
    overdue_alerted_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    note: str = Field(default="", max_length=120)
