"""The catalogue's logic: SKUs, the book version, the resolver over stored prices, the price-change workflow.

Writes that change what a till would charge (a price entry, a promotion, a SKU) publish a new book
version (:func:`publish`) and stamp the SKUs they touch with it, so a till's sync fetches exactly them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from store.catalog import pricing
from store.catalog.errors import (
    BadPromotion,
    PriceChangeDecided,
    PriceChangeNotFound,
    PriceNegative,
    PromotionEndsBeforeStart,
    SelfApproval,
    SkuNotFound,
)
from store.catalog.models import BookVersion, Price, PriceBook, PriceChange, Product, Promotion, Sku
from store.catalog.schemas import ChangeStatus, PriceChangeCreate, PriceChannel, PromotionCreate
from store.clock import utcnow
from store.sales.models import Order
from store.scoping import Viewer, get_in_store

SKU = Sku.__table__  # type: ignore[attr-defined]
PRODUCT = Product.__table__  # type: ignore[attr-defined]
PRICE = Price.__table__  # type: ignore[attr-defined]
PROMOTION = Promotion.__table__  # type: ignore[attr-defined]


# --- SKUs -------------------------------------------------------------------------------------------------


def get_sku_by_code(session: Session, store_id: int, code: str, *, viewer: Viewer | None = None) -> Sku:
    """The SKU named ``code`` in the store (and in a shop ``viewer`` may see), else 404."""
    sku = session.execute(select(Sku).where(Sku.store_id == store_id, Sku.code == code)).scalar_one_or_none()  # type: ignore[arg-type]
    if sku is None or (viewer is not None and not viewer.can_see_shop(sku.shop_id)):
        raise SkuNotFound(f"SKU {code!r} does not exist in this store")
    return sku


def categories(session: Session, store_id: int, codes: set[str]) -> dict[str, str]:
    """The product category of each SKU code of the store among ``codes`` (codes not in the catalogue left out):
    what the points domain's category earn rules match an order line by."""
    if not codes:
        return {}
    rows = session.execute(
        select(Sku.code, Product.category)  # type: ignore[call-overload]
        .join(Product, col(Product.id) == col(Sku.product_id))
        .where(Sku.store_id == store_id, col(Sku.code).in_(sorted(codes)))
    ).all()
    return {code: category for code, category in rows}


def get_product(session: Session, sku: Sku) -> Product:
    product = session.get(Product, sku.product_id)
    assert product is not None
    return product


# --- the book version ---------------------------------------------------------------------------------------


def current_version(session: Session, store_id: int) -> int:
    found = session.execute(select(func.max(BookVersion.version)).where(BookVersion.store_id == store_id)).scalar()
    return int(found or 0)


def publish(
    session: Session,
    store_id: int,
    reason: str,
    *,
    sku_ids: Iterable[int] | None = None,
    category: str | None = None,
    everything: bool = False,
    at: datetime | None = None,
) -> int:
    """A new book version; the SKUs it touches (by id, by category, or all) carry it as their ``rev``."""
    version = current_version(session, store_id) + 1
    now = at or utcnow()
    session.add(BookVersion(store_id=store_id, version=version, published_at=now, reason=reason[:120]))
    stamp = update(SKU).values(rev=version, updated_at=now).where(SKU.c.store_id == store_id)
    if everything:
        session.execute(stamp)
    elif category is not None:
        in_category = select(PRODUCT.c.id).where(PRODUCT.c.store_id == store_id, PRODUCT.c.category == category)
        session.execute(stamp.where(SKU.c.product_id.in_(in_category)))
    else:
        ids = sorted(set(sku_ids or ()))
        for chunk in range(0, len(ids), 1000):
            session.execute(stamp.where(SKU.c.id.in_(ids[chunk : chunk + 1000])))
    session.flush()
    return version


def version_at(session: Session, store_id: int, at: datetime) -> int:
    """The book version in force at ``at`` (0: none published yet)."""
    query = select(func.max(BookVersion.version)).where(
        BookVersion.store_id == store_id,
        BookVersion.published_at <= at,  # type: ignore[arg-type]
    )
    return int(session.execute(query).scalar() or 0)


# --- the resolver over stored prices -----------------------------------------------------------------------


@dataclass(frozen=True)
class SkuFacts:
    id: int
    code: str
    shop_id: int
    category: str
    tax_rate_bp: int


def tax_included(session: Session, store_id: int) -> dict[str, bool]:
    """Whether each channel's book keeps tax-inclusive prices (a channel without a book row: yes)."""
    rows = session.execute(select(PriceBook.channel, PriceBook.tax_included).where(PriceBook.store_id == store_id))
    found = {str(channel): bool(included) for channel, included in rows}
    return {c.value: found.get(c.value, True) for c in PriceChannel}


def load_books(
    session: Session,
    store_id: int,
    channels: Iterable[PriceChannel],
    *,
    sku_ids: list[int] | None = None,
    shop_id: int | None = None,
    until: datetime | None = None,
) -> tuple[dict[int, SkuFacts], dict[tuple[int, str], pricing.Book]]:
    """Each SKU's facts and its book per channel: entries starting before ``until`` and the promotions."""
    chans = [c.value for c in channels]
    query = (
        core_select(SKU.c.id, SKU.c.code, SKU.c.shop_id, PRODUCT.c.category, SKU.c.tax_rate_bp)
        .join(PRODUCT, PRODUCT.c.id == SKU.c.product_id)
        .where(SKU.c.store_id == store_id)
    )
    if shop_id is not None:
        query = query.where(SKU.c.shop_id == shop_id)
    if sku_ids is not None:
        query = query.where(SKU.c.id.in_(sku_ids))
    facts = {row[0]: SkuFacts(*row) for row in session.execute(query)}
    starts: dict[tuple[int, str], list[datetime]] = {}
    amounts: dict[tuple[int, str], list[int]] = {}
    prices = select(PRICE.c.sku_id, PRICE.c.channel, PRICE.c.starts_at, PRICE.c.price_fen).where(
        PRICE.c.channel.in_(chans)
    )
    if sku_ids is not None:  # ids of this store's SKUs (``facts``): found by the (sku_id, channel, starts_at) index
        prices = prices.where(PRICE.c.sku_id.in_(list(facts)))
    else:
        prices = prices.where(PRICE.c.store_id == store_id)
    if until is not None:
        prices = prices.where(PRICE.c.starts_at <= until)
    for sku_id, channel, starts_at, price_fen in session.execute(prices.order_by(PRICE.c.starts_at)).all():
        key = (sku_id, channel)
        if key not in starts:
            starts[key], amounts[key] = [], []
        starts[key].append(starts_at)
        amounts[key].append(price_fen)
    wide: dict[str, list[pricing.Promo]] = defaultdict(list)
    by_category: dict[tuple[str, str], list[pricing.Promo]] = defaultdict(list)
    by_sku: dict[tuple[int, str], list[pricing.Promo]] = defaultdict(list)
    promos = select(Promotion).where(Promotion.store_id == store_id, Promotion.channel.in_(chans))  # type: ignore[attr-defined]
    for (promo,) in session.execute(promos):
        item = pricing.Promo(promo.starts_at, promo.ends_at, promo.percent_off, promo.name)
        if promo.sku_id is not None:
            by_sku[(promo.sku_id, promo.channel)].append(item)
        elif promo.category is not None:
            by_category[(promo.category, promo.channel)].append(item)
        else:
            wide[promo.channel].append(item)
    included = tax_included(session, store_id)
    books = {}
    empty: list[Any] = []
    for channel in chans:
        in_channel, tax_in = wide[channel], included[channel]
        for sku in facts.values():
            key = (sku.id, channel)
            promo_list = in_channel
            extra = by_category.get((sku.category, channel), empty) + by_sku.get(key, empty)
            if extra:
                promo_list = in_channel + extra
            books[key] = pricing.Book(
                starts.get(key, empty), amounts.get(key, empty), promo_list, tax_in, sku.tax_rate_bp
            )
    return facts, books


def resolve(session: Session, store_id: int, sku: Sku, channel: PriceChannel, at: datetime) -> pricing.Resolved:
    """The tax-inclusive effective price of ``sku`` on ``channel`` at ``at``; not on sale there: 404."""
    assert sku.id is not None
    _, books = load_books(session, store_id, [channel], sku_ids=[sku.id])
    found = pricing.effective(books[(sku.id, channel.value)], at)
    if found is None:
        raise SkuNotFound(f"SKU {sku.code!r} has no {channel.value} price at {at.isoformat()}")
    return found


def resolve_first(
    session: Session, store_id: int, sku: Sku, channels: Sequence[PriceChannel], at: datetime
) -> tuple[PriceChannel, pricing.Resolved]:
    """The resolver on the first of ``channels`` whose book prices ``sku`` at ``at`` (a live room: the live book,
    else the online one); on none of them: 404."""
    for channel in channels[:-1]:
        try:
            return channel, resolve(session, store_id, sku, channel, at)
        except SkuNotFound:
            continue
    return channels[-1], resolve(session, store_id, sku, channels[-1], at)


# --- prices, promotions and the change workflow ------------------------------------------------------------


def check_price(price_fen: int) -> None:
    if price_fen < 0:
        raise PriceNegative(
            f"a price may not be below zero (got {price_fen} fen)",
            errors=[{"loc": ["body", "price_fen"], "msg": "must be 0 or more"}],
        )


def set_price(
    session: Session, sku: Sku, channel: PriceChannel, price_fen: int, starts_at: datetime, *, change_id: int | None
) -> None:
    """Write a price entry (replacing one that starts at the same moment); the caller publishes."""
    check_price(price_fen)
    existing = session.execute(
        select(Price).where(Price.sku_id == sku.id, Price.channel == channel, Price.starts_at == starts_at)  # type: ignore[arg-type]
    ).scalar_one_or_none()
    if existing is not None:
        existing.price_fen, existing.change_id = price_fen, change_id
        session.add(existing)
    else:
        session.add(
            Price(
                store_id=sku.store_id,
                sku_id=sku.id,  # type: ignore[arg-type]
                channel=channel,
                price_fen=price_fen,
                starts_at=starts_at,
                change_id=change_id,
            )
        )
    session.flush()


def request_change(session: Session, principal: Viewer, data: PriceChangeCreate, *, user_id: int | None) -> PriceChange:
    """Record a price change waiting for approval; bad input (price below zero, unknown SKU) writes nothing."""
    check_price(data.price_fen)
    sku = get_sku_by_code(session, principal.store_id, data.sku, viewer=principal)
    change = PriceChange(
        store_id=principal.store_id,
        shop_id=sku.shop_id,
        sku_id=sku.id,  # type: ignore[arg-type]
        channel=data.channel,
        price_fen=data.price_fen,
        effective_at=data.effective_at or utcnow(),
        note=data.note,
        requested_by=user_id,
    )
    session.add(change)
    session.flush()
    return change


def get_change(session: Session, store_id: int, change_id: int, *, viewer: Viewer | None = None) -> PriceChange:
    return get_in_store(
        session,
        PriceChange,
        change_id,
        store_id=store_id,
        not_found=PriceChangeNotFound,
        label="price change",
        viewer=viewer,
    )


def decide(session: Session, store_id: int, change_id: int, *, approve: bool, user_id: int | None) -> PriceChange:
    """Approve (the price takes effect at ``effective_at``, or now if that has passed) or reject a change."""
    change = get_change(session, store_id, change_id)
    if change.status != ChangeStatus.pending:
        raise PriceChangeDecided(f"price change {change_id} was already {change.status}")
    if approve and user_id is not None and change.requested_by == user_id:
        raise SelfApproval("the person who asked for a price change may not approve it: ask another manager")
    now = utcnow()
    change.status = ChangeStatus.approved if approve else ChangeStatus.rejected
    change.decided_by, change.decided_at = user_id, now
    session.add(change)
    if approve:
        sku = session.get(Sku, change.sku_id)
        assert sku is not None
        set_price(session, sku, change.channel, change.price_fen, max(change.effective_at, now), change_id=change.id)
        publish(session, store_id, f"price change {change.id}", sku_ids=[sku.id])  # type: ignore[list-item]
    session.flush()
    return change


def list_changes(
    session: Session,
    store_id: int,
    *,
    status: ChangeStatus | None = None,
    viewer: Viewer | None = None,
    limit: int = 100,
) -> list[tuple[PriceChange, str]]:
    """Price changes newest first, with their SKU codes."""
    query = (
        select(PriceChange, Sku.code)
        .join(Sku, Sku.id == PriceChange.sku_id)  # type: ignore[arg-type]
        .where(PriceChange.store_id == store_id)
        .order_by(PriceChange.id.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    if status is not None:
        query = query.where(PriceChange.status == status)
    if viewer is not None and viewer.shop_id is not None:
        query = query.where(PriceChange.shop_id == viewer.shop_id)
    return [(change, code) for change, code in session.execute(query)]


# M1 智能办公: the product's own approvals count as office workflow.
def approvals_in_period(session: Session, store_id: int, start: datetime, end: datetime) -> int:
    """Price changes decided (approved or rejected) by a manager in ``[start, end)``."""
    query = select(func.count()).where(
        PriceChange.store_id == store_id,
        PriceChange.status != ChangeStatus.pending,
        PriceChange.decided_at >= start,  # type: ignore[operator]
        PriceChange.decided_at < end,  # type: ignore[operator]
    )
    return int(session.execute(query).scalar_one())


def add_promotion(session: Session, store_id: int, data: PromotionCreate) -> Promotion:
    """A promotion on one channel; it must end after it starts and name at most one of category and SKU."""
    if data.ends_at <= data.starts_at:
        raise PromotionEndsBeforeStart(
            f"the promotion ends ({data.ends_at.isoformat()}) before it starts ({data.starts_at.isoformat()})",
            errors=[{"loc": ["body", "ends_at"], "msg": "must be after starts_at"}],
        )
    if data.category is not None and data.sku is not None:
        raise BadPromotion("a promotion is for all SKUs, one category or one SKU: not a category and a SKU")
    sku = get_sku_by_code(session, store_id, data.sku) if data.sku is not None else None
    promo = Promotion(
        store_id=store_id,
        name=data.name,
        channel=data.channel,
        percent_off=data.percent_off,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        category=data.category,
        sku_id=sku.id if sku is not None else None,
    )
    session.add(promo)
    session.flush()
    reason = f"promotion {promo.id}"
    if sku is not None:
        publish(session, store_id, reason, sku_ids=[sku.id])  # type: ignore[list-item]
    else:
        publish(session, store_id, reason, category=data.category, everything=data.category is None)
    return promo


def list_promotions(session: Session, store_id: int, *, limit: int = 100) -> list[Promotion]:
    query = select(Promotion).where(Promotion.store_id == store_id).order_by(Promotion.starts_at.desc()).limit(limit)  # type: ignore[attr-defined]
    return [row for (row,) in session.execute(query)]


# --- stale prices at the tills -----------------------------------------------------------------------------


def stale_sales(session: Session, store_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    """(sales priced on a book older than the one published by their time, sales that named a version)."""
    newest = (
        select(func.max(BookVersion.version))
        .where(BookVersion.store_id == store_id, BookVersion.published_at <= Order.ordered_at)  # type: ignore[arg-type]
        .scalar_subquery()
    )
    base = select(func.count()).where(
        Order.store_id == store_id,
        Order.price_book_version.is_not(None),  # type: ignore[union-attr]
        Order.ordered_at >= start,  # type: ignore[arg-type]
        Order.ordered_at < end,  # type: ignore[arg-type]
    )
    with_version = int(session.execute(base).scalar_one())
    stale = int(session.execute(base.where(Order.price_book_version < newest)).scalar_one())  # type: ignore[operator]
    return stale, with_version


def tills_on_books(session: Session, store_id: int) -> list[tuple[int, int, datetime]]:
    """Per till (device id): the newest book version its sales named, and its last such sale."""
    query = (
        select(Order.terminal_id, func.max(Order.price_book_version), func.max(Order.ordered_at))
        .where(
            Order.store_id == store_id,
            Order.terminal_id.is_not(None),  # type: ignore[union-attr]
            Order.price_book_version.is_not(None),  # type: ignore[union-attr]
        )
        .group_by(col(Order.terminal_id))
        .order_by(col(Order.terminal_id))
    )
    return [(int(t), int(v), at) for t, v, at in session.execute(query)]


# --- products and SKUs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkuIn:
    """A SKU with its product, as an import row or a form gives it."""

    shop_id: int
    product_code: str
    name: str
    category: str
    sku: str
    brand: str = ""
    barcode: str = ""
    spec: str = ""
    tax_rate_bp: int = 1300


def upsert_sku(session: Session, store_id: int, data: SkuIn) -> tuple[int, bool]:
    """Create or update the product and SKU: the SKU's id, and whether anything changed (the caller publishes)."""
    product = session.execute(
        select(Product).where(Product.store_id == store_id, Product.code == data.product_code)  # type: ignore[arg-type]
    ).scalar_one_or_none()
    changed = False
    wanted = {"shop_id": data.shop_id, "name": data.name, "brand": data.brand, "category": data.category}
    if product is None:
        product = Product(store_id=store_id, code=data.product_code, **wanted)  # type: ignore[arg-type]
        session.add(product)
        session.flush()
        changed = True
    elif any(getattr(product, k) != v for k, v in wanted.items()):
        for k, v in wanted.items():
            setattr(product, k, v)
        session.add(product)
        changed = True
    sku = session.execute(
        select(Sku).where(Sku.store_id == store_id, Sku.code == data.sku)  # type: ignore[arg-type]
    ).scalar_one_or_none()
    fields = {
        "shop_id": data.shop_id,
        "product_id": product.id,
        "barcode": data.barcode,
        "spec": data.spec,
        "tax_rate_bp": data.tax_rate_bp,
    }
    if sku is None:
        sku = Sku(store_id=store_id, code=data.sku, **fields)  # type: ignore[arg-type]
        session.add(sku)
        changed = True
    elif any(getattr(sku, k) != v for k, v in fields.items()):
        for k, v in fields.items():
            setattr(sku, k, v)
        session.add(sku)
        changed = True
    session.flush()
    return sku.id, changed  # type: ignore[return-value]


# --- what the admin pages list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkuRow:
    id: int
    code: str
    name: str
    brand: str
    category: str
    spec: str
    barcode: str
    shop_id: int
    offline_fen: int | None
    online_fen: int | None
    live_fen: int | None


def list_skus(
    session: Session,
    store_id: int,
    *,
    q: str = "",
    shop_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    at: datetime | None = None,
) -> tuple[list[SkuRow], int]:
    """SKUs by code (matching ``q`` in code, name, brand or barcode), with each channel's effective price now."""
    query = core_select(
        SKU.c.id,
        SKU.c.code,
        PRODUCT.c.name,
        PRODUCT.c.brand,
        PRODUCT.c.category,
        SKU.c.spec,
        SKU.c.barcode,
        SKU.c.shop_id,
    ).join(PRODUCT, PRODUCT.c.id == SKU.c.product_id)
    query = query.where(SKU.c.store_id == store_id)
    if shop_id is not None:
        query = query.where(SKU.c.shop_id == shop_id)
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        query = query.where(
            SKU.c.code.like(like) | PRODUCT.c.name.like(like) | PRODUCT.c.brand.like(like) | SKU.c.barcode.like(like)
        )
    total = int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    rows = session.execute(query.order_by(SKU.c.code).limit(limit).offset(offset)).all()
    moment = at or utcnow()
    _, books = load_books(session, store_id, list(PriceChannel), sku_ids=[r.id for r in rows])

    def now_price(sku_id: int, channel: str) -> int | None:
        found = pricing.effective(books[(sku_id, channel)], moment)
        return found.price_fen if found is not None else None

    return [
        SkuRow(*row, now_price(row.id, "offline"), now_price(row.id, "online"), now_price(row.id, "live"))  # type: ignore[call-arg]
        for row in rows
    ], total


def book_summary(session: Session, store_id: int) -> list[dict[str, Any]]:
    """Per channel: whether prices include tax, the SKUs priced and the entries (history and scheduled)."""
    counts = {
        channel: (skus, entries)
        for channel, skus, entries in session.execute(
            select(PRICE.c.channel, func.count(func.distinct(PRICE.c.sku_id)), func.count())
            .where(PRICE.c.store_id == store_id)
            .group_by(PRICE.c.channel)
        )
    }
    scheduled = dict(
        session.execute(  # type: ignore[arg-type]
            select(PRICE.c.channel, func.count())
            .where(PRICE.c.store_id == store_id, PRICE.c.starts_at > utcnow())
            .group_by(PRICE.c.channel)
        ).all()
    )
    included = tax_included(session, store_id)
    return [
        {
            "channel": c.value,
            "tax_included": included[c.value],
            "skus": counts.get(c.value, (0, 0))[0],
            "entries": counts.get(c.value, (0, 0))[1],
            "scheduled": scheduled.get(c.value, 0),
        }
        for c in PriceChannel
    ]


def product_names(
    session: Session, store_id: int, *, shop_id: int | None = None, limit: int = 20_000
) -> list[tuple[int, str, str]]:
    """(shop id, product name, brand) of the store's products (or one shop's): what the kiosk search finds."""
    query = core_select(PRODUCT.c.shop_id, PRODUCT.c.name, PRODUCT.c.brand).where(PRODUCT.c.store_id == store_id)
    if shop_id is not None:
        query = query.where(PRODUCT.c.shop_id == shop_id)
    query = query.order_by(PRODUCT.c.id).limit(limit)
    return [(int(r.shop_id), r.name, r.brand) for r in session.execute(query)]
