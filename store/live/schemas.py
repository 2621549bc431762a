"""Wire types of the live domain: platforms, kinds of session, and a session as a caller creates it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from store.wire import Int32, Money, RowId


class Platform(StrEnum):
    douyin = "douyin"  # 抖音
    wechat_channels = "wechat_channels"  # 微信视频号
    taobao = "taobao"  # 淘宝直播
    kuaishou = "kuaishou"  # 快手
    xiaohongshu = "xiaohongshu"  # 小红书
    own = "own"  # the store's mini-program
    other = "other"


class SessionKind(StrEnum):
    """What a session is for; S8 直播服务 counts the kinds beyond pure selling."""

    selling = "selling"  # 带货
    brand_pick = "brand_pick"  # 品牌推荐 / 好物推荐
    launch = "launch"  # 新品发布
    event = "event"  # 活动直播 (fashion show, festival, in-store event)


BEYOND_SELLING = frozenset({SessionKind.brand_pick, SessionKind.launch, SessionKind.event})


class LiveProductIn(BaseModel):
    sku: str = Field(min_length=1, max_length=64)  # the catalogue's SKU code (text until the catalogue lands)
    price_fen: Money | None = None  # 明码标价: the price shown in the live room


class LiveSessionCreate(BaseModel):
    title: str = Field(min_length=1, max_length=120)
    shop_id: RowId | None = None  # None: the store's own session
    platform: Platform
    kind: SessionKind = SessionKind.selling
    host: str = Field(default="", max_length=60)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    viewers: Int32 | None = None
    products: list[LiveProductIn] = Field(default_factory=list, max_length=500)
    coupons: list[str] = Field(default_factory=list, max_length=50)  # session-bound coupon codes


class ViewersIn(BaseModel):
    viewers: Int32 = Field(ge=0)


class LiveProductRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    price_fen: int | None


class LiveSessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str  # the link/QR parameter: the mini-program opens /mall/live/{code} and orders with it
    title: str
    shop_id: int | None
    platform: Platform
    kind: SessionKind
    host: str
    starts_at: datetime
    ends_at: datetime
    viewers: int | None
    products: list[LiveProductRead] = Field(default_factory=list)
    coupons: list[str] = Field(default_factory=list)
    orders: int = 0  # attributed orders so far
    revenue_fen: int = 0  # their net revenue
