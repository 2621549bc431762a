"""Factories for delivery orders and live sessions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from store.delivery import service as delivery_service
from store.delivery.models import DeliveryOrder
from store.live import service as live_service
from store.live.models import LiveSession
from store.live.schemas import LiveSessionCreate, Platform, SessionKind
from store.premises.models import Shop
from store.sales.schemas import Channel
from tests.factories.sales import create_order


def create_delivery(session: Session, shop: Shop, placed_at: datetime, **kwargs: Any) -> DeliveryOrder:
    """An online order at ``shop`` placed at ``placed_at`` with its delivery."""
    order = create_order(session, shop, channel=Channel.online, ordered_at=placed_at)
    return delivery_service.create(session, shop.store_id, order.id, **kwargs)  # type: ignore[arg-type]


def create_session(
    session: Session,
    store_id: int,
    starts_at: datetime,
    *,
    kind: SessionKind = SessionKind.selling,
    hours: int = 2,
    coupons: list[str] | None = None,
    shop_id: int | None = None,
) -> LiveSession:
    data = LiveSessionCreate(
        title="周末直播",
        shop_id=shop_id,
        platform=Platform.douyin,
        kind=kind,
        host="主播小王",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        products=[{"sku": "SKU-1", "price_fen": 9900}],  # type: ignore[list-item]
        coupons=coupons or [],
    )
    return live_service.create(session, store_id, data)
