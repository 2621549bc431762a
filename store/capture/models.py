"""Tables of receipt capture: templates, raw receipts by hash, captured jobs, box status, alerts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class CaptureTemplate(SQLModel, table=True):
    """How one tenant's receipts read; ``spec`` is a :class:`store.capture.schemas.TemplateSpec` as JSON."""

    __tablename__ = "capture_template"
    __table_args__ = (UniqueConstraint("store_id", "name"), UniqueConstraint("store_id", "shop_id"))

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=80)
    version: int = 1  # raised by each change: a receipt records the version it was read with
    spec: str = Field(sa_type=Text)
    updated_by: str = Field(default="", max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class CaptureBlob(SQLModel, table=True):
    """A receipt's raw printer bytes, stored once by their SHA-256 (content-addressed)."""

    __tablename__ = "capture_blob"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class CaptureJob(SQLModel, table=True):
    """One receipt a capture box saw, what it was read as, and what became of it.

    ``status``: ``posted`` (an order records it), ``review`` (someone must look: unparsed, image, refund,
    refused), ``ignored`` (a reprint or an X/Z report), ``resolved`` (reviewed)."""

    __tablename__ = "capture_job"
    __table_args__ = (
        UniqueConstraint("device_id", "sha256"),
        Index("ix_capture_job_store_status", "store_id", "status"),
        Index("ix_capture_job_shop_day", "shop_id", "business_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id")
    device_id: int = Field(foreign_key="device.id")
    seq: int = Field(sa_type=BigInteger)
    sha256: str = Field(foreign_key="capture_blob.sha256", max_length=64)
    captured_at: datetime = Field(sa_type=AwareDateTime)
    business_on: date
    kind: str = Field(sa_type=String(20))
    status: str = Field(sa_type=String(20))
    reason: str = Field(default="", max_length=300)
    receipt_no: str | None = Field(default=None, max_length=64)
    total_fen: int | None = Field(default=None, sa_type=BigInteger)
    score: int = 0
    template_version: int | None = None
    order_id: int | None = Field(default=None, foreign_key="sales_order.id")
    text: str = Field(default="", sa_type=Text)  # the decoded receipt, as the paper shows it
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class CaptureBoxStatus(SQLModel, table=True):
    """The last word from a capture box: heartbeat, backlog, printer, last receipt."""

    __tablename__ = "capture_box_status"

    device_id: int = Field(primary_key=True, foreign_key="device.id")
    store_id: int = Field(foreign_key="store.id", index=True)
    last_heartbeat_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    last_job_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    backlog: int = 0
    printer_ok: bool = True
    jobs_total: int = 0


class CaptureAlert(SQLModel, table=True):
    """Something wrong with a shop's capture: silent box, no receipts while trading, template health drop."""

    __tablename__ = "capture_alert"
    __table_args__ = (Index("ix_capture_alert_store_open", "store_id", "resolved_at"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    shop_id: int = Field(foreign_key="shop.id")
    device_id: int | None = Field(default=None, foreign_key="device.id")
    rule: str = Field(sa_type=String(24))
    detail: str = Field(default="", max_length=300)
    raised_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
