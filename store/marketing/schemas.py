"""Wire types of the marketing domain: campaigns, coupons, claims, redemptions, segments, push plans."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from annotated_types import Ge, Le
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from store.wire import Day, Int32, Money, NotBool, RowId

Month = Annotated[int, Ge(1), Le(12), NotBool]  # bounds before the whole-number check, as store.wire's types


class CampaignChannel(StrEnum):
    miniprogram = "miniprogram"  # 小程序
    kiosk = "kiosk"  # 导购屏
    screen = "screen"  # 广告屏
    official_account = "official_account"  # 服务号
    sms = "sms"
    app = "app"
    live = "live"


class CouponKind(StrEnum):
    amount = "amount"  # 满减 / 立减: amount off
    percent = "percent"  # 折扣: percent off, with a cap


class PushChannel(StrEnum):
    app = "app"
    miniprogram = "miniprogram"  # one subscription message per acceptance
    official_account = "official_account"  # a monthly quota per member
    sms = "sms"  # 8:00–21:00, with the opt-out line


class CampaignCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    starts_on: Day
    ends_on: Day
    shop_ids: list[RowId] = Field(default_factory=list, max_length=500)  # empty: the whole store
    channels: list[CampaignChannel] = Field(default_factory=list, max_length=7)
    content_title: str = Field(default="", max_length=120)
    content_body: str = Field(default="", max_length=1000)
    cost_fen: Money = 0
    promotion_id: RowId | None = None  # the catalog promotion whose kiosk claim QR gives this campaign's coupon


class CampaignRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    starts_on: date
    ends_on: date
    shop_ids: list[int]
    channels: list[str]
    content_title: str
    content_body: str
    cost_fen: int
    promotion_id: int | None = None


class CouponCreate(BaseModel):
    campaign_id: RowId
    name: str = Field(min_length=1, max_length=80)
    kind: CouponKind
    amount_off_fen: Money = 0
    percent_off: Int32 = 0
    cap_fen: Money = 0
    threshold_fen: Money = 0
    per_member_limit: Int32 = 1
    total_quantity: Int32
    shop_ids: list[RowId] = Field(default_factory=list, max_length=500)
    categories: list[str] = Field(default_factory=list, max_length=50)
    valid_from: AwareDatetime
    valid_until: AwareDatetime


class CouponRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign_id: int
    name: str
    kind: str
    amount_off_fen: int
    percent_off: int
    cap_fen: int
    threshold_fen: int
    per_member_limit: int
    total_quantity: int
    issued_count: int
    shop_ids: list[int]
    categories: list[str]
    valid_from: datetime
    valid_until: datetime


class ClaimRead(BaseModel):
    """A coupon in the member's hands: the code the till scans (or the member's own QR)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    coupon_id: int
    campaign_id: int
    code: str
    channel: str
    status: str
    issued_at: datetime


class ClaimIn(BaseModel):
    channel: str = Field(default="miniprogram", pattern="^(miniprogram|kiosk|online)$")


class RedemptionCreate(BaseModel):
    """A till (or the online shop) uses a coupon: by its code, or by the member's QR code and the coupon id."""

    code: str | None = Field(default=None, min_length=4, max_length=24)
    member_code: str | None = Field(default=None, min_length=6, max_length=32)
    coupon_id: RowId | None = None  # with member_code: which of the member's coupons
    shop_id: RowId
    basket_fen: Money = Field(ge=0)
    categories: list[str] = Field(default_factory=list, max_length=50)  # of the goods in the basket
    order_no: str = Field(default="", max_length=64)
    channel: str = Field(default="offline", pattern="^(offline|online)$")


class RedemptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    coupon_id: int
    campaign_id: int
    member_id: int
    shop_id: int
    channel: str
    order_no: str
    basket_fen: int
    discount_fen: int
    redeemed_at: datetime


class SegmentRules(BaseModel):
    """Rule-based segment; every rule given must hold (AND). Spend, frequency and recency over 365 days."""

    model_config = ConfigDict(extra="forbid")

    tiers: list[str] = Field(default_factory=list, max_length=10)
    min_spend_fen: Money | None = None
    max_spend_fen: Money | None = None
    min_frequency: Int32 | None = None
    max_recency_days: Int32 | None = None  # bought within the last N days
    min_recency_days: Int32 | None = None  # lapsed: nothing for N days or more
    categories: list[str] = Field(default_factory=list, max_length=50)  # top category among these
    shop_ids: list[RowId] = Field(default_factory=list, max_length=500)  # bought there in the last 365 days
    birthday_month: Month | None = None
    rfm_labels: list[str] = Field(default_factory=list, max_length=11)
    profile_groups: list[Int32] = Field(default_factory=list, max_length=20)  # analytics consumer groups (numbers)


class SegmentCreate(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    rules: SegmentRules


class SegmentPreview(BaseModel):
    size: int  # members matching the rules
    consenting: int  # of them, those who consented to marketing push


class PushPlanCreate(BaseModel):
    campaign_id: RowId
    segment_id: RowId
    weekday: Int32 = Field(default=0, ge=0, le=6)
    send_hour: Int32 = Field(default=10, ge=0, le=23)
    title: str = Field(min_length=1, max_length=60)
    body: str = Field(min_length=1, max_length=300)
    personal_body: str = Field(default="", max_length=300)
    coupon_id: RowId | None = None


class PushPlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign_id: int
    segment_id: int
    weekday: int
    send_hour: int
    title: str
    body: str
    personal_body: str
    coupon_id: int | None
    active: bool


class WeekRun(BaseModel):
    plan_id: int
    week_on: date
    segment_size: int
    queued: int
    skipped: int
    sent: int
    already_prepared: bool


class ChannelGrantIn(BaseModel):
    channel: PushChannel
    remaining: Int32 = Field(default=1, ge=0, le=1000)
    opted_out: bool = False
