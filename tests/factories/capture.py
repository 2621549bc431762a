"""Capture factories: a capture box bound to a shop, the shop's template, a captured receipt uploaded."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from store.auth.models import Device, DeviceKind
from store.capture import service as capture_service
from store.capture.models import CaptureTemplate
from store.capture.schemas import JobIn, TemplateSpec
from store.capture.templates import ZH_BASIC
from store.premises.models import Shop
from tests.factories.sales import create_till

FIXTURES = Path(__file__).parents[1] / "capture" / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def create_box(session: Session, shop: Shop) -> tuple[str, Device]:
    return create_till(session, shop, kind=DeviceKind.capture_box)


def create_template(session: Session, shop: Shop, *, spec: TemplateSpec = ZH_BASIC, name: str = "") -> CaptureTemplate:
    return capture_service.save_template(
        session, shop.store_id, shop_id=shop.id or 0, name=name or f"tpl-{shop.code}", spec=spec, by="test"
    )


def job_in(data: bytes, *, seq: int = 1, at: datetime | None = None) -> JobIn:
    return JobIn(
        seq=seq,
        sha256=hashlib.sha256(data).hexdigest(),
        raw_b64=base64.b64encode(data).decode(),
        captured_at=at or datetime(2026, 11, 30, 7, 0, tzinfo=UTC),
    )


def receipt(no: str, at: str = "2026-11-30 15:20:00", *, total: str = "497.00") -> bytes:
    """A GBK receipt as a Chinese till prints it, with receipt number ``no``."""
    data = fixture_bytes("hand_gbk_sale.bin").replace(b"B-778", no.encode())
    data = data.replace(b"2026-11-30 15:20:00", at.encode())
    return data.replace("合计: 497.00".encode("gbk"), f"合计: {total}".encode("gbk"))
