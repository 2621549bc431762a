"""Demo hook of the catalogue: about 60,000 SKUs over the shops, price books with a realistic parity share.

Deterministic from ``ctx.rng("catalog")``; written set-based (core executemany, ids assigned here: the
demo fills an empty database).
SKU codes are ``<shop code>-<nnnn>``, the codes the sales demo puts on its order lines. About a third of
the SKUs sell at one price online and at the till (S6 ≥ 30 %: 3 points); the rest are sold on one channel
only or cheaper online. The last month holds approved price changes (paired on both channels, or on one
channel only: a drift since that day), a store-wide anniversary sale on both channels and an online-only
category sale, so the parity report has history to explain.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session

from store import driver_sql
from store.catalog.models import BookVersion, Price, PriceBook, PriceChange, Product, Promotion, Sku, Stock
from store.clock import day_bounds_utc
from store.premises import service as premises_service
from store.premises.models import Shop

FULL_SCALE_SKUS = 60_000
BATCH = 20_000
SKUS_PER_PRODUCT = 3  # colours and sizes
SPECS = ("标准", "红色", "黑色", "白色", "S", "M", "L", "XL", "50ml", "100ml", "礼盒装")
BRANDS = ("森屿", "澜庭", "Aurelle", "北辰", "禾木", "Maison Lune", "青岚", "Velora", "素问", "Kestrel")
PARITY, OFFLINE_ONLY, ONLINE_ONLY = 0.37, 0.09, 0.06  # the rest is listed cheaper online
_TABLES = [m.__table__ for m in (Product, Sku, Price, PriceChange, Promotion, BookVersion, Stock)]  # type: ignore[attr-defined,union-attr]


def generate(ctx: Any) -> None:
    """Products, SKUs and stock per shop, the three price books and a month of price history."""
    session: Session = ctx.session
    shops = premises_service.list_shops(session, ctx.store_id)
    if not shops:
        ctx.echo("demo: catalog    no shops, no catalogue")
        return
    rng = ctx.rng("catalog")
    tz = premises_service.get_store(session, ctx.store_id).timezone
    opened = day_bounds_utc(ctx.start_on, tz)[0]
    month = [day_bounds_utc(ctx.end_on - timedelta(days=d), tz)[0] + timedelta(hours=10) for d in range(29, -1, -1)]
    per_shop = max(1, round(FULL_SCALE_SKUS * min(1.0, max(ctx.options.scale, 0.05)) / len(shops)))
    rows = _Rows(ctx.store_id, opened)
    for shop in shops:
        _shop_catalogue(rows, rng, shop, per_shop)
    _month_of_changes(rows, rng, month)
    _promotions(rows, shops, month)
    rows.publish_events()
    _write(session, rows)
    ctx.echo(
        f"demo: catalog    {len(rows.skus):,} SKUs, {len(rows.prices):,} prices, "
        f"{len(rows.changes):,} approved changes, book version {rows.version}"
    )


class _Rows:
    def __init__(self, store_id: int, opened: datetime) -> None:
        self.store_id, self.opened = store_id, opened
        self.products: list[dict[str, Any]] = []
        self.skus: list[dict[str, Any]] = []
        self.prices: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.promotions: list[dict[str, Any]] = []
        self.stock: list[dict[str, Any]] = []
        self.versions: list[dict[str, Any]] = []
        self.version = 0
        self.events: list[tuple[datetime, str, list[int] | None]] = [(opened, "demo catalogue", None)]
        self.listed: dict[int, dict[str, int]] = {}  # sku id → channel → current list price

    def publish_events(self) -> None:
        """One book version per event, in time order; each SKU carries the last version that touched it."""
        for at, reason, sku_ids in sorted(self.events, key=lambda e: e[0]):
            self.version += 1
            self.versions.append(
                {"store_id": self.store_id, "version": self.version, "published_at": at, "reason": reason}
            )
            for sku in self.skus if sku_ids is None else (self.skus[i - 1] for i in sku_ids):
                sku["rev"], sku["updated_at"] = self.version, at

    def price(self, sku_id: int, channel: str, fen: int, at: datetime, change_id: int | None = None) -> None:
        self.prices.append(
            {
                "store_id": self.store_id,
                "sku_id": sku_id,
                "channel": channel,
                "price_fen": fen,
                "starts_at": at,
                "change_id": change_id,
                "created_at": at,
            }
        )
        self.listed.setdefault(sku_id, {})[channel] = fen


def _shop_catalogue(rows: _Rows, rng: random.Random, shop: Shop, count: int) -> None:
    product_id = 0
    for n in range(1, count + 1):
        if (n - 1) % SKUS_PER_PRODUCT == 0:
            product_id = len(rows.products) + 1
            rows.products.append(
                {
                    "id": product_id,
                    "store_id": rows.store_id,
                    "shop_id": shop.id,
                    "code": f"{shop.code}-P{product_id:06d}",
                    "name": f"{shop.name} 商品{(n - 1) // SKUS_PER_PRODUCT + 1}",
                    "brand": rng.choice(BRANDS),
                    "category": shop.category,
                    "created_at": rows.opened,
                }
            )
        sku_id = len(rows.skus) + 1
        rows.skus.append(
            {
                "id": sku_id,
                "store_id": rows.store_id,
                "shop_id": shop.id,
                "product_id": product_id,
                "code": f"{shop.code}-{n:04d}",
                "barcode": f"69{sku_id:011d}",
                "spec": rng.choice(SPECS),
                "tax_rate_bp": 1300,
                "active": True,
                "rev": 1,
                "updated_at": rows.opened,
            }
        )
        offline = rng.randrange(20, 3000) * 100 - rng.choice((0, 0, 100, 1))  # ¥19.00 .. ¥2,999.99
        kind = rng.random()
        if kind < PARITY:
            rows.price(sku_id, "offline", offline, rows.opened)
            rows.price(sku_id, "online", offline, rows.opened)
        elif kind < PARITY + OFFLINE_ONLY:
            rows.price(sku_id, "offline", offline, rows.opened)
        elif kind < PARITY + OFFLINE_ONLY + ONLINE_ONLY:
            rows.price(sku_id, "online", offline, rows.opened)
        else:  # the mall undercuts the till by 3–15 %
            rows.price(sku_id, "offline", offline, rows.opened)
            rows.price(sku_id, "online", offline * rng.randrange(85, 98) // 100, rows.opened)
        if rng.random() < 0.5:
            rows.price(sku_id, "live", offline * 9 // 10, rows.opened)
        rows.stock.append(
            {
                "store_id": rows.store_id,
                "shop_id": shop.id,
                "sku_id": sku_id,
                "on_hand": rng.randrange(0, 60),
                "reserved": 0,
                "updated_at": rows.opened,
            }
        )


def _month_of_changes(rows: _Rows, rng: random.Random, month: list[datetime]) -> None:
    """About 1.5 % of SKUs repriced in the last month; a third of them on one channel only (a drift)."""
    both = [s for s, chans in rows.listed.items() if "offline" in chans and "online" in chans]
    picked = rng.sample(both, min(len(both), len(rows.skus) * 15 // 1000))
    by_day: dict[int, list[int]] = {}
    for sku_id in picked:
        by_day.setdefault(rng.randrange(len(month)), []).append(sku_id)
    for day_index in sorted(by_day):
        at = month[day_index]
        rows.events.append((at, "demo price changes", by_day[day_index]))
        for sku_id in by_day[day_index]:
            listed = rows.listed[sku_id]
            new = max(100, listed["offline"] * rng.choice((90, 95, 105, 110)) // 100)
            channels = ("offline", "online") if rng.random() < 0.67 else (rng.choice(("offline", "online")),)
            for channel in channels:
                change_id = len(rows.changes) + 1
                rows.changes.append(
                    {
                        "id": change_id,
                        "store_id": rows.store_id,
                        "shop_id": rows.skus[sku_id - 1]["shop_id"],
                        "sku_id": sku_id,
                        "channel": channel,
                        "price_fen": new,
                        "effective_at": at,
                        "status": "approved",
                        "note": "季度调价",
                        "requested_by": None,
                        "decided_by": None,
                        "decided_at": at - timedelta(hours=2),
                        "created_at": at - timedelta(days=1),
                    }
                )
                rows.price(sku_id, channel, new, at, change_id)


def _promotions(rows: _Rows, shops: list[Shop], month: list[datetime]) -> None:
    """A store-wide anniversary sale on both channels (parity kept) and an online-only sale of the category
    with the fewest shops (its SKUs drift for two days)."""
    categories: dict[str, int] = {}
    for shop in shops:
        categories[shop.category] = categories.get(shop.category, 0) + 1
    smallest = min(categories, key=lambda c: (categories[c], c))
    sales = [
        ("店庆 / anniversary", "offline", None, month[10], 3, 10),
        ("店庆 / anniversary", "online", None, month[10], 3, 10),
        (f"线上{smallest}专场 / online {smallest} days", "online", smallest, month[20], 2, 15),
    ]
    for name, channel, category, starts, days, percent in sales:
        rows.promotions.append(
            {
                "store_id": rows.store_id,
                "name": name,
                "channel": channel,
                "percent_off": percent,
                "starts_at": starts,
                "ends_at": starts + timedelta(days=days),
                "category": category,
                "sku_id": None,
                "created_at": starts - timedelta(days=3),
            }
        )
        # A promotion touches every SKU it may price (announced three days ahead): the tills fetch them again.
        rows.events.append((starts - timedelta(days=3), f"promotion {name}", None))


def _write(session: Session, rows: _Rows) -> None:
    conn = session.connection()
    conn.execute(
        insert(PriceBook.__table__),  # type: ignore[attr-defined]
        [
            {"store_id": rows.store_id, "channel": "offline", "tax_included": True},
            {"store_id": rows.store_id, "channel": "online", "tax_included": True},
            {"store_id": rows.store_id, "channel": "live", "tax_included": True},
        ],
    )
    product, sku, price, change, promotion, version, stock = _TABLES
    for table, values in (
        (product, rows.products),
        (sku, rows.skus),
        (change, rows.changes),
        (price, rows.prices),
        (promotion, rows.promotions),
        (version, rows.versions),
        (stock, rows.stock),
    ):
        driver_sql.insert_dicts(conn, table, values, BATCH)  # the storage format: no bind processor per value
    if conn.dialect.name == "postgresql":  # ids were ours: move the sequences past them
        for table in ("catalog_product", "catalog_sku", "catalog_price_change"):
            top = f"(SELECT COALESCE(MAX(id), 1) FROM {table})"
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top})"))
