"""Wire contract of the sales API (tills and capture boxes import these, never the models)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from store.wire import Day, Int32, Money, RowId


class Channel(StrEnum):
    offline = "offline"  # the shop's till in the store
    online = "online"  # online mall / mini-program
    live = "live"  # live-stream selling
    other = "other"


class Source(StrEnum):
    """Where an order or daily total came from; C2 counts shops whose own POS posted sales."""

    own_till = "own_till"  # our POS terminal (pos_bridge agent)
    receipt_capture = "receipt_capture"  # tenant's own POS, captured from its receipt printer
    online_mall = "online_mall"
    live_stream = "live_stream"
    tenant_declared = "tenant_declared"  # no POS: the tenant declares daily totals
    import_ = "import"


# Sources that prove a shop's POS posted the sale itself (C2 智能支付 coverage).
POS_SOURCES = frozenset({Source.own_till, Source.receipt_capture})


class PaymentMethod(StrEnum):
    wechat = "wechat"
    alipay = "alipay"
    unionpay = "unionpay"  # bank card / UnionPay QuickPass
    cash = "cash"
    ecny = "ecny"  # e-CNY 数字人民币 (payment code through the payment network)
    stored_value = "stored_value"  # member stored-value card
    points = "points"
    coupon = "coupon"
    other = "other"


class OrderLineIn(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=120)
    quantity: Int32
    unit_price_fen: Money
    discount_fen: Money = 0
    total_fen: Money  # must equal quantity × unit_price_fen − discount_fen


class PaymentIn(BaseModel):
    method: PaymentMethod
    amount_fen: Money


class OrderCreate(BaseModel):
    """An order as the till sends it; the numbers must add up or nothing is written."""

    order_no: str = Field(min_length=1, max_length=64)
    shop_id: RowId
    channel: Channel = Channel.offline
    source: Source | None = None  # default: by the posting device, else by channel
    member_id: Int32 | None = None  # not RowId: a non-positive id is the checks' 400, as for imports
    ordered_at: AwareDatetime
    subtotal_fen: Money
    discount_fen: Money = 0
    total_fen: Money
    lines: list[OrderLineIn]
    payments: list[PaymentIn]
    # The catalogue price-book version the till priced the sale with (``GET /catalog/sync``); optional.
    price_book_version: Int32 | None = None
    # The posting till's own sequence number (1, 2, 3, … per till, never reused): unique per till in the
    # database, so a sale replayed under another key is answered with the first order; a gap is a missing sale.
    till_seq: RowId | None = None


class SaleIn(BaseModel):
    """One sale of a batch: the order and the Idempotency-Key it would have been posted with alone."""

    idempotency_key: str = Field(min_length=1, max_length=200, pattern=r"\S")
    order: OrderCreate


class SaleBatch(BaseModel):
    """A till's backlog: many sales in one request (at most ``SMARTSTORE_MAX_BATCH_SALES``)."""

    sales: list[SaleIn] = Field(min_length=1)


class RefundLineIn(BaseModel):
    """What of one line of the order goes back."""

    line_no: RowId
    quantity: RowId


class RefundCreate(BaseModel):
    amount_fen: Money
    # The lines going back, when the till knows them: the points those lines earned are undone (issue 10);
    # without lines a refund is an amount, and points are undone pro rata by amount.
    lines: list[RefundLineIn] = Field(default_factory=list, max_length=500)
    reason: str = Field(default="", max_length=200)
    refunded_at: AwareDatetime | None = None  # default: now
    # How the money goes back, per method (a split tender: each original method gets its part back); each
    # method at most once, adding up to ``amount_fen``, never more than that method paid minus its refunds.
    payments: list[PaymentIn] = Field(default_factory=list, max_length=10)


class DailyTotalIn(BaseModel):
    """A shop's declared or imported daily sales (no order detail)."""

    shop_id: RowId
    business_on: Day
    channel: Channel = Channel.offline
    source: Source = Source.tenant_declared
    revenue_fen: Money
    orders: Int32 = 0
    refunds_fen: Money = 0


class OrderLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line_no: int
    sku: str
    name: str
    quantity: int
    unit_price_fen: int
    discount_fen: int
    total_fen: int


class PaymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    method: PaymentMethod
    amount_fen: int


class RefundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    order_id: int
    amount_fen: int
    reason: str
    refunded_at: datetime
    business_on: date
    payments: list[PaymentRead] = Field(default_factory=list)  # per method, when the till said


class OrderSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    shop_id: int
    order_no: str
    channel: Channel
    source: Source
    member_id: int | None
    terminal_id: int | None
    ordered_at: datetime
    business_on: date
    subtotal_fen: int
    discount_fen: int
    total_fen: int
    refunded_fen: int
    price_book_version: int | None = None
    till_seq: int | None = None


class OrderRead(OrderSummary):
    lines: list[OrderLineRead]
    payments: list[PaymentRead]
    refunds: list[RefundRead]


class SaleResult(BaseModel):
    """What a single post of the sale answered: ``status`` with the ``order`` (201) or a ``problem``."""

    idempotency_key: str
    status: int
    order: OrderRead | None = None
    problem: dict[str, Any] | None = None  # problem+json, as a single post returns it


class SaleBatchRead(BaseModel):
    results: list[SaleResult]  # one per sale, in the order sent


class OrderPage(BaseModel):
    items: list[OrderSummary]
    total: int
    limit: int
    offset: int


class DailyTotalRead(DailyTotalIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
