"""Wire schemas of the points API: amounts are strict whole numbers (no floats, no booleans, no strings)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field

from store.wire import INT32_MAX, Day, NotBool

# A points amount on the wire: a whole number from 1 to 2³¹ − 1.
Points = Annotated[int, Ge(1), Le(INT32_MAX), NotBool]
# A signed adjustment: the store checks it is not zero.
SignedPoints = Annotated[int, Ge(-INT32_MAX), Le(INT32_MAX), NotBool]


class BalanceRead(BaseModel):
    member_id: int
    member_no: str
    phone_masked: str
    tier: str
    points: int = Field(description="Spendable now: lots past their expiry day are left out from 00:00 store time")
    lapsing_today: int
    debt: int = Field(description="Points a refund could not take back (already spent); paid from later earnings")


class EntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    points: int
    source_type: str
    source_id: str
    reason: str
    business_on: date
    created_at: datetime


class EntryPage(BaseModel):
    items: list[EntryRead]
    next_before_id: int | None


class LotRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    points: int
    remaining: int
    expires_on: date | None
    earned_on: date


class RedeemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    points: Points
    reason: str = Field(default="", max_length=200)


class AdjustIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    points: SignedPoints
    reason: str = Field(max_length=200)


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    points: Points
    hold_key: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_no: str = Field(min_length=1, max_length=64)


class HoldRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    hold_key: str
    member_id: int
    points: int
    status: str
    order_no: str
    expires_at: datetime


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(default="base", pattern=r"^(base|promo)$")
    name: str = Field(default="", max_length=80)
    channel: str | None = Field(default=None, max_length=20)
    shop_id: Annotated[int, Ge(1), Le(INT32_MAX), NotBool] | None = None
    category: str | None = Field(default=None, max_length=40)
    fen_per_point: Points = 100
    multiplier_pct: Annotated[int, Ge(0), Le(10_000), NotBool] = 100
    valid_from: Day | None = None
    valid_to: Day | None = None
    funded_by_shop: bool = False


class RuleRead(RuleIn):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int
    active: bool


class OfflineClaimIn(BaseModel):
    """The member of a sale posted without one: the member code an offline till accepted (with the time it
    scanned it), or the member's phone (on a captured receipt, told at the till). Exactly one of the two."""

    model_config = ConfigDict(extra="forbid")
    order_no: str = Field(min_length=1, max_length=64)
    code: str | None = Field(
        default=None, min_length=1, max_length=120, description="The 18 digits, or the QR payload as scanned"
    )
    scanned_at: datetime | None = Field(
        default=None, description="With a code: the device's clock when it accepted the code (with its offset)"
    )
    phone: str | None = Field(default=None, min_length=1, max_length=32, description="The member's mobile number")


class OfflineClaimRead(BaseModel):
    order_no: str
    member_id: int
    member_no: str
    new: bool = Field(description="False: nothing changed (a replay: the member was named and the points awarded)")
    points_awarded: int
