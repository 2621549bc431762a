"""Wire contract of the tills' own API (``/api/v1/pos``): the till agent imports these, never the models."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field

from store.wire import Int32, Money, RowId


class TillState(StrEnum):
    online = "online"  # a heartbeat within the last few minutes
    silent = "silent"  # was heard from, but not lately
    never = "never"  # no heartbeat yet


class HeartbeatIn(BaseModel):
    """What the till agent reports every few seconds: its outbox and where its sequence stands."""

    outbox_backlog: Int32 = Field(ge=0, description="sales and refunds waiting in the till's outbox")
    oldest_pending_at: AwareDatetime | None = Field(
        default=None, description="when the oldest of them was made (UTC); none with an empty outbox"
    )
    dead_letters: Int32 = Field(default=0, ge=0, description="items the server refused, waiting for a supervisor")
    last_seq: Int32 = Field(default=0, ge=0, description="the highest sequence number the till has given a sale")
    dead_seqs: list[RowId] = Field(default_factory=list, max_length=200, description="sequences in dead letter")
    price_book_version: Int32 | None = None
    agent_version: str = Field(default="", max_length=40)
    shift_open: bool = True


class DiscardIn(BaseModel):
    """A sale the till's supervisor discarded from its dead-letter list (``POST /pos/discards``): its number is
    then accounted for on the store, "discarded at the till", never a sale. Reporting it again is harmless."""

    till_seq: RowId = Field(description="the sequence number the till gave the sale")
    order_no: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=2, max_length=200, description="the supervisor's reason, as typed")
    discarded_at: AwareDatetime | None = Field(default=None, description="when it was discarded (UTC); now if none")


class DiscardRead(BaseModel):
    till_seq: int
    order_no: str
    reason: str
    discarded_at: datetime
    reported_at: datetime
    sale_arrived: bool  # a sale under this number is stored after all: it counts as a sale, not as discarded


class GapRead(BaseModel):
    first_seq: int
    last_seq: int
    detected_at: datetime
    resolved_at: datetime | None
    in_dead_letter: bool  # the till reported these sequences in its dead-letter list
    closed_as: str = ""  # arrived, discarded (at the till), mixed; "" while open


class TillRead(BaseModel):
    device_id: int
    name: str
    shop_id: int | None
    state: TillState
    last_heartbeat_at: datetime | None
    outbox_backlog: int
    dead_letters: int
    last_seq: int
    server_seq: int  # the highest sequence number stored for this till
    price_book_version: int | None
    current_book_version: int
    stale_book: bool
    open_gaps: list[GapRead]
    discarded_sales: int = 0  # numbers discarded at the till (and no sale stored under them)
    discarded: list[DiscardRead] = []  # the latest discards reported, newest number first


class TillPage(BaseModel):
    items: list[TillRead]
    outbox_backlog: int  # the sum over the store's tills (the facilities module reads this)
    missing_sales: int  # sequence numbers in open gaps
    discarded_sales: int = 0  # numbers the tills' supervisors discarded (closed, never counted as sales)


class HeartbeatRead(BaseModel):
    till: TillRead
    server_time: datetime


class PosPaymentMethod(StrEnum):
    unionpay = "unionpay"  # bank card
    wechat = "wechat"
    alipay = "alipay"
    ecny = "ecny"  # e-CNY 数字人民币


class PosPaymentCreate(BaseModel):
    """One attempt to take money for a till's sale (``order_no``); every attempt gets a new ``payment_no``."""

    order_no: str = Field(min_length=1, max_length=64)
    amount_fen: Money = Field(gt=0)
    method: PosPaymentMethod
    auth_code: str = Field(default="", max_length=32, description="the buyer's payment code, as scanned")


class PosPaymentRead(BaseModel):
    id: int
    payment_no: str
    order_no: str
    method: str
    amount_fen: int
    refunded_fen: int
    status: str  # pending, paid, declined
    message: str


class PosPaymentRefundCreate(BaseModel):
    amount_fen: Money = Field(gt=0)
    reason: str = Field(default="", max_length=200)


class PosPaymentRefundRead(BaseModel):
    refund_no: str
    payment_no: str
    method: str  # always the payment's own method
    amount_fen: int
    status: str  # pending, done, failed


class ReceiptKeyRead(BaseModel):
    """The till's key for the links its receipts' QR codes carry (``GET /pos/receipt-key``): the till signs
    ``[device_id, order_no]`` as a ``store.signed_codes`` code of ``purpose`` with ``secret`` (offline too);
    the link is ``{server}/kiosk/m/receipts/{code}``, the sale's e-receipt page."""

    device_id: int
    purpose: str
    secret: str
    max_age_s: int
