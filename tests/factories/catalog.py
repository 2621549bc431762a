"""Factories for the catalogue: SKUs with prices per channel, written through the catalogue's service."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from sqlmodel import Session

from store.catalog import service as catalog_service
from store.catalog.models import Sku
from store.catalog.schemas import PriceChannel
from store.clock import utcnow
from store.premises.models import Shop

_seq = count(1)
LONG_AGO = datetime(2020, 1, 1, tzinfo=utcnow().tzinfo)


def create_sku(
    session: Session,
    shop: Shop,
    *,
    code: str | None = None,
    category: str = "beauty",
    offline: int | None = 10_000,
    online: int | None = 10_000,
    since: datetime = LONG_AGO,
    tax_rate_bp: int = 1300,
) -> Sku:
    """A SKU of ``shop`` priced ``offline`` / ``online`` (fen, None: not on that channel) from ``since``."""
    n = next(_seq)
    code = code or f"K{n:06d}"
    catalog_service.upsert_sku(
        session,
        shop.store_id,
        catalog_service.SkuIn(
            shop_id=shop.id,  # type: ignore[arg-type]
            product_code=f"P-{code}",
            name=f"商品{n}",
            category=category,
            sku=code,
            brand="Brand",
            barcode=f"69{n:011d}",
            tax_rate_bp=tax_rate_bp,
        ),
    )
    sku = catalog_service.get_sku_by_code(session, shop.store_id, code)
    for channel, price in ((PriceChannel.offline, offline), (PriceChannel.online, online)):
        if price is not None:
            catalog_service.set_price(session, sku, channel, price, since, change_id=None)
    catalog_service.publish(session, shop.store_id, "test SKU", sku_ids=[sku.id], at=since)  # type: ignore[list-item]
    return sku


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
