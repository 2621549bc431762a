"""Wire shapes of the credit API: a shop's credit as staff read it, and as its QR code's page shows it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class ReasonRead(BaseModel):
    """One line of the score: points, the rule, and the record it comes from (to see why, and to appeal)."""

    model_config = ConfigDict(from_attributes=True)

    points: int
    rule: str
    record_kind: str
    record_id: int | None
    text: str  # "中文 / English"


class PermitRead(BaseModel):
    kind: str
    expires_on: date
    valid: bool


class InspectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    inspected_on: date
    passed: bool
    note: str


class CodeRead(BaseModel):
    """The shop's current printed code: its version, key and the unit it was printed for."""

    version: int
    kid: str
    unit: str
    issued_at: datetime
    page: str  # the path of the public page it opens


class CreditShopRead(BaseModel):
    shop_id: int
    unit: str
    name: str
    floor: str
    score: int
    rating: str
    computed_at: datetime | None


class CreditShopDetail(CreditShopRead):
    licence_name: str
    licence_no: str  # in full for the back office, masked for everyone else
    rent_late_months: int
    reasons: list[ReasonRead]
    permits: list[PermitRead]
    inspections: list[InspectionRead]
    code: CodeRead | None
    shopfront: str | None  # the photo's path on the public page, when there is one


class CreditPublicRead(BaseModel):
    """What a shopper's scan shows (the phone page's data): nothing personal, the licence partly masked."""

    outcome: str  # valid, superseded (a newer poster exists), moved (printed for another unit)
    printed_unit: str
    store: str
    shop: str
    shop_en: str
    unit: str
    floor: str
    score: int
    rating: str
    reasons: list[ReasonRead]
    licence_name: str
    licence_no: str
    permits: list[PermitRead]
    inspections: list[InspectionRead]
    shopfront: str | None
    complaint: str  # the path of the complaint form
    rules: str  # the path of the public rules page
