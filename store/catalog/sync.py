"""The tills' catalogue sync: the SKUs changed since a cursor, with their offline prices from the resolver.

The cursor is ``<rev>.<id>`` of the last SKU a till received: SKUs come ordered by the book version that
last touched them, so a page never skips a SKU changed while the till was paging (it comes again, later).
Once ``more`` is false the till holds book ``version`` and records it on every sale.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from store.catalog import pricing
from store.catalog import service as catalog_service
from store.catalog.errors import BadCursor
from store.catalog.schemas import PriceChannel, PriceStep, SyncItem, SyncPage

HORIZON = timedelta(days=7)  # scheduled changes sent ahead, so a till that goes offline keeps pricing right
_CURSOR = re.compile(r"([0-9]{1,10})\.([0-9]{1,10})")
SKU, PRODUCT = catalog_service.SKU, catalog_service.PRODUCT


def parse_cursor(cursor: str | None) -> tuple[int, int]:
    if cursor is None or cursor == "":
        return 0, 0
    found = _CURSOR.fullmatch(cursor)
    if found is None:
        raise BadCursor(f"cursor {cursor[:40]!r} is not one this API gave out (REV.ID)")
    return int(found[1]), int(found[2])


def page(
    session: Session, store_id: int, *, shop_id: int | None, cursor: str | None, limit: int, now: datetime
) -> SyncPage:
    """Up to ``limit`` SKUs changed after ``cursor`` (of ``shop_id`` only, for a till bound to a shop)."""
    rev, last_id = parse_cursor(cursor)
    version = catalog_service.current_version(session, store_id)
    query = (
        select(
            SKU.c.id,
            SKU.c.code,
            SKU.c.barcode,
            PRODUCT.c.name,
            PRODUCT.c.brand,
            PRODUCT.c.category,
            SKU.c.spec,
            SKU.c.shop_id,
            SKU.c.tax_rate_bp,
            SKU.c.active,
            SKU.c.rev,
        )
        .join(PRODUCT, PRODUCT.c.id == SKU.c.product_id)
        .where(SKU.c.store_id == store_id, or_(SKU.c.rev > rev, and_(SKU.c.rev == rev, SKU.c.id > last_id)))
        .order_by(SKU.c.rev, SKU.c.id)
        .limit(limit + 1)
    )
    if shop_id is not None:
        query = query.where(SKU.c.shop_id == shop_id)
    rows = session.execute(query).all()
    more, rows = len(rows) > limit, rows[:limit]
    _, books = catalog_service.load_books(session, store_id, [PriceChannel.offline], sku_ids=[r.id for r in rows])
    items = []
    for row in rows:
        book = books[(row.id, "offline")]
        now_price = pricing.effective(book, now)
        steps = [PriceStep(starts_at=t, price_fen=p) for t, p in pricing.timeline(book, now, now + HORIZON)]
        items.append(
            SyncItem(
                sku=row.code,
                barcode=row.barcode,
                name=row.name,
                brand=row.brand,
                category=row.category,
                spec=row.spec,
                shop_id=row.shop_id,
                tax_rate_bp=row.tax_rate_bp,
                active=row.active,
                price_fen=now_price.price_fen if now_price is not None else None,
                steps=steps,
            )
        )
    next_cursor = f"{rows[-1].rev}.{rows[-1].id}" if rows else f"{rev}.{last_id}"
    return SyncPage(version=version, items=items, next_cursor=next_cursor, more=more)
