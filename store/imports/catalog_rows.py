"""Import kinds ``products`` and ``price-book``: a store's catalogue and its price history from old systems,
so S6 parity is measured over the months before the catalogue existed too (issue 11)."""

from __future__ import annotations

from sqlmodel import select

from store.catalog import service as catalog_service
from store.catalog.errors import SkuNotFound
from store.catalog.models import Price, Sku
from store.catalog.schemas import PriceChannel
from store.imports import cells
from store.imports.errors import RowError
from store.imports.kinds import Handler, Outcome, Parsed
from store.imports.premises_rows import shop_id_for
from store.imports.readers import Row

CHANNELS: dict[str, str] = {
    **{c.value: c.value for c in PriceChannel},
    "线下": "offline",
    "门店": "offline",
    "收银": "offline",
    "线上": "online",
    "商城": "online",
    "小程序": "online",
    "直播": "live",
}


class _Publishing(Handler):
    """Publishes one new book version for the SKUs the file changed, once every row is written."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.touched: set[int] = set()

    def finish(self) -> None:
        if self.touched:
            catalog_service.publish(self.session, self.store_id, f"import {self.kind}", sku_ids=self.touched)


class ProductRows(_Publishing):
    kind = "products"
    required = ("sku", "product_code", "name", "category", "shop_code")
    optional = ("brand", "barcode", "spec", "tax_rate")

    def parse(self, row: Row) -> Parsed:
        data = catalog_service.SkuIn(
            shop_id=shop_id_for(self, cells.text(row, "shop_code", max_length=32)),
            product_code=cells.text(row, "product_code", max_length=64),
            name=cells.text(row, "name", max_length=120),
            category=cells.text(row, "category", max_length=40),
            sku=cells.text(row, "sku", max_length=64),
            brand=cells.text(row, "brand", required=False, max_length=60),
            barcode=cells.text(row, "barcode", required=False, max_length=32),
            spec=cells.text(row, "spec", required=False, max_length=120),
            tax_rate_bp=_tax_rate_bp(row),
        )
        # One product, one description: a later row may not rename what an earlier row of the file said.
        products: dict[str, tuple[int, str, str, str]] = self.__dict__.setdefault("_products", {})
        described = (data.shop_id, data.name, data.brand, data.category)
        if products.setdefault(data.product_code, described) != described:
            raise RowError("product_code", f"product {data.product_code!r} is described differently on an earlier row")
        return Parsed(row, data.sku, data)

    def apply(self, parsed: Parsed) -> Outcome:
        sku_id, changed = catalog_service.upsert_sku(self.session, self.store_id, parsed.item)
        if not changed:
            return Outcome.unchanged
        self.touched.add(sku_id)
        return Outcome.imported


def _tax_rate_bp(row: Row) -> int:
    """VAT as a percentage (``13``, ``13%``, ``9``, ``0``); default 13 %."""
    raw = row.get("tax_rate").rstrip("%").strip()
    if not raw:
        return 1300
    try:
        percent = float(raw)
    except ValueError:
        raise RowError("tax_rate", f"{raw!r} is not a percentage (like 13)") from None
    if not 0 <= percent <= 100 or round(percent * 100) != percent * 100:
        raise RowError("tax_rate", f"{raw!r} must lie between 0 and 100 with at most 2 decimals")
    return round(percent * 100)


class PriceBookRows(_Publishing):
    kind = "price-book"
    required = ("sku", "channel", "price_fen|price_yuan", "starts_at")

    def parse(self, row: Row) -> Parsed:
        code = cells.text(row, "sku", max_length=64)
        channel = cells.choice(row, "channel", CHANNELS, shown=[c.value for c in PriceChannel])
        price_fen = cells.money(row, "price")  # a price below zero is refused here with its row
        starts_at = cells.moment(row, "starts_at", self.store.timezone)
        skus: dict[str, int] = self.__dict__.setdefault("_skus", {})
        if code not in skus:
            try:
                skus[code] = catalog_service.get_sku_by_code(self.session, self.store_id, code).id  # type: ignore[assignment]
            except SkuNotFound:
                raise RowError("sku", f"unknown SKU {code!r} (import products first)") from None
        return Parsed(row, (code, channel, starts_at), (skus[code], PriceChannel(channel), price_fen, starts_at))

    def apply(self, parsed: Parsed) -> Outcome:
        sku_id, channel, price_fen, starts_at = parsed.item
        stored = self.session.execute(
            select(Price.price_fen).where(
                Price.sku_id == sku_id,
                Price.channel == channel,
                Price.starts_at == starts_at,  # type: ignore[arg-type]
            )
        ).scalar_one_or_none()
        if stored == price_fen:
            return Outcome.unchanged
        sku = self.session.get(Sku, sku_id)
        assert sku is not None
        catalog_service.set_price(self.session, sku, channel, price_fen, starts_at, change_id=None)
        self.touched.add(sku_id)
        return Outcome.imported
