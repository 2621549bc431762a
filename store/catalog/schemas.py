"""Wire contract of the catalogue API (the POS bridge imports these, never the models)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from annotated_types import Ge, Le
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from store.wire import Money, NotBool, RowId


class PriceChannel(StrEnum):
    """The channels that have a price book (the sales ``Channel`` values of the same names)."""

    offline = "offline"  # the shop's till
    online = "online"  # online mall / mini-program
    live = "live"  # live-stream selling


class ChangeStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class ReservationStatus(StrEnum):
    held = "held"
    released = "released"
    committed = "committed"


Percent = Annotated[int, Ge(1), Le(99), NotBool]
Quantity = Annotated[int, Ge(1), Le(1_000_000), NotBool]


class PriceChangeCreate(BaseModel):
    """A new list price for a SKU on one channel from ``effective_at`` (default: as soon as approved)."""

    sku: str = Field(min_length=1, max_length=64)
    channel: PriceChannel
    price_fen: Money
    effective_at: AwareDatetime | None = None
    note: str = Field(default="", max_length=200)


class ParityPreview(BaseModel):
    """What a price change does to the store's S6 share at the moment it takes effect."""

    sku: str
    status_before: str
    status_after: str
    share_before: float  # percent
    share_after: float
    message: str  # "S6 share 31.2% → 29.8%"


class PriceChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sku_id: int
    shop_id: int
    channel: PriceChannel
    price_fen: int
    effective_at: datetime
    status: ChangeStatus
    note: str
    requested_by: int | None
    decided_by: int | None
    decided_at: datetime | None
    created_at: datetime


class PromotionCreate(BaseModel):
    """A percentage off on one channel for a window: for all SKUs, one category, or one SKU."""

    name: str = Field(min_length=1, max_length=120)
    channel: PriceChannel
    percent_off: Percent
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    category: str | None = Field(default=None, min_length=1, max_length=40)
    sku: str | None = Field(default=None, min_length=1, max_length=64)


class PromotionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    channel: PriceChannel
    percent_off: int
    starts_at: datetime
    ends_at: datetime
    category: str | None
    sku_id: int | None


class PriceRead(BaseModel):
    """The resolver's answer: the tax-inclusive effective price of a SKU on a channel at a moment."""

    sku: str
    channel: PriceChannel
    at: datetime
    price_fen: int
    list_price_fen: int
    promotion: str | None
    version: int  # the price-book version this answer belongs to


class PriceStep(BaseModel):
    """From ``starts_at`` on, the effective price is ``price_fen`` (None: not on sale)."""

    starts_at: datetime
    price_fen: int | None


class SyncItem(BaseModel):
    """One SKU as a till keeps it: its product data and the offline price now and as scheduled."""

    sku: str
    barcode: str
    name: str
    brand: str
    category: str
    spec: str
    shop_id: int
    tax_rate_bp: int
    active: bool
    price_fen: int | None  # tax-inclusive effective price now (None: not on sale at the till)
    steps: list[PriceStep]  # now and each scheduled change in the coming days, as the resolver computed them


class SyncPage(BaseModel):
    version: int  # the price-book version the till records on its sales once it holds every page
    items: list[SyncItem]
    next_cursor: str  # where to continue: the next page, or (``more`` false) the next poll for changes
    more: bool  # false: the till is up to date with ``version``


class StockRead(BaseModel):
    sku: str
    shop_id: int
    on_hand: int
    reserved: int
    available: int


class ReserveIn(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    shop_id: RowId
    quantity: Quantity
    ref: str = Field(default="", max_length=64)


class ReservationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    shop_id: int
    sku_id: int
    quantity: int
    status: ReservationStatus
    ref: str
