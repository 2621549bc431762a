"""Wire types of the mini-program's shop (online mall): browsing, the cart, orders and their payment."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from store.wire import Int32, Money, RowId


class Fulfilment(StrEnum):
    pickup = "pickup"  # 到店自提: collected at the shop
    delivery = "delivery"  # 配送: delivered by a courier (store.delivery)


class MallStatus(StrEnum):
    awaiting_payment = "awaiting_payment"  # stock reserved, price held until ``expires_at``
    payment_pending = "payment_pending"  # the network has not answered yet: a query settles it
    paid = "paid"  # recorded in sales, stock taken, delivery booked
    collected = "collected"  # picked up at the shop
    cancelled = "cancelled"  # stock given back; refunded when it was paid


class OnlineMethod(StrEnum):
    """Payment methods the mini-program offers (the sales ``PaymentMethod`` values of the same names)."""

    wechat = "wechat"
    alipay = "alipay"
    unionpay = "unionpay"


class ShopRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str
    category: str


class ProductRead(BaseModel):
    sku: str
    name: str
    brand: str
    category: str
    spec: str
    price_fen: int  # the resolver's tax-inclusive effective price online now
    available: int  # units the shop can still sell online (on hand − reserved)


class ProductPage(BaseModel):
    items: list[ProductRead]
    total: int


class CartItemIn(BaseModel):
    quantity: Int32 = Field(description="0 removes the SKU from the cart")


class CartLine(BaseModel):
    sku: str
    shop_id: int
    name: str
    quantity: int
    price_fen: int | None  # None: no longer on sale online
    available: int


class CartRead(BaseModel):
    items: list[CartLine]
    total_fen: int


class LineIn(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: Int32


class MallOrderCreate(BaseModel):
    """An order at one shop; prices come from the resolver when it is placed and hold until it expires."""

    shop_id: RowId
    lines: list[LineIn] = Field(min_length=1, max_length=100)
    fulfilment: Fulfilment = Fulfilment.pickup
    next_day: bool = False  # delivery: the buyer asks for next day rather than same day
    address: str = Field(default="", max_length=200)  # delivery: where to
    live_code: str | None = Field(default=None, min_length=1, max_length=32)  # the live session link/QR/coupon


class PayIn(BaseModel):
    method: OnlineMethod


class RefundIn(BaseModel):
    amount_fen: Money
    reason: str = Field(default="", max_length=200)


class MallLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    name: str
    quantity: int
    unit_price_fen: int
    total_fen: int


class MallOrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    order_no: str
    shop_id: int
    member_id: int
    channel: str
    status: MallStatus
    fulfilment: Fulfilment
    address: str = ""  # staff see it masked
    total_fen: int
    refunded_fen: int
    placed_at: datetime
    expires_at: datetime
    delivery_level: str | None
    promised_by: datetime | None
    live_session_id: int | None
    payment_method: str | None
    payment_status: str | None = None  # of the latest attempt: pending, paid, declined
    payment_message: str = ""
    sales_order_id: int | None
    delivery_status: str | None = None
    lines: list[MallLineRead] = Field(default_factory=list)


class MallOrderPage(BaseModel):
    items: list[MallOrderRead]
    total: int


class PickupIn(BaseModel):
    collected_at: AwareDatetime | None = None  # default: now


class LiveRoomItem(BaseModel):
    sku: str
    shop_id: int
    name: str
    brand: str
    price_fen: int  # the resolver's live price now (the online one for a SKU the live book does not list)
    available: int


class LiveRoom(BaseModel):
    """A live session as its link or QR opens in the mini-program: order with ``live_code`` = ``code``."""

    code: str
    title: str
    platform: str
    kind: str
    host: str
    starts_at: datetime
    ends_at: datetime
    items: list[LiveRoomItem]
