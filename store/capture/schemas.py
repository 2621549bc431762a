"""Wire contract of receipt capture: the parse template, the box's job upload and heartbeat, the admin reads.

The capture box (``pos_bridge.capture``) imports these and :mod:`store.capture.escpos` /
:mod:`store.capture.parse`, never the models.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from store.sales.schemas import PaymentMethod
from store.wire import Int32, RowId

DEFAULT_REPRINT = r"重打|重印|补打|复印|REPRINT|COPY"
DEFAULT_REPORT = r"X\s*报表|Z\s*报表|日结|交班|班结|X[- ]?REPORT|Z[- ]?REPORT|SHIFT REPORT"
DEFAULT_REFUND = r"退货|退款|REFUND"
DEFAULT_PAYMENTS = {
    "微信": PaymentMethod.wechat,
    "wechat": PaymentMethod.wechat,
    "支付宝": PaymentMethod.alipay,
    "alipay": PaymentMethod.alipay,
    "银联": PaymentMethod.unionpay,
    "银行卡": PaymentMethod.unionpay,
    "刷卡": PaymentMethod.unionpay,
    "card": PaymentMethod.unionpay,
    "现金": PaymentMethod.cash,
    "cash": PaymentMethod.cash,
    "储值": PaymentMethod.stored_value,
    "积分": PaymentMethod.points,
    "券": PaymentMethod.coupon,
}


class JobKind(StrEnum):
    """What a captured receipt turned out to be."""

    sale = "sale"  # parsed: posted as an order
    reprint = "reprint"  # 重打: the sale was posted when first printed
    report = "report"  # X / Z report: not a sale
    refund = "refund"  # a refund slip: kept for review (refunds go against the original order)
    image = "image"  # printed as a picture: no text to read
    unparsed = "unparsed"  # the template found too little


class TemplateSpec(BaseModel):
    """How to read one tenant's receipts: a regular expression per field, applied to the decoded lines.

    ``receipt_no``, ``time`` and ``total`` take the first match's first group. ``line`` matches one item
    line with named groups ``name``, ``qty``, ``price`` and/or ``amount`` (``sku`` optional);
    ``payment`` matches a tender line with groups ``method`` and ``amount``."""

    model_config = ConfigDict(extra="forbid")

    receipt_no: str = Field(min_length=1, max_length=500)
    time: str = Field(min_length=1, max_length=500)
    time_format: str = Field(default="%Y-%m-%d %H:%M:%S", max_length=60)
    total: str = Field(min_length=1, max_length=500)
    line: str = Field(default="", max_length=500)
    discount: str = Field(default="", max_length=500)
    payment: str = Field(default="", max_length=500)
    payment_methods: dict[str, PaymentMethod] = Field(default_factory=lambda: dict(DEFAULT_PAYMENTS))
    reprint: str = Field(default=DEFAULT_REPRINT, max_length=500)
    report: str = Field(default=DEFAULT_REPORT, max_length=500)
    refund: str = Field(default=DEFAULT_REFUND, max_length=500)
    chinese_default: bool = True  # the printer's power-on mode: GB18030 double-byte text

    @field_validator("receipt_no", "time", "total", "line", "discount", "payment", "reprint", "report", "refund")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from exc
        return value


class TemplateCreate(BaseModel):
    name: str = Field(min_length=1, max_length=80, pattern=r"\S")
    shop_id: RowId
    spec: TemplateSpec


class TemplateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    shop_id: int
    version: int
    spec: TemplateSpec
    updated_at: datetime


class ParsedLine(BaseModel):
    name: str
    sku: str = ""
    quantity: int
    unit_price_fen: int
    total_fen: int


class ParsedPayment(BaseModel):
    method: PaymentMethod
    amount_fen: int


class ParsedReceipt(BaseModel):
    """One receipt as the template read it, with what it could not find."""

    kind: JobKind
    reason: str = ""
    receipt_no: str | None = None
    ordered_at: datetime | None = None  # the till's local time, naive: the store's timezone applies
    total_fen: int | None = None
    discount_fen: int = 0
    lines: list[ParsedLine] = Field(default_factory=list)
    payments: list[ParsedPayment] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    adds_up: bool = False
    score: int = 0  # 0–100: fields found and lines adding up to the total


class JobIn(BaseModel):
    """One captured receipt as the box uploads it: the raw printer bytes (base64) and where they came from."""

    seq: Int32 = Field(ge=0)  # the box's own job counter
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    raw_b64: str = Field(max_length=4_000_000)
    captured_at: AwareDatetime
    order_id: RowId | None = None  # the order the box posted for it, if it did


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    shop_id: int
    device_id: int
    seq: int
    sha256: str
    kind: JobKind
    status: str
    reason: str
    receipt_no: str | None
    total_fen: int | None
    score: int
    order_id: int | None
    business_on: date
    captured_at: datetime


class HeartbeatIn(BaseModel):
    backlog: Int32 = Field(default=0, ge=0)  # receipts buffered on the box, not yet uploaded
    printer_ok: bool = True
    jobs_total: Int32 = Field(default=0, ge=0)


class BoxConfig(BaseModel):
    """What a capture box needs from the store: its shop and the shop's template (None: none yet)."""

    device_id: int
    shop_id: int | None
    timezone: str
    template: TemplateRead | None
