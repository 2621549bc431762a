"""Request and response models of the rentals API (the wire contract)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from store.rentals.models import AssetKind, AssetStatus, RentalStatus, StationKind


class StationCreate(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=80)
    name_en: str = Field(default="", max_length=80)
    kind: StationKind = StationKind.rental
    location: str = Field(default="", max_length=120)
    device_code: str = Field(default="", max_length=40)  # charging / vending: registered as a facility device


class StationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str
    kind: StationKind
    location: str
    device_id: int | None
    active: bool


class AssetCreate(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    station_code: str = Field(min_length=1, max_length=32)
    kind: AssetKind
    deposit_fen: int = Field(default=0, ge=0, le=1_000_000)
    loan_minutes: int = Field(default=240, gt=0, le=7 * 24 * 60)


class AssetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    station_id: int
    code: str
    kind: AssetKind
    deposit_fen: int
    loan_minutes: int
    status: AssetStatus
    rentals: int


class RentIn(BaseModel):
    asset_code: str = Field(min_length=1, max_length=32)
    member_code: str = Field(min_length=1, max_length=200)  # the member QR's digits (or the whole QR payload)


class ReturnIn(RentIn):
    station_code: str = Field(default="", max_length=32)  # where it came back; its home station by default


class RentalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    rental_no: str
    asset_id: int
    station_id: int
    member_id: int
    status: RentalStatus
    rented_at: datetime
    due_at: datetime
    returned_at: datetime | None
    return_station_id: int | None
    deposit_fen: int
    overdue_alerted_at: datetime | None


class KindUsage(BaseModel):
    kind: str
    uses: int
