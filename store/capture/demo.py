"""Demo hook of receipt capture: two tenants' shops with a capture box each, their template, the last two days
of captured receipts (sales posted through the sales ingest, a reprint, a Z report, one receipt printed as an
image and one the template cannot read, both in the review queue), a gap in one till's receipt numbers, and
one box gone quiet (its alert). Deterministic from ``ctx.rng("capture")``; times are relative to now."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from store.auth import service as auth_service
from store.auth.models import DeviceKind
from store.capture import monitor
from store.capture import service as capture_service
from store.capture.schemas import HeartbeatIn, JobIn
from store.capture.templates import ZH_BASIC
from store.clock import utcnow
from store.premises import service as premises_service
from store.sales.models import Order
from store.sales.schemas import Source

RECEIPTS_PER_DAY = 12
ITEMS = (("纯棉T恤", 9900), ("牛仔裤", 29900), ("羊毛围巾", 15900), ("运动袜", 2900), ("连帽卫衣", 25900))
RASTER = b"\x1b@\x1dv0\x00\x30\x00\x20\x00" + bytes(48 * 32) + b"\x1dV\x00"


def receipt_bytes(number: str, at: datetime, items: list[tuple[str, int, int]], *, header: str = "") -> bytes:
    """A receipt as a Chinese till prints it: FS & Chinese mode, GBK text, a QR code and a cut."""
    rows = [header] if header else []
    rows += [f"单号: {number}", f"时间: {at:%Y-%m-%d %H:%M:%S}", "-" * 32]
    total = 0
    for name, qty, price in items:
        total += qty * price
        rows.append(f"{name:<10}{qty:>4}{price / 100:>8.2f}{qty * price / 100:>9.2f}")
    rows += ["-" * 32, f"合计: {total / 100:.2f}", f"微信支付: {total / 100:.2f}"]
    text = "\r\n".join(rows).encode("gbk") + b"\r\n"
    url = f"https://mall.example.cn/r/{number}".encode()
    qr = b"\x1d(k" + (len(url) + 3).to_bytes(2, "little") + b"1P0" + url + b"\x1d(k\x03\x001Q0"
    return b"\x1b@\x1c&" + text + qr + b"\x1bd\x03\x1dV\x00"


def _job(seq: int, data: bytes, at: datetime) -> JobIn:
    digest = hashlib.sha256(data).hexdigest()
    return JobIn(seq=seq, sha256=digest, raw_b64=base64.b64encode(data).decode(), captured_at=at)


def _captured_shops(ctx: Any) -> list[int]:
    query = (
        select(Order.shop_id)
        .where(Order.store_id == ctx.store_id, Order.source == Source.receipt_capture)
        .distinct()
        .order_by(col(Order.shop_id))
        .limit(2)
    )
    found = list(ctx.session.exec(query))
    if len(found) < 2:
        found += [s.id for s in premises_service.list_shops(ctx.session, ctx.store_id)[: 2 - len(found)]]
    return found


def generate(ctx: Any) -> None:
    session, rng = ctx.session, ctx.rng("capture")
    store = premises_service.get_store(session, ctx.store_id)
    zone, now = ZoneInfo(store.timezone), utcnow()
    shops = _captured_shops(ctx)
    receipts = 0
    for index, shop_id in enumerate(shops):
        shop = premises_service.get_shop(session, ctx.store_id, shop_id)
        _, box = auth_service.create_device(
            session, store_id=ctx.store_id, kind=DeviceKind.capture_box, name=f"小票采集盒 {shop.code}", shop_id=shop_id
        )
        capture_service.save_template(
            session, ctx.store_id, shop_id=shop_id, name=f"{shop.code} 标准小票", spec=ZH_BASIC, by="demo"
        )
        seq, number = 0, 1000 * (index + 1)
        for day_back in (2, 1):
            opening = (now - timedelta(days=day_back)).astimezone(zone).replace(hour=10, minute=0, second=0)
            for _ in range(RECEIPTS_PER_DAY):
                seq, number = seq + 1, number + (2 if rng.random() < 0.05 else 1)  # now and then a receipt not seen
                local = opening + timedelta(minutes=rng.randint(0, 60 * 11))
                items = [(name, rng.randint(1, 2), price) for name, price in rng.sample(ITEMS, rng.randint(1, 3))]
                data = receipt_bytes(f"T{index + 1}-{number:06d}", local.replace(tzinfo=None), items)
                capture_service.record_job(session, box, _job(seq, data, local.astimezone(now.tzinfo)))
                receipts += 1
            if index == 0 and day_back == 1:  # a reprint of the last receipt, a Z report, an image, a layout drift
                last = local.astimezone(now.tzinfo)
                extras = [
                    receipt_bytes(f"T1-{number:06d}", local.replace(tzinfo=None), items, header="*** 重打 ***"),
                    b"\x1b@\x1c&" + "Z报表 日结\r\n营业额: 3560.00\r\n".encode("gbk") + b"\x1dV\x00",
                    RASTER,
                    receipt_bytes(f"T1-{number + 1:06d}", local.replace(tzinfo=None), items).replace(
                        "合计".encode("gbk"), "总额".encode("gbk")
                    ),
                ]
                for offset, data in enumerate(extras, start=1):
                    seq += 1
                    capture_service.record_job(session, box, _job(seq, data, last + timedelta(minutes=offset)))
                    receipts += 1
        beat = now if index == 0 else now - timedelta(hours=3)  # the second box went quiet three hours ago
        capture_service.heartbeat(session, box, HeartbeatIn(jobs_total=seq), now=beat)
    alerts = monitor.check(session, ctx.store_id, now)
    ctx.echo(f"demo: capture    {len(shops)} boxes, {receipts} receipts, {len(alerts)} open alerts")
